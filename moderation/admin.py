"""Moderation in the admin: «Надёжный продавец» applications beside their criteria (as applied and as of
now), the shop's sanctions and complaints, with approve / refuse / withdraw through the services; the daily
re-check's flags; withdrawals. Complaints themselves are in admin_complaints.py."""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from marketplace.exceptions import DomainError
from shops.models import Shop

from .exceptions import ReliableError
from .forms import ReasonForm
from .models import (
    ApplicationStatus,
    BadgeHolder,
    Complaint,
    ComplaintStatus,
    ReliableApplication,
    ReliableFlag,
    ReliableWithdrawal,
)
from .selectors import reliable_criteria
from .services import reliable_approve, reliable_flag_resolve, reliable_refuse, reliable_withdraw

CRITERIA_LABELS = {
    "tracked_sales": _("Sales confirmed by tracking"),
    "positive_reviews": _("Positive reviews from different buyers on tracked sales"),
    "complaints": _("Confirmed complaints"),
    "average_rating": _("Average rating of all reviews"),
}


def _yes_no(value: bool):
    return format_html('<span style="color:{}">{}</span>', "#1a7f37" if value else "#b42318",
                       "✔" if value else "✘")  # fmt: skip


def criteria_table(snapshot: dict):
    """A stored or fresh criteria snapshot as a small table an admin can read."""
    rows = snapshot.get("criteria") or []
    if not rows:
        return "—"
    body = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (CRITERIA_LABELS.get(row.get("code"), row.get("label", "")), row.get("value") or "—", row.get("target"),
             _yes_no(row.get("met")), row.get("missing") or "")
            for row in rows
        ),
    )  # fmt: skip
    return format_html(
        '<table style="min-width:40em"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>'
        "</thead><tbody>{}</tbody></table><p>{}: {} · {}: {}</p>",
        gettext("Criterion"), gettext("Shop's figure"), gettext("Target"), gettext("Met"), gettext("Missing"), body,
        gettext("All met"), _yes_no(snapshot.get("met")), gettext("Sales counter"), snapshot.get("sales_total", "—"),
    )  # fmt: skip


def confirmed_complaints_list(shop):
    complaints = Complaint.objects.filter(shop=shop, status=ComplaintStatus.CONFIRMED).order_by("-created_at")
    if not complaints:
        return gettext("None")
    return format_html(
        "<ul>{}</ul>",
        format_html_join(
            "", '<li><a href="{}">{} · {}</a>: {}</li>',
            ((reverse("admin:moderation_complaint_change", args=[c.pk]), c.created_at.strftime("%d.%m.%Y"),
              c.get_kind_display(), c.text[:120]) for c in complaints),
        ),
    )  # fmt: skip


class ShopStandingColumns:
    """The shop's standing beside an application or a flag: the badge now, the moderation state, complaints."""

    @admin.display(description=_("has the badge now"), boolean=True)
    def is_reliable_now(self, obj):
        return obj.shop.is_reliable

    @admin.display(description=_("moderation state"))
    def sanction_state(self, obj):
        return obj.shop.get_sanction_state_display()

    @admin.display(description=_("confirmed complaints"))
    def confirmed_complaints(self, obj):
        return confirmed_complaints_list(obj.shop)


def decide_each(modeladmin, request, objects, act, *, name=str) -> int:
    """A bulk decision: ``act(obj)`` (a service) for each object; a refusal is shown beside the
    object's ``name`` and the rest go on; returns how many were done (the caller says so)."""
    done = 0
    for obj in objects:
        try:
            act(obj)
        except DomainError as error:
            modeladmin.message_user(request, f"{name(obj)}: {error}", messages.WARNING)
        else:
            done += 1
    return done


class ReasonViews:
    """The intermediate «reason» page shared by refusing and withdrawing (no reason, no decision)."""

    def _reason_page(self, request, *, title, intro, objects, form, action="", submit):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "intro": intro,
            "objects": objects,
            "form": form,
            "action": action,
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
            "submit": submit,
        }
        return TemplateResponse(request, "admin/moderation/reason_form.html", context,
                                status=400 if form.is_bound and form.errors else 200)  # fmt: skip

    def _withdraw_all(self, request, shops, form) -> int:
        reason = form.cleaned_data["reason"]
        done = decide_each(self, request, shops, lambda shop: reliable_withdraw(shop=shop, actor=request.user,
                                                                                 reason=reason))  # fmt: skip
        if done:
            self.message_user(request, ngettext("The badge was withdrawn from %(count)d shop.",
                                                "The badge was withdrawn from %(count)d shops.", done)
                              % {"count": done}, messages.SUCCESS)  # fmt: skip
        return done


