"""Moderation admin: complaints (new first; photos, the copy of the conversation and the seller's answer
beside the decision; confirm or reject through the services, which keep who and when and e-mail both
sides) and orders to check (back-dated, not processed within 24 hours; «cancel as fake»)."""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from marketplace.exceptions import DomainError

from .admin import decide_each
from .forms_complaints import ComplaintConfirmForm, ComplaintRejectForm, FakeOrderForm
from .models import Complaint, ComplaintKind, ComplaintStatus, OrderToCheck, Sanction
from .services import complaints as services


def _admin_link(obj, label=None):
    """A link to the object's admin page, or its name where it has none registered."""
    try:
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return str(label or obj)
    return format_html('<a href="{}">{}</a>', url, label or obj)


def _sanctions_list(sanctions):
    if not sanctions:
        return "—"
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {} · {}{}</li>", (
        (sanction.created_at.strftime("%d.%m.%Y"), _admin_link(sanction, sanction.get_kind_display()),
         sanction.get_reason_display(), format_html(" ({})", gettext("lifted")) if sanction.lifted_at else "")
        for sanction in sanctions
    )))  # fmt: skip


class AboutFilter(admin.SimpleListFilter):
    title = _("about")
    parameter_name = "about"

    def lookups(self, request, model_admin):
        return [("order", _("an order")), ("product", _("a product")), ("message", _("a message")),
                ("shop", _("the shop"))]  # fmt: skip

    def queryset(self, request, queryset):
        if self.value() == "order":
            return queryset.filter(order__isnull=False)
        if self.value() == "product":
            return queryset.filter(product__isnull=False, order__isnull=True, message__isnull=True)
        if self.value() == "message":
            return queryset.filter(message__isnull=False)
        if self.value() == "shop":
            return queryset.filter(order__isnull=True, product__isnull=True, message__isnull=True)
        return queryset


