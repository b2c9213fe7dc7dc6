"""Writes of the moderation app, by subject: the «Надёжный продавец» badge (reliable.py), complaints
(complaints.py), sanctions and the shop's standing (sanctions.py), «Написать нам» (appeals.py);
re-exported here so callers import ``moderation.services``."""

from .appeals import (
    APPEAL_WORKDAYS,
    AppealError,
    appeal_answer,
    appeal_deadline,
    appeal_lift,
    appeal_submit,
    sanctions_open_to_appeal,
)
from .complaints import complaint_decide
from .reliable import (
    REASON_MAX_LENGTH,
    reliable_apply,
    reliable_approve,
    reliable_flag_resolve,
    reliable_recheck,
    reliable_refuse,
    reliable_withdraw,
)
from .sanctions import (
    WARNINGS_BEFORE_BAN,
    active_sanctions,
    sanction_impose,
    sanction_lift,
    sanctions_for_shop,
    standing_refresh,
    warnings_count,
    what_to_do,
)

__all__ = [
    "APPEAL_WORKDAYS", "AppealError", "REASON_MAX_LENGTH", "WARNINGS_BEFORE_BAN", "active_sanctions",
    "appeal_answer", "appeal_deadline", "appeal_lift", "appeal_submit", "complaint_decide", "reliable_apply",
    "reliable_approve", "reliable_flag_resolve", "reliable_recheck", "reliable_refuse", "reliable_withdraw",
    "sanction_impose", "sanction_lift", "sanctions_for_shop", "sanctions_open_to_appeal", "standing_refresh",
    "warnings_count", "what_to_do",
]  # fmt: skip

# The image queue, contacts in texts and unanswered messages (reasons 3, 6 and 4).
from .images import (  # noqa: E402
    ImageClaimError,
    image_claim_confirm,
    image_claim_reject,
    image_claim_report,
    image_claim_resolve,
    image_claims_detect,
    image_matches,
)
from .messages import messages_unanswered_check  # noqa: E402
from .texts import TextHitError, text_hits_clean, text_hits_dismiss, text_hits_scan, texts_scan  # noqa: E402

__all__ += [
    "ImageClaimError", "TextHitError", "image_claim_confirm", "image_claim_reject", "image_claim_report",
    "image_claim_resolve", "image_claims_detect", "image_matches", "messages_unanswered_check", "text_hits_clean",
    "text_hits_dismiss", "text_hits_scan", "texts_scan",
]  # fmt: skip

# Complaints, the 24-hour check and fake orders (reasons 1, 2 and 5).
from .complaints import (  # noqa: E402
    ComplaintTarget,
    FakeOrderOutcome,
    complaint_answer,
    complaint_confirm,
    complaint_file,
    complaint_reject,
    complaint_target,
    order_cancel_as_fake,
    orders_unprocessed_notify,
)

__all__ += [
    "ComplaintTarget", "FakeOrderOutcome", "complaint_answer", "complaint_confirm", "complaint_file",
    "complaint_reject", "complaint_target", "order_cancel_as_fake", "orders_unprocessed_notify",
]  # fmt: skip