@admin.register(ReliableApplication)
class ReliableApplicationAdmin(ShopStandingColumns, ReasonViews, admin.ModelAdmin):
    list_display = ["shop", "created_at", "status", "met_when_applied", "is_reliable_now", "sanction_state",
                    "decided_at", "decided_by"]  # fmt: skip
    list_filter = ["status"]
    search_fields = ["shop__name", "shop__slug", "shop__owner__email", "message"]
    list_select_related = ["shop", "decided_by"]
    date_hierarchy = "created_at"
    actions = ["approve_selected", "refuse_selected"]
    fields = ["shop", "applicant", "created_at", "status", "message", "criteria_then", "criteria_now", "sanction_state",
              "is_reliable_now", "confirmed_complaints", "decided_by", "decided_at", "reason"]  # fmt: skip
    readonly_fields = fields
    change_form_template = "admin/moderation/reliableapplication/change_form.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the record of who applied and who decided

    @admin.display(description=_("met when applying"), boolean=True)
    def met_when_applied(self, obj):
        return bool(obj.criteria.get("met"))

    @admin.display(description=_("criteria when applying"))
    def criteria_then(self, obj):
        return criteria_table(obj.criteria)

    @admin.display(description=_("criteria now"))
    def criteria_now(self, obj):
        return criteria_table(reliable_criteria(obj.shop).as_snapshot())

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Everything here is read-only: decisions are the buttons above, not «Save».
        extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False,
                         "show_save_and_add_another": False, "show_delete": False}  # fmt: skip
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/approve/", view(self.approve_view), name="moderation_reliableapplication_approve"),
            path("<int:pk>/refuse/", view(self.refuse_view), name="moderation_reliableapplication_refuse"),
            path("withdraw/<int:shop_id>/", view(self.withdraw_view), name="moderation_reliable_withdraw"),
        ] + super().get_urls()

    def _check(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied

    def _back(self, application):
        return HttpResponseRedirect(reverse("admin:moderation_reliableapplication_change", args=[application.pk]))

    def approve_view(self, request, pk):
        self._check(request)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        application = get_object_or_404(ReliableApplication.objects.select_related("shop"), pk=pk)
        try:
            reliable_approve(application=application, actor=request.user)
        except ReliableError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, gettext("«%(shop)s» now has the badge; the seller is e-mailed.")
                              % {"shop": application.shop.name}, messages.SUCCESS)  # fmt: skip
        return self._back(application)

    def refuse_view(self, request, pk):
        self._check(request)
        application = get_object_or_404(ReliableApplication.objects.select_related("shop"), pk=pk)
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                reliable_refuse(application=application, actor=request.user, reason=form.cleaned_data["reason"])
            except ReliableError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("The application of «%(shop)s» is refused; the seller is e-mailed.")
                    % {"shop": application.shop.name},
                    messages.SUCCESS,
                )
            return self._back(application)
        return self._reason_page(request, title=gettext("Refuse the «Reliable seller» application"),
                                 intro=gettext("The reason is e-mailed to the seller and shown in their cabinet."),
                                 objects=[application], form=form, submit=gettext("Refuse"))  # fmt: skip

    def withdraw_view(self, request, shop_id):
        self._check(request)
        shop = get_object_or_404(Shop, pk=shop_id)
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            self._withdraw_all(request, [shop], form)
            return HttpResponseRedirect(reverse("admin:moderation_badgeholder_changelist"))
        return self._reason_page(request, title=gettext("Withdraw the «Reliable seller» badge"),
                                 intro=gettext("The reason is e-mailed to the seller and shown in their cabinet."),
                                 objects=[shop], form=form, submit=gettext("Withdraw the badge"))  # fmt: skip

    @admin.action(description=_("Approve the chosen applications"), permissions=["change"])
    def approve_selected(self, request, queryset):
        done = decide_each(self, request, queryset.select_related("shop"),
                           lambda application: reliable_approve(application=application, actor=request.user),
                           name=lambda application: application.shop)  # fmt: skip
        self.message_user(request, gettext("Approved: %(count)d.") % {"count": done})

    @admin.action(description=_("Refuse the chosen applications with a reason…"), permissions=["change"])
    def refuse_selected(self, request, queryset):
        queryset = queryset.filter(status=ApplicationStatus.PENDING).select_related("shop")
        form = ReasonForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            done = decide_each(
                self,
                request,
                queryset,
                lambda application: reliable_refuse(application=application, actor=request.user, reason=reason),
                name=lambda application: application.shop,
            )
            self.message_user(request, gettext("Refused: %(count)d.") % {"count": done})
            return None
        if not queryset:
            self.message_user(request, gettext("None of the chosen applications is pending."), messages.WARNING)
            return None
        return self._reason_page(request, title=gettext("Refuse the «Reliable seller» applications"),
                                 intro=gettext("The reason is e-mailed to each seller and shown in their cabinet."),
                                 objects=list(queryset), form=form, action="refuse_selected",
                                 submit=gettext("Refuse"))  # fmt: skip


class OpenFlagFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", pgettext_lazy("flags", "Open")), ("no", pgettext_lazy("flags", "Resolved"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


