"""The KI advisor's pages: every organisation, verifying or declining new ones, and the KI's contact data.

Anybody but an advisor gets 404 here (accounts.selectors.check_advisor / get_organisation_for_advisor).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST

from workflows.diagram import edges

from ..forms import DecisionNoteForm, DeclineForm, KIOfficeForm, OrganisationFilterForm
from ..models import KIOffice, Organisation, OrganisationState
from ..selectors import (
    check_advisor,
    current_documents,
    get_organisation_for_advisor,
    organisation_members,
    organisation_state_counts,
    organisation_transitions,
    organisations_for_advisor,
)
from ..services.ki_office import ki_office_update
from ..services.organisations import (
    LIFECYCLE_ACTIONS,
    display_value,
    organisation_change_state,
    organisation_decline,
    organisation_verify,
)

ORGANISATIONS_PER_PAGE = 50

# The whole profile in sections, non-public fields included (what the directory shows is the board's choice).
PROFILE_SECTIONS = (
    (gettext_lazy("Identity"), ("name", "short_name", "legal_form", "register_number", "register_court",
                                "founding_year", "is_charitable", "charitable_notice_date", "umbrella_memberships")),
    (gettext_lazy("Profile"), ("description", "focus_areas", "target_groups", "offers", "languages")),
    (gettext_lazy("Location"), ("district", "quarter", "address", "meeting_times")),
    (gettext_lazy("Contact"), ("contact_role", "contact_name", "contact_name_consent", "email", "phone",
                               "website", "social_media")),
    (gettext_lazy("Administration"), ("member_count", "public_fields", "publication_consent_at", "verified_at",
                                      "verification_note", "profile_confirmed_at", "created_at")),
)  # fmt: skip


def organisation_list(request):
    check_advisor(request.user)
    form = OrganisationFilterForm(request.GET)
    paginator = Paginator(organisations_for_advisor(**form.filters()), ORGANISATIONS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    counts = organisation_state_counts()
    context = {
        "form": form,
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "state_counts": [(value, label, counts[value]) for value, label in OrganisationState.choices],
    }
    return render(request, "advisor/organisation_list.html", context)


def organisation_detail(request, org):
    return _render_detail(request, get_organisation_for_advisor(request.user, org))


def _render_detail(request, organisation, *, verify_form=None, decline_form=None):
    context = {
        "organisation": organisation,
        "profile_sections": _profile_sections(organisation),
        "memberships": organisation_members(organisation),
        "documents": current_documents(organisation),
        "transitions": organisation_transitions(organisation),
        "changes": organisation.profile_changes.select_related("actor"),
        "verify_form": verify_form or DecisionNoteForm(prefix="verify"),
        "decline_form": decline_form or DeclineForm(prefix="decline"),
        "lifecycle_actions": [
            (edge.action, edge.label) for edge in edges(Organisation)
            if edge.source in (organisation.state, "*") and edge.action in LIFECYCLE_ACTIONS
            and edge.target != organisation.state
        ],
    }
    return render(request, "advisor/organisation_detail.html", context)


@require_POST
def verify(request, org):
    organisation = get_organisation_for_advisor(request.user, org)
    form = DecisionNoteForm(request.POST, prefix="verify")
    if not form.is_valid():
        return _render_detail(request, organisation, verify_form=form)
    return _decide(request, organisation, organisation_verify, form, _("The organisation is verified and now active."))


@require_POST
def change_state(request, org, action):
    """Mark as dormant, reactivate or dissolve; the reason of a refusal is shown, nothing changes."""
    organisation = get_organisation_for_advisor(request.user, org)
    if action not in LIFECYCLE_ACTIONS:
        raise Http404
    try:
        organisation_change_state(organisation=organisation, actor=request.user, action=action,
                                  note=request.POST.get("note", ""))  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The state is now “%(state)s”.") % {"state": organisation.get_state_display()})
    return redirect("accounts:advisor_organisation", org=organisation.pk)


@require_POST
def decline(request, org):
    organisation = get_organisation_for_advisor(request.user, org)
    form = DeclineForm(request.POST, prefix="decline")
    if not form.is_valid():
        return _render_detail(request, organisation, decline_form=form)
    return _decide(request, organisation, organisation_decline, form, _("The registration is declined."))


def _decide(request, organisation, service, form, success_message):
    """Call the verify or decline service; a state that no longer allows it is reported, nothing changes."""
    try:
        service(organisation=organisation, actor=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        if getattr(error, "code", None) in ("illegal_transition", "conflict"):
            messages.error(
                request,
                _("This organisation is no longer awaiting verification, so nothing was changed. "
                  "Please check its current state."),
            )  # fmt: skip
            return redirect("accounts:advisor_organisation", org=organisation.pk)
        form.add_error("note", error)
        return _render_detail(request, organisation, **{f"{form.prefix}_form": form})
    else:
        messages.success(request, success_message)
    return redirect("accounts:advisor_organisation", org=organisation.pk)


def ki_office_edit(request):
    check_advisor(request.user)
    form = KIOfficeForm(request.POST or None, instance=KIOffice.objects.order_by("pk").first())
    if request.method == "POST" and form.is_valid():
        ki_office_update(actor=request.user, data=form.cleaned_data)
        messages.success(request, _("The KI contact data is saved. Every page now shows it."))
        return redirect("accounts:ki_office")
    return render(request, "advisor/ki_office_form.html", {"form": form})


def _profile_sections(organisation):
    """[(heading, [(label, value), …]), …] for every profile field; empty values show as a dash."""
    sections = []
    for heading, names in PROFILE_SECTIONS:
        rows = []
        for name in names:
            field = Organisation._meta.get_field(name)
            value = getattr(organisation, name)
            if value and field.get_internal_type() == "DateTimeField":
                value = date_format(localtime(value), "SHORT_DATETIME_FORMAT")
            elif value and field.get_internal_type() == "DateField":
                value = date_format(value, "SHORT_DATE_FORMAT")
            else:
                value = display_value(name, value)
            rows.append((field.verbose_name, value))
        sections.append((heading, rows))
    return sections