class AnsweredFilter(admin.SimpleListFilter):
    title = _("the seller's answer")
    parameter_name = "answered"

    def lookups(self, request, model_admin):
        return [("yes", _("answered")), ("no", _("not answered"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(seller_answered_at__isnull=self.value() == "no")
        return queryset


class DecisionPages:
    """The intermediate pages of the complaint and order actions (no text, no decision)."""

    def _page(self, request, template, *, status=200, **context):
        context = {**self.admin_site.each_context(request), "opts": self.opts,
                   "selected": request.POST.getlist(ACTION_CHECKBOX_NAME), **context}  # fmt: skip
        return TemplateResponse(request, template, context, status=status)

    def _check(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied


@admin.register(Complaint)
class ComplaintAdmin(DecisionPages, admin.ModelAdmin):
    """Read-only once received; decisions go through the services (``complaint_confirm``/``complaint_reject``).
    A complaint added here is the administration's own (no author)."""

    list_display = ["created_at", "shop", "kind", "status", "about", "author", "photo_count", "answered",
                    "decided_at"]  # fmt: skip
    list_filter = ["status", "kind", AboutFilter, AnsweredFilter]
    search_fields = ["shop__name", "text", "author__email", "order__number"]
    list_select_related = ["shop", "author", "order", "product"]
    date_hierarchy = "created_at"
    raw_id_fields = ["shop", "order"]
    add_fields = ["shop", "order", "kind", "text"]
    fields = ["shop", "order", "product", "message", "author", "kind", "text", "status", "created_at", "decide_link",
              "photos_preview", "conversation", "seller_answer", "seller_answered_at", "sanctions_imposed",
              "decision", "decided_at", "decided_by"]  # fmt: skip
    actions = ["confirm", "reject"]

    def get_fields(self, request, obj=None):
        return self.fields if obj else self.add_fields

    def get_readonly_fields(self, request, obj=None):
        # A received complaint is never edited: the evidence stays as it came.
        return self.fields if obj else []

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(photos_count=Count("photos"))

    def get_ordering(self, request):
        return [services._new_first(), "-created_at", "-pk"]  # new ones first: the daily queue

    def has_delete_permission(self, request, obj=None):
        return False  # the record of what buyers said and what was decided

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Everything here is read-only: the decision is the «Decide» page, not «Save».
        extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False,
                         "show_save_and_add_another": False, "show_delete": False}  # fmt: skip
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("about"))
    def about(self, obj):
        if obj.order_id:
            return gettext("order %(number)s") % {"number": obj.order.number}
        if obj.message_id:
            return gettext("a message")
        if obj.product_id:
            return obj.product.title
        return gettext("the shop")

    @admin.display(description=_("photos"), ordering="photos_count")
    def photo_count(self, obj):
        return obj.photos_count

    @admin.display(description=_("answered"), boolean=True)
    def answered(self, obj):
        return obj.seller_answered_at is not None

    @admin.display(description=_("photos"))
    def photos_preview(self, obj):
        photos = list(obj.photos.all())
        if not photos:
            return "—"
        return format_html_join(" ", '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="" width="160" '
                                'style="max-height:160px;object-fit:cover;border:1px solid #ddd"></a>',
                                ((photo.get_absolute_url(), photo.get_absolute_url()) for photo in photos))  # fmt: skip

    @admin.display(description=_("copy of the conversation"))
    def conversation(self, obj):
        if not obj.conversation_copy:
            return "—"
        return format_html('<pre style="white-space:pre-wrap;max-width:60em">{}</pre>', obj.conversation_copy)

    @admin.display(description=_("sanctions"))
    def sanctions_imposed(self, obj):
        return _sanctions_list(list(obj.sanctions.all()))

    @admin.display(description=_("decision"))
    def decide_link(self, obj):
        if obj.status != ComplaintStatus.NEW:
            return obj.get_status_display()
        url = reverse("admin:moderation_complaint_decide", args=[obj.pk])
        return format_html('<a class="button" href="{}" data-testid="complaint-decide">{}</a>', url,
                           gettext("Confirm or reject…"))  # fmt: skip

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/decide/", view(self.decide_view), name="moderation_complaint_decide"),
        ] + super().get_urls()

    def decide_view(self, request, pk):
        """One complaint: its evidence beside the two decisions, each with its own text."""
        self._check(request)
        complaint = get_object_or_404(Complaint.objects.select_related("shop", "author", "order", "product"), pk=pk)
        action = request.POST.get("do") if request.method == "POST" else None
        confirm_form = ComplaintConfirmForm(request.POST if action == "confirm" else None,
                                            initial={"decision": services.default_decision(
                                                complaint, ComplaintStatus.CONFIRMED)})  # fmt: skip
        reject_form = ComplaintRejectForm(request.POST if action == "reject" else None)
        form = {"confirm": confirm_form, "reject": reject_form}.get(action)
        if form is not None and form.is_valid():
            try:
                if action == "confirm":
                    services.complaint_confirm(complaint=complaint, actor=request.user, **form.cleaned_data)
                else:
                    services.complaint_reject(complaint=complaint, actor=request.user,
                                              reason=form.cleaned_data["reason"])  # fmt: skip
            except DomainError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, str(error))
            else:
                self.message_user(request, gettext("The complaint is decided; the seller and the buyer are e-mailed."),
                                  messages.SUCCESS)  # fmt: skip
                return HttpResponseRedirect(reverse("admin:moderation_complaint_changelist"))
        return self._page(
            request, "moderation/complaints/admin_decide.html", status=400 if form is not None else 200,
            title=gettext("Decide on the complaint"), complaint=complaint, photos=list(complaint.photos.all()),
            confirm_form=confirm_form, reject_form=reject_form, shows_review=complaint.kind in (
                ComplaintKind.QUALITY, ComplaintKind.SERVICE),
        )  # fmt: skip

    @admin.action(description=_("Confirm the chosen complaints with the standard wording"), permissions=["change"])
    def confirm(self, request, queryset):
        complaints = list(queryset.select_related("shop"))
        for complaint in complaints:
            if complaint.kind == ComplaintKind.FRAUD:
                # A permanent ban is never given in bulk: the admin reads the evidence and writes why.
                self.message_user(request, gettext("%(complaint)s: confirm a fraud from its own page, with the "
                                                   "reason written out.") % {"complaint": complaint},
                                  messages.WARNING)  # fmt: skip
        confirmable = [complaint for complaint in complaints if complaint.kind != ComplaintKind.FRAUD]
        done = decide_each(self, request, confirmable,
                           lambda complaint: services.complaint_decide(complaint=complaint, actor=request.user,
                                                                       status=ComplaintStatus.CONFIRMED))  # fmt: skip
        self.message_user(request, ngettext("%(count)d complaint confirmed.", "%(count)d complaints confirmed.", done)
                          % {"count": done})  # fmt: skip

    @admin.action(description=_("Reject the chosen complaints with a reason…"), permissions=["change"])
    def reject(self, request, queryset):
        queryset = queryset.filter(status=ComplaintStatus.NEW).select_related("shop")
        form = ComplaintRejectForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            done = decide_each(
                self,
                request,
                queryset,
                lambda complaint: services.complaint_reject(complaint=complaint, actor=request.user, reason=reason),
            )
            self.message_user(request, ngettext("%(count)d complaint rejected.", "%(count)d complaints rejected.",
                                                done) % {"count": done})  # fmt: skip
            return None
        if not queryset:
            self.message_user(request, gettext("None of the chosen complaints is new."), messages.WARNING)
            return None
        return self._page(request, "admin/moderation/reason_form.html", status=400 if form.is_bound else 200,
                          title=gettext("Reject the complaints"), objects=list(queryset), form=form, action="reject",
                          intro=gettext("The reason is e-mailed to each seller and each buyer."),
                          submit=gettext("Reject"))  # fmt: skip