@admin.register(ReliableFlag)
class ReliableFlagAdmin(ShopStandingColumns, ReasonViews, admin.ModelAdmin):
    """The daily re-check's findings: a holder below the criteria. An admin withdraws or keeps the badge."""

    list_display = ["shop", "created_at", "checked_at", "failed_criteria", "is_reliable_now", "sanction_state",
                    "resolved_at", "resolution"]  # fmt: skip
    list_filter = [OpenFlagFilter]
    search_fields = ["shop__name", "shop__slug"]
    list_select_related = ["shop"]
    actions = ["withdraw_badge", "mark_resolved"]
    fields = ["shop", "created_at", "checked_at", "failed_criteria", "criteria_table", "withdraw_link",
              "sanction_state", "confirmed_complaints", "resolved_at", "resolved_by", "resolution"]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("criteria not met"))
    def failed_criteria(self, obj):
        return ", ".join(str(CRITERIA_LABELS.get(code, code)) for code in obj.failed)

    @admin.display(description=_("criteria as last checked"))
    def criteria_table(self, obj):
        return criteria_table(obj.criteria)

    @admin.display(description=_("badge"))
    def withdraw_link(self, obj):
        if not obj.shop.is_reliable:
            return gettext("The shop does not have the badge.")
        url = reverse("admin:moderation_reliable_withdraw", args=[obj.shop_id])
        return format_html('<a class="button" href="{}">{}</a>', url, gettext("Withdraw the badge…"))

    @admin.action(description=_("Mark the chosen flags resolved (keep the badge)"), permissions=["change"])
    def mark_resolved(self, request, queryset):
        for flag in queryset:
            reliable_flag_resolve(flag=flag, actor=request.user)
        self.message_user(request, gettext("Resolved: %(count)d.") % {"count": queryset.count()})

    @admin.action(description=_("Withdraw the badge from the chosen flags' shops with a reason…"),
                  permissions=["change"])  # fmt: skip
    def withdraw_badge(self, request, queryset):
        shops = list(Shop.objects.filter(pk__in=queryset.values("shop_id"), is_reliable=True))
        form = ReasonForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._withdraw_all(request, shops, form)
            return None
        if not shops:
            self.message_user(request, gettext("None of these shops has the badge."), messages.WARNING)
            return None
        return self._reason_page(request, title=gettext("Withdraw the «Reliable seller» badge"),
                                 intro=gettext("The reason is e-mailed to each seller and shown in their cabinet."),
                                 objects=shops, form=form, action="withdraw_badge",
                                 submit=gettext("Withdraw the badge"))  # fmt: skip


@admin.register(ReliableWithdrawal)
class ReliableWithdrawalAdmin(admin.ModelAdmin):
    list_display = ["shop", "withdrawn_at", "withdrawn_by", "reason"]
    search_fields = ["shop__name", "reason"]
    list_select_related = ["shop", "withdrawn_by"]
    readonly_fields = ["shop", "reason", "withdrawn_at", "withdrawn_by"]

    def has_add_permission(self, request):
        return False  # through «Withdraw the badge», which e-mails the seller

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BadgeHolder)
class BadgeHolderAdmin(ReasonViews, admin.ModelAdmin):
    """Shops with the badge; the only place besides applications and flags to withdraw it."""

    list_display = ["name", "owner", "city", "sanction_state", "rating_avg", "rating_count", "open_flag"]
    search_fields = ["name", "slug", "owner__email"]
    list_select_related = ["owner"]
    actions = ["withdraw_badge"]
    fields = ["name", "slug", "owner", "sanction_state", "rating_avg", "rating_count", "criteria_now",
              "confirmed_complaints", "withdraw_link"]  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request):
        open_flags = ReliableFlag.objects.filter(shop=OuterRef("pk"), resolved_at__isnull=True)
        return super().get_queryset(request).filter(is_reliable=True).annotate(has_open_flag=Exists(open_flags))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the shop is edited in the shops admin; here only the badge is withdrawn

    def has_delete_permission(self, request, obj=None):
        return False

    def has_withdraw_permission(self, request):
        return request.user.has_perm("moderation.change_reliableapplication")

    @admin.display(description=_("open flag"), boolean=True, ordering="has_open_flag")
    def open_flag(self, obj):
        return obj.has_open_flag

    @admin.display(description=_("criteria now"))
    def criteria_now(self, obj):
        return criteria_table(reliable_criteria(obj).as_snapshot())

    @admin.display(description=_("confirmed complaints"))
    def confirmed_complaints(self, obj):
        return confirmed_complaints_list(obj)

    @admin.display(description=_("badge"))
    def withdraw_link(self, obj):
        url = reverse("admin:moderation_reliable_withdraw", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, gettext("Withdraw the badge…"))

    @admin.action(description=_("Withdraw the badge from the chosen shops with a reason…"),
                  permissions=["withdraw"])  # fmt: skip
    def withdraw_badge(self, request, queryset):
        shops = list(Shop.objects.filter(pk__in=queryset.values("pk"), is_reliable=True))
        form = ReasonForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._withdraw_all(request, shops, form)
            return None
        return self._reason_page(request, title=gettext("Withdraw the «Reliable seller» badge"),
                                 intro=gettext("The reason is e-mailed to each seller and shown in their cabinet."),
                                 objects=shops, form=form, action="withdraw_badge",
                                 submit=gettext("Withdraw the badge"))  # fmt: skip


# Each moderation subject keeps its admin in a module of its own.
from . import admin_complaints, admin_queues, admin_sanctions  # noqa: E402, F401
