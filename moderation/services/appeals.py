"""«Написать нам» (seed 001 «Что делать, если к вашему магазину были применены санкции?»): anyone writes;
a seller names an active sanction and describes the fix; the administration answers within three working
days (Russian calendar), by a reply or by lifting the sanction. A permanent ban is never lifted this way."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.exceptions import DomainError
from marketplace.notifications import notify, site_url
from marketplace.text_rules import validate_no_links
from marketplace.workdays import add_workdays

from ..models import Appeal, Sanction, SanctionKind
from .sanctions import sanction_lift

# Seed 001: «На рассмотрение обращения и снятие санкций нам требуется до трех рабочих дней».
APPEAL_WORKDAYS = 3
NAME_MAX_LENGTH = 150
TEXT_MAX_LENGTH = 5000
RESOLUTION_MAX_LENGTH = 4000


class AppealError(DomainError):
    """A message to Lavka that can't be sent or answered as asked.

    Kept beside its services rather than in exceptions.py, which the parallel complaint and queue work
    edits at the same time; ``moderation.services`` re-exports it.
    """


def appeal_deadline(received: date) -> date:
    """The day the answer is due: three working days after the day the message came."""
    return add_workdays(received, APPEAL_WORKDAYS)


def sanctions_open_to_appeal(user):
    """The active sanctions a signed-in seller may name in «Написать нам»: their own shop's, not a ban
    (a permanent ban is not lifted on request)."""
    if user is None or not user.is_authenticated:
        return Sanction.objects.none()
    return (
        Sanction.objects.filter(shop__owner=user, lifted_at__isnull=True).exclude(kind=SanctionKind.BAN)
        .select_related("product").order_by("-created_at", "-pk")
    )  # fmt: skip


def _clean_text(value: str, *, field: str, max_length: int, required_message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise AppealError(required_message, field=field)
    if len(value) > max_length:
        raise AppealError(_("At most %(count)d characters, please.") % {"count": max_length}, field=field)
    return value


def _no_links(value: str, *, field: str) -> None:
    # The receipt goes to an address anyone may type: no links relayed through Lavka's mail.
    try:
        validate_no_links(value)
    except ValidationError as error:
        raise AppealError(error.messages[0], field=field) from None


@transaction.atomic
def appeal_submit(*, author, name: str, email: str, text: str, sanction: Sanction | None = None) -> Appeal:
    """A message through «Написать нам»; the deadline is three working days away; the writer gets a receipt."""
    name = " ".join((name or "").split())
    name = _clean_text(name, field="name", max_length=NAME_MAX_LENGTH, required_message=_("Tell us your name."))
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise AppealError(_("Enter the e-mail address for our answer."), field="email") from None
    text = _clean_text(text, field="text", max_length=TEXT_MAX_LENGTH, required_message=_("Write your message."))
    _no_links(name, field="name")
    _no_links(text, field="text")
    author = author if author is not None and author.is_authenticated else None
    if sanction is not None and not sanctions_open_to_appeal(author).filter(pk=sanction.pk).exists():
        raise AppealError(_("Choose one of your shop's active sanctions."), field="sanction")
    now = timezone.now()
    appeal = Appeal.objects.create(
        author=author, name=name, email=email, sanction=sanction, text=text, created_at=now,
        deadline=appeal_deadline(timezone.localdate(now)),
    )  # fmt: skip
    notify(template="appeal_received", to=[email], context={
        "appeal": appeal, "sanction": sanction,
        "sanctions_url": site_url() + reverse("moderation:cabinet-sanctions") if sanction else "",
    })  # fmt: skip
    return appeal


def _locked_open(appeal: Appeal) -> Appeal:
    appeal = Appeal.objects.select_for_update(of=("self",)).select_related("sanction").get(pk=appeal.pk)
    if appeal.resolved_at is not None:
        raise AppealError(_("This message has already been answered."))
    return appeal


@transaction.atomic
def appeal_answer(*, appeal: Appeal, actor, resolution: str) -> Appeal:
    """An admin answers without lifting anything; the answer is e-mailed to the writer."""
    resolution = _clean_text(resolution, field="resolution", max_length=RESOLUTION_MAX_LENGTH,
                             required_message=_("Write the answer: it is e-mailed to the writer."))  # fmt: skip
    appeal = _locked_open(appeal)
    appeal.resolved_at, appeal.resolved_by, appeal.resolution = timezone.now(), actor, resolution
    appeal.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    notify(template="appeal_answered", to=[appeal.email], context={"appeal": appeal, "sanction": appeal.sanction})
    return appeal


@transaction.atomic
def appeal_lift(*, appeal: Appeal, actor, reason: str) -> Appeal:
    """«Снять санкцию»: lift the sanction the seller wrote about and resolve the message with the reason
    (sanction_lift e-mails the seller). A permanent ban is never lifted through a message."""
    appeal = _locked_open(appeal)
    sanction = appeal.sanction
    if sanction is None:
        raise AppealError(_("This message is not about a sanction: answer it instead."))
    if sanction.kind == SanctionKind.BAN:
        raise AppealError(_("A permanent ban is not lifted through a message to Lavka: only a superuser can "
                            "reverse it, on the sanction's page."))  # fmt: skip
    sanction_lift(sanction=sanction, actor=actor, reason=reason, appeal=appeal)
    appeal.refresh_from_db()
    return appeal
