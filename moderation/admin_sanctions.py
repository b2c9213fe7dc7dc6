"""Moderation admin: sanctions (imported by admin.py) and «Написать нам» messages.

Sanctions are imposed through a form that calls ``sanction_impose`` and lifted with a reason through
``sanction_lift`` (a permanent ban by a superuser only); nothing is edited or deleted afterwards: the
rows are the shop's record. Messages are listed overdue first, then by their three-working-day
deadline; «Снять санкцию» lifts the sanction a seller wrote about, «Ответить» answers without lifting.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .admin import ReasonViews, decide_each
from .forms import ReasonForm
from .forms_sanctions import AnswerForm, SanctionImposeForm
from .models import Appeal, Sanction, SanctionKind
from .services import WARNINGS_BEFORE_BAN, appeal_answer, appeal_lift, sanction_impose, sanction_lift

BAN_NOTE = _("A permanent ban is not lifted through a message to Lavka: only a superuser can reverse it, on the "
             "sanction's page, with a recorded reason.")  # fmt: skip


class SanctionStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", pgettext_lazy("sanction", "Active")), ("no", _("Lifted"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(lifted_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(lifted_at__isnull=False)
        return queryset


class WarningsFilter(admin.SimpleListFilter):
    """Shops one warning away from the permanent ban (seed 001: the third warning bans)."""

    title = _("warnings of the shop")
    parameter_name = "warnings"

    def lookups(self, request, model_admin):
        return [(str(WARNINGS_BEFORE_BAN - 1), _("Shops with %(count)d warnings") % {"count": WARNINGS_BEFORE_BAN - 1})]

    def queryset(self, request, queryset):
        if self.value() != str(WARNINGS_BEFORE_BAN - 1):
            return queryset
        shops = (
            Sanction.objects.filter(kind=SanctionKind.WARNING).values("shop")
            .annotate(warnings=Count("pk")).filter(warnings=WARNINGS_BEFORE_BAN - 1).values("shop")
        )  # fmt: skip
        return queryset.filter(shop__in=shops)


def _change_link(obj, label=None):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, label or obj)


class SanctionLiftViews(ReasonViews):
    """Lifting with a reason typed on the shared intermediate page (no reason, no lifting)."""

    def _lift_all(self, request, sanctions, reason) -> int:
        done = decide_each(
            self,
            request,
            sanctions,
            lambda sanction: sanction_lift(sanction=sanction, actor=request.user, reason=reason),
        )
        if done:
            self.message_user(request, ngettext("%(count)d sanction lifted; the seller is e-mailed.",
                                                "%(count)d sanctions lifted; the sellers are e-mailed.", done)
                              % {"count": done}, messages.SUCCESS)  # fmt: skip
        return done


@admin.register(Sanction)
class SanctionAdmin(SanctionLiftViews, admin.ModelAdmin):
    list_display = ["shop", "kind", "reason", "product", "created_at", "imposed_by", "is_active", "lifted_at"]
    list_filter = [SanctionStateFilter, WarningsFilter, "kind", "reason"]
    search_fields = ["shop__name", "shop__slug", "shop__owner__email"]
    list_select_related = ["shop", "product", "created_by"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["shop"]
    form = SanctionImposeForm
    actions = ["lift_selected"]
    add_fields = ["shop", "kind", "reason", "product", "details", "evidence"]
    change_fields = ["shop", "kind", "reason", "product", "complaint", "order", "details", "evidence", "created_at",
                     "imposed_by", "lifted_at", "lifted_by", "lift_reason", "lift_link", "appeals_list"]  # fmt: skip

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.change_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.change_fields

    def has_delete_permission(self, request, obj=None):
        return False  # the shop's record: lifted, never erased

    @admin.display(description=_("active"), boolean=True)
    def is_active(self, obj):
        return obj.lifted_at is None

    @admin.display(description=_("imposed by"), ordering="created_by")
    def imposed_by(self, obj):
        return obj.created_by or gettext("automatically")

    @admin.display(description=_("lifting"))
    def lift_link(self, obj):
        if not obj.is_active:
            return gettext("Lifted.")
        url = reverse("admin:moderation_sanction_lift", args=[obj.pk])
        if obj.kind == SanctionKind.BAN:
            note = gettext("A permanent ban can be reversed only by a superuser, with a recorded reason.")
            return format_html('<a class="button" href="{}" data-testid="admin-reverse-ban">{}</a> {}', url,
                               gettext("Reverse the ban (superuser only)…"), note)  # fmt: skip
        return format_html('<a class="button" href="{}" data-testid="admin-lift">{}</a>', url,
                           gettext("Lift the sanction…"))  # fmt: skip

    @admin.display(description=_("messages to Lavka"))
    def appeals_list(self, obj):
        appeals = list(obj.appeals.order_by("-created_at"))
        if not appeals:
            return "—"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} · {}: {}</li>", (
            (appeal.created_at.strftime("%d.%m.%Y"), _change_link(appeal, appeal.name), appeal.text[:200])
            for appeal in appeals
        )))  # fmt: skip

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Read-only: the sanction is the record; lifting is the button, not «Save».
        extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False,
                         "show_save_and_add_another": False, "show_delete": False}  # fmt: skip
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:  # nothing is editable on a sanction; kept for safety
            return
        data = form.cleaned_data
        sanction = sanction_impose(
            shop=data["shop"], kind=data["kind"], reason=data["reason"], details=data["details"],
            evidence=data.get("evidence") or "", product=data.get("product"), actor=request.user,
        )  # fmt: skip
        obj.pk, obj.created_at, obj.created_by = sanction.pk, sanction.created_at, sanction.created_by
        obj._state.adding, obj._state.db = False, sanction._state.db
        if (
            sanction.kind == SanctionKind.WARNING
            and sanction.shop.sanctions.filter(
                kind=SanctionKind.BAN, lifted_at__isnull=True, created_at__gte=sanction.created_at
            ).exists()
        ):
            self.message_user(request, gettext("This was the shop's third warning: the shop is banned permanently."),
                              messages.WARNING)  # fmt: skip

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("<int:pk>/lift/", view(self.lift_view), name="moderation_sanction_lift")] + super().get_urls()

    def lift_view(self, request, pk):
        if not self.has_change_permission(request):
            raise PermissionDenied
        sanction = get_object_or_404(Sanction.objects.select_related("shop"), pk=pk)
        back = HttpResponseRedirect(reverse("admin:moderation_sanction_change", args=[sanction.pk]))
        if not sanction.is_active:
            self.message_user(request, gettext("This sanction was already lifted."), messages.WARNING)
            return back
        ban = sanction.kind == SanctionKind.BAN
        if ban and not request.user.is_superuser:
            self.message_user(request, gettext("A permanent ban can be reversed only by a superuser."), messages.ERROR)
            return back
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            self._lift_all(request, [sanction], form.cleaned_data["reason"])
            return back
        title = gettext("Reverse the permanent ban") if ban else gettext("Lift the sanction")
        intro = gettext("The reason is recorded with the sanction, e-mailed to the seller and shown in their cabinet.")
        return self._reason_page(request, title=title, intro=intro, objects=[sanction], form=form,
                                 submit=gettext("Reverse the ban") if ban else gettext("Lift"))  # fmt: skip

    @admin.action(description=_("Lift the chosen sanctions with a reason…"), permissions=["change"])
    def lift_selected(self, request, queryset):
        sanctions = list(queryset.filter(lifted_at__isnull=True).select_related("shop"))
        form = ReasonForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._lift_all(request, sanctions, form.cleaned_data["reason"])
            return None
        if not sanctions:
            self.message_user(request, gettext("None of the chosen sanctions is active."), messages.WARNING)
            return None
        intro = gettext("The reason is recorded with each sanction and e-mailed to the seller. A permanent ban is "
                        "reversed only by a superuser.")  # fmt: skip
        return self._reason_page(request, title=gettext("Lift the sanctions"), intro=intro, objects=sanctions,
                                 form=form, action="lift_selected", submit=gettext("Lift"))  # fmt: skip


class AppealStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", _("Awaiting an answer")), ("overdue", _("Past the deadline")), ("resolved", _("Answered"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "overdue":
            return queryset.filter(resolved_at__isnull=True, deadline__lt=timezone.localdate())
        if self.value() == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


@admin.register(Appeal)
class AppealAdmin(ReasonViews, admin.ModelAdmin):
    list_display = ["created_at", "name", "email", "sanction_link", "shop", "deadline", "overdue", "resolved_at"]
    list_filter = [AppealStateFilter]
    search_fields = ["name", "email", "text", "sanction__shop__name", "sanction__shop__slug"]
    list_select_related = ["sanction", "sanction__shop"]
    actions = ["lift_selected", "answer_selected"]
    fields = ["created_at", "name", "email", "author", "sanction_link", "shop", "sanction_state", "text", "deadline",
              "overdue", "decision", "resolved_at", "resolved_by", "resolution"]  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request):
        # Overdue first, then those still open, then the answered; each by deadline. (Annotated before
        # ordering: ModelAdmin.get_queryset would order by the annotation before it exists.)
        today = timezone.localdate()
        queryset = self.model._default_manager.annotate(queue_rank=Case(
            When(Q(resolved_at__isnull=True) & Q(deadline__lt=today), then=Value(0)),
            When(resolved_at__isnull=True, then=Value(1)),
            default=Value(2), output_field=IntegerField(),
        ))  # fmt: skip
        return queryset.order_by(*self.get_ordering(request))

    def get_ordering(self, request):
        return ["queue_rank", "deadline", "created_at"]

    def has_add_permission(self, request):
        return False  # messages come from «Написать нам»

    @admin.display(description=_("sanction"))
    def sanction_link(self, obj):
        if obj.sanction is None:
            return "—"
        label = f"{obj.sanction.get_kind_display()} · {obj.sanction.get_reason_display()}"
        if obj.sanction.lifted_at:
            label += f" ({gettext('lifted')})"
        return _change_link(obj.sanction, label)

    @admin.display(description=_("shop"))
    def shop(self, obj):
        return obj.sanction.shop if obj.sanction else "—"

    @admin.display(description=_("moderation state"))
    def sanction_state(self, obj):
        return obj.sanction.shop.get_sanction_state_display() if obj.sanction else "—"

    @admin.display(description=_("overdue"), boolean=True, ordering="queue_rank")
    def overdue(self, obj):
        return obj.resolved_at is None and obj.deadline < timezone.localdate()

    @admin.display(description=_("decision"))
    def decision(self, obj):
        if obj.resolved_at is not None:
            return gettext("Answered.")
        answer = format_html('<a class="button" href="{}" data-testid="admin-answer">{}</a>',
                             reverse("admin:moderation_appeal_answer", args=[obj.pk]), gettext("Answer…"))  # fmt: skip
        sanction = obj.sanction
        if sanction is None or not sanction.is_active:
            return answer
        if sanction.kind == SanctionKind.BAN:
            return format_html('{} <p data-testid="admin-ban-note">{}</p>', answer, BAN_NOTE)
        url = reverse("admin:moderation_appeal_lift", args=[obj.pk])
        lift = format_html('<a class="button" href="{}" data-testid="admin-appeal-lift">{}</a>', url,
                           gettext("Lift the sanction…"))  # fmt: skip
        return format_html("{} {}", lift, answer)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False,
                         "show_save_and_add_another": False}  # fmt: skip
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/lift/", view(self.lift_view), name="moderation_appeal_lift"),
            path("<int:pk>/answer/", view(self.answer_view), name="moderation_appeal_answer"),
        ] + super().get_urls()

    def has_lift_permission(self, request):
        """Answering a message is changing it; lifting its sanction is changing the sanction too."""
        return self.has_change_permission(request) and request.user.has_perm("moderation.change_sanction")

    def _check(self, request, *, lift=False):
        if not (self.has_lift_permission(request) if lift else self.has_change_permission(request)):
            raise PermissionDenied

    def _each(self, request, appeals, act, done_message) -> int:
        done = decide_each(self, request, appeals, act, name=lambda appeal: appeal.name)
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)
        return done

    def _lift_all(self, request, appeals, reason) -> int:
        return self._each(
            request, appeals, lambda appeal: appeal_lift(appeal=appeal, actor=request.user, reason=reason),
            lambda done: ngettext("%(count)d sanction lifted; the seller is e-mailed.",
                                  "%(count)d sanctions lifted; the sellers are e-mailed.", done) % {"count": done},
        )  # fmt: skip

    def _answer_all(self, request, appeals, answer) -> int:
        return self._each(
            request, appeals, lambda appeal: appeal_answer(appeal=appeal, actor=request.user, resolution=answer),
            lambda done: ngettext("%(count)d message answered by e-mail.",
                                  "%(count)d messages answered by e-mail.", done) % {"count": done},
        )  # fmt: skip

    def lift_view(self, request, pk):
        self._check(request, lift=True)
        appeal = get_object_or_404(Appeal.objects.select_related("sanction", "sanction__shop"), pk=pk)
        back = HttpResponseRedirect(reverse("admin:moderation_appeal_change", args=[appeal.pk]))
        if appeal.sanction is not None and appeal.sanction.kind == SanctionKind.BAN:
            self.message_user(request, BAN_NOTE, messages.ERROR)
            return back
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            self._lift_all(request, [appeal], form.cleaned_data["reason"])
            return back
        return self._reason_page(
            request, title=gettext("Lift the sanction"), objects=[appeal.sanction or appeal], form=form,
            intro=gettext("The sanction is lifted and the message resolved; the reason is e-mailed to the seller."),
            submit=gettext("Lift the sanction"),
        )  # fmt: skip

    def answer_view(self, request, pk):
        self._check(request)
        appeal = get_object_or_404(Appeal, pk=pk)
        form = AnswerForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            self._answer_all(request, [appeal], form.cleaned_data["reason"])
            return HttpResponseRedirect(reverse("admin:moderation_appeal_change", args=[appeal.pk]))
        return self._reason_page(request, title=gettext("Answer the message"), objects=[appeal], form=form,
                                 intro=gettext("The answer is e-mailed to the writer; any sanction stays as it is."),
                                 submit=gettext("Send the answer"))  # fmt: skip

    @admin.action(description=_("Lift the sanctions of the chosen messages with a reason…"), permissions=["lift"])
    def lift_selected(self, request, queryset):
        appeals = list(queryset.filter(resolved_at__isnull=True, sanction__isnull=False)
                       .select_related("sanction", "sanction__shop"))  # fmt: skip
        form = ReasonForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._lift_all(request, appeals, form.cleaned_data["reason"])
            return None
        if not appeals:
            self.message_user(request, gettext("None of the chosen messages is an open one about a sanction."),
                              messages.WARNING)  # fmt: skip
            return None
        intro = gettext("Each message's sanction is lifted and the message resolved; the reason is e-mailed to the "
                        "seller.") + " " + str(BAN_NOTE)  # fmt: skip
        return self._reason_page(request, title=gettext("Lift the sanctions"), intro=intro,
                                 objects=[appeal.sanction for appeal in appeals], form=form, action="lift_selected",
                                 submit=gettext("Lift the sanctions"))  # fmt: skip

    @admin.action(description=_("Answer the chosen messages…"), permissions=["change"])
    def answer_selected(self, request, queryset):
        appeals = list(queryset.filter(resolved_at__isnull=True))
        form = AnswerForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._answer_all(request, appeals, form.cleaned_data["reason"])
            return None
        if not appeals:
            self.message_user(request, gettext("All the chosen messages are answered already."), messages.WARNING)
            return None
        intro = gettext("The same answer is e-mailed to each writer; sanctions stay as they are.")
        return self._reason_page(request, title=gettext("Answer the messages"), intro=intro, objects=appeals,
                                 form=form, action="answer_selected", submit=gettext("Send the answer"))  # fmt: skip