class SuspicionFilter(admin.SimpleListFilter):
    title = _("to check")
    parameter_name = "check"

    def lookups(self, request, model_admin):
        return [("backdated", _("Back-dated: a carrier event before the order")),
                ("unprocessed", _("Not processed within 24 hours")),
                ("fake", _("Dealt with as fake"))]  # fmt: skip

    def queryset(self, request, queryset):
        if self.value() == "backdated":
            return services.orders_backdated(queryset)
        if self.value() == "unprocessed":
            return services.orders_unprocessed(queryset=queryset)
        if self.value() == "fake":
            return queryset.filter(fake_dealt=True)
        return queryset


@admin.register(OrderToCheck)
class OrderToCheckAdmin(DecisionPages, admin.ModelAdmin):
    """Orders as moderation sees them; the only write is «cancel as fake» (seed 001, reason 5)."""

    list_display = ["number", "shop", "buyer_name", "email", "status", "created_at", "backdated", "unprocessed",
                    "fake"]  # fmt: skip
    list_filter = [SuspicionFilter, "status"]
    search_fields = ["number", "shop__name", "email", "buyer_name"]
    list_select_related = ["shop"]
    date_hierarchy = "created_at"
    actions = ["cancel_as_fake"]
    fields = ["number", "shop", "buyer", "buyer_name", "email", "status", "created_at", "total", "backdated",
              "unprocessed", "tracking", "history", "sanctions"]  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request):
        return services.orders_flagged(super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False,
                         "show_save_and_add_another": False, "show_delete": False}  # fmt: skip
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("back-dated"), boolean=True, ordering="is_backdated")
    def backdated(self, obj):
        return obj.is_backdated

    @admin.display(description=_("not processed in 24 h"), boolean=True, ordering="is_unprocessed")
    def unprocessed(self, obj):
        return obj.is_unprocessed

    @admin.display(description=_("dealt with as fake"), boolean=True)
    def fake(self, obj):
        return obj.fake_dealt

    @admin.display(description=_("carrier events"))
    def tracking(self, obj):
        events = [event for shipment in obj.shipments.prefetch_related("events") for event in shipment.events.all()]
        if not events:
            return "—"
        return format_html("<ul>{}</ul>", format_html_join("", '<li style="{}">{} · {} · {}</li>', (
            ("color:#b42318;font-weight:bold" if event.occurred_at < obj.created_at else "",
             event.occurred_at.strftime("%d.%m.%Y %H:%M"), event.shipment.track_number, event.status)
            for event in sorted(events, key=lambda event: event.occurred_at)
        )))  # fmt: skip

    @admin.display(description=_("history"))
    def history(self, obj):
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} · {} · {}</li>", (
            (event.created_at.strftime("%d.%m.%Y %H:%M"), event.get_status_display(), event.actor or "—")
            for event in obj.events.select_related("actor")
        )))  # fmt: skip

    @admin.display(description=_("sanctions"))
    def sanctions(self, obj):
        return _sanctions_list(list(Sanction.objects.filter(order=obj)))

    @admin.action(description=_("Cancel as fake (a warning; the second time the shop is switched off)…"),
                  permissions=["change"])  # fmt: skip
    def cancel_as_fake(self, request, queryset):
        orders = list(queryset.select_related("shop"))
        form = FakeOrderForm(request.POST if "details" in request.POST else None)
        if form.is_bound and form.is_valid():
            for order in orders:
                try:
                    outcome = services.order_cancel_as_fake(order=order, actor=request.user,
                                                            details=form.cleaned_data["details"])  # fmt: skip
                except DomainError as error:
                    self.message_user(request, f"{order}: {error}", messages.WARNING)
                    continue
                text = (gettext("Order %(number)s is cancelled; «%(shop)s» has a warning.") if outcome.cancelled else
                        gettext("Order %(number)s could not be cancelled (it is «%(status)s»); «%(shop)s» has a "
                                "warning all the same.")) % {"number": order.number, "shop": order.shop.name,
                                                             "status": order.get_status_display()}  # fmt: skip
                if outcome.switch_off is not None:
                    text += " " + gettext("It is the shop's second fake order: the shop is switched off.")
                self.message_user(request, text, messages.SUCCESS if outcome.cancelled else messages.WARNING)
            return None
        return self._page(request, "admin/moderation/reason_form.html", status=400 if form.is_bound else 200,
                          title=gettext("Cancel as fake"), objects=orders, form=form, action="cancel_as_fake",
                          intro=gettext("Each order is cancelled and its shop gets a warning (the text below is "
                                        "e-mailed to the seller); a shop's second fake order switches it off."),
                          submit=gettext("Cancel as fake"))  # fmt: skip
