"""Writes of the moderation app, by subject: the «Надёжный продавец» badge (reliable.py), complaints,
the 24-hour check and fake orders (complaints.py; reasons 1, 2, 5), sanctions and the shop's standing
(sanctions.py), «Написать нам» (appeals.py), the image queue (images.py; reason 3), unanswered messages
(messages.py; reason 4), contacts in texts (texts.py; reason 6); re-exported here so callers import
``moderation.services``."""

from .appeals import (
    APPEAL_WORKDAYS,
    AppealError,
    appeal_answer,
    appeal_deadline,
    appeal_lift,
    appeal_submit,
    sanctions_open_to_appeal,
)
from .complaints import (
    ComplaintTarget,
    FakeOrderOutcome,
    complaint_answer,
    complaint_confirm,
    complaint_decide,
    complaint_file,
    complaint_reject,
    complaint_target,
    order_cancel_as_fake,
    orders_unprocessed_notify,
)
from .images import (
    ImageClaimError,
    image_claim_confirm,
    image_claim_reject,
    image_claim_report,
    image_claim_resolve,
    image_claims_detect,
    image_matches,
)
from .messages import messages_unanswered_check
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
from .texts import TextHitError, text_hits_clean, text_hits_dismiss, text_hits_scan, texts_scan

__all__ = [
    "APPEAL_WORKDAYS", "AppealError", "REASON_MAX_LENGTH", "WARNINGS_BEFORE_BAN", "active_sanctions",
    "appeal_answer", "appeal_deadline", "appeal_lift", "appeal_submit", "complaint_decide", "reliable_apply",
    "reliable_approve", "reliable_flag_resolve", "reliable_recheck", "reliable_refuse", "reliable_withdraw",
    "sanction_impose", "sanction_lift", "sanctions_for_shop", "sanctions_open_to_appeal", "standing_refresh",
    "warnings_count", "what_to_do", "ImageClaimError", "TextHitError", "image_claim_confirm", "image_claim_reject",
    "image_claim_report", "image_claim_resolve", "image_claims_detect", "image_matches", "messages_unanswered_check",
    "text_hits_clean", "text_hits_dismiss", "text_hits_scan", "texts_scan", "ComplaintTarget", "FakeOrderOutcome",
    "complaint_answer", "complaint_confirm", "complaint_file", "complaint_reject", "complaint_target",
    "order_cancel_as_fake", "orders_unprocessed_notify",
]  # fmt: skip
