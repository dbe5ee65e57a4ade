"""The Django admin for KI staff: find and correct data. State changes never happen here.

The `state` of funding and training requests is a protected FSM field, changed only through the services in
workflows.services (which check who acts, log the transition and tell the other side), so the admin shows it
read-only, with the fields those services set. The finance plan and the usage report are the organisation's
statements: the admin shows them. Programmes are edited in the portal, where programme_save checks them.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import (
    CostLine,
    FundingRequest,
    IncomeLine,
    Participant,
    Programme,
    Receipt,
    TrainingRequest,
    TrainingSession,
    TrainingTopic,
    UsageReport,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PartialSaveMixin:
    """Save only what the form changed: a full save would write back fields as they were read when the page
    was opened, over a transition made in the meantime."""

    def save_model(self, request, obj, form, change):
        if not change:
            obj.save()
        elif form.changed_data:
            obj.save(update_fields=form.changed_data)


def portal_link(url, text):
    return format_html('<a href="{}">{}</a>', url, text)


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "financing_type", "call_opens", "call_closes", "yearly_budget", "short_form")
    list_filter = ("financing_type", "short_form", "call_opens")
    search_fields = ("name", "description")
    readonly_fields = ("portal_page",)

    def has_add_permission(self, request):
        return False  # programmes are created in the portal, where the call window and budget are checked

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("page in the portal"))
    def portal_page(self, programme):
        return portal_link(reverse("applications:programme_edit", args=[programme.pk]), _("edit the programme in the portal"))


class CostLineInline(ReadOnlyInline):
    model = CostLine
    fields = ("category", "description", "amount")


class IncomeLineInline(ReadOnlyInline):
    model = IncomeLine
    fields = ("kind", "description", "amount")


@admin.register(FundingRequest)
class FundingRequestAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "programme", "state", "requested_amount", "approved_amount", "assignee",
                    "state_changed_at")  # fmt: skip
    list_filter = ("state", "programme", "state_changed_at")
    search_fields = ("title", "goals", "organisation__name", "organisation__short_name")
    list_select_related = ("organisation", "programme", "assignee")
    date_hierarchy = "created_at"
    inlines = [CostLineInline, IncomeLineInline]
    # What the lifecycle services set (state, decision, dates) and what belongs to the organisation's plan stays
    # read-only; project wording can be corrected.
    readonly_fields = (
        "review_page", "organisation", "programme", "state", "requested_amount", "assignee", "shared_for_advice_at",
        "submitted_at", "state_changed_at", "approved_amount", "conditions", "approved_from", "approved_until",
        "report_due_on", "decision_reason", "decided_at", "not_started", "early_start_requested", "information_true",
        "version", "created_by", "created_at",
    )  # fmt: skip
    fieldsets = (
        (None, {"fields": ("review_page", "organisation", "programme", "state", "assignee", "state_changed_at")}),
        (_("Project"), {"fields": ("title", "goals", "target_groups", "expected_participants", "place", "partners",
                                    "starts_on", "ends_on", "requested_amount")}),
        (_("Declarations"), {"fields": ("not_started", "early_start_requested", "information_true")}),
        (_("Decision"), {"fields": ("approved_amount", "conditions", "approved_from", "approved_until",
                                     "report_due_on", "decision_reason", "decided_at")}),
        (_("Administration"), {"fields": ("shared_for_advice_at", "submitted_at", "version", "created_by",
                                           "created_at")}),
    )  # fmt: skip

    def has_add_permission(self, request):
        return False  # requests are written by organisations, through the services that log their creation

    @admin.display(description=_("page in the portal"))
    def review_page(self, funding_request):
        return portal_link(reverse("applications:review", args=[funding_request.pk]),
                           _("review, decide and see the history in the portal"))  # fmt: skip

    def save_model(self, request, obj, form, change):
        # A correction is a new version: a board member editing the same request meanwhile is told, not overwritten.
        if change and form.changed_data:
            obj.version += 1
            obj.save(update_fields=[*form.changed_data, "version"])


class ReceiptInline(ReadOnlyInline):
    model = Receipt
    fields = ("date", "payee", "purpose", "amount")


@admin.register(UsageReport)
class UsageReportAdmin(admin.ModelAdmin):
    list_display = ("request", "organisation", "updated_at")
    search_fields = ("request__title", "request__organisation__name", "narrative")
    list_select_related = ("request__organisation",)
    fields = ("request", "narrative", "actual_costs", "actual_income", "updated_at")
    readonly_fields = fields
    inlines = [ReceiptInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("organisation"), ordering="request__organisation__name")
    def organisation(self, report):
        return report.request.organisation


@admin.register(TrainingTopic)
class TrainingTopicAdmin(admin.ModelAdmin):
    list_display = ("name_de", "name_en", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name_de", "name_en")


class ParticipantInline(ReadOnlyInline):
    model = Participant
    fields = ("organisation", "name", "on_waiting_list", "attended", "registered_at")
    readonly_fields = fields


@admin.register(TrainingSession)
class TrainingSessionAdmin(PartialSaveMixin, admin.ModelAdmin):
    list_display = ("topic", "starts_at", "place", "capacity", "language", "trainer", "held_at")
    list_filter = ("language", "topic", "starts_at", "held_at")
    search_fields = ("topic__name_de", "topic__name_en", "place", "trainer")
    list_select_related = ("topic",)
    date_hierarchy = "starts_at"
    # Place, time and trainer can be corrected; the capacity decides the waiting list, so the portal keeps it.
    readonly_fields = ("topic", "capacity", "held_at", "created_at")
    inlines = [ParticipantInline]

    def has_add_permission(self, request):
        return False  # sessions are made by bundling requests in the portal, which plans them


@admin.register(TrainingRequest)
class TrainingRequestAdmin(PartialSaveMixin, admin.ModelAdmin):
    list_display = ("topic", "organisation", "state", "format", "language", "expected_participants", "session",
                    "created_at")  # fmt: skip
    list_filter = ("state", "format", "language", "topic")
    search_fields = ("topic__name_de", "topic__name_en", "organisation__name", "notes")
    list_select_related = ("topic", "organisation", "session__topic")
    date_hierarchy = "created_at"
    readonly_fields = ("organisation", "topic", "state", "session", "reason", "state_changed_at", "created_by",
                       "created_at")  # fmt: skip

    def has_add_permission(self, request):
        return False  # requests are made by organisations


@admin.register(Participant)
class ParticipantAdmin(PartialSaveMixin, admin.ModelAdmin):
    list_display = ("name", "organisation", "session", "on_waiting_list", "attended", "registered_at")
    list_filter = ("on_waiting_list", "attended")
    search_fields = ("name", "organisation__name", "session__topic__name_de", "session__topic__name_en")
    list_select_related = ("organisation", "session__topic")
    # The waiting list follows the session's capacity and attendance is recorded in the portal.
    readonly_fields = ("session", "organisation", "on_waiting_list", "attended", "registered_at")

    def has_add_permission(self, request):
        return False
