from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms import OrganisationRegistrationForm, ProfileForm
from ..selectors import get_membership_for_user
from ..services.organisations import (
    organisation_confirm_profile,
    organisation_register,
    organisation_update_profile,
)


@login_required
def home(request):
    """Where a login lands: the advisor's list, the only organisation, or the choice of what to do."""
    if request.user.is_advisor:
        return redirect("accounts:advisor_organisations")
    memberships = list(request.user.memberships.select_related("organisation"))
    if len(memberships) == 1:
        return redirect("accounts:dashboard", org=memberships[0].organisation_id)
    if not memberships:
        return redirect("accounts:onboarding")
    return render(request, "accounts/choose_organisation.html", {"memberships": memberships})


@login_required
def onboarding(request):
    return render(request, "accounts/onboarding.html")


@login_required
def register(request, founding=False):
    form = OrganisationRegistrationForm(request.POST or None, founding=founding)
    if request.method == "POST" and form.is_valid():
        role = form.cleaned_data.pop("role")
        try:
            organisation = organisation_register(actor=request.user, data=form.cleaned_data, role=role, founding=founding)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your organisation is registered. Welcome!"))
            return redirect("accounts:dashboard", org=organisation.pk)
    return render(request, "accounts/register.html", {"form": form, "founding": founding})


@login_required
def dashboard(request, org):
    membership = get_membership_for_user(request.user, org)
    return render(request, "accounts/dashboard.html", {"membership": membership, "organisation": membership.organisation})


@login_required
def profile_edit(request, org):
    membership = get_membership_for_user(request.user, org, board=True)
    organisation = membership.organisation
    form = ProfileForm(request.POST or None, instance=organisation, initial={"profile_version": organisation.profile_version})
    if request.method == "POST" and form.is_valid():
        data = form.changed_data_for_service()
        try:
            organisation_update_profile(
                organisation=organisation, actor=request.user, data=data,
                based_on_version=form.cleaned_data["profile_version"],
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The profile has been saved."))
            return redirect("accounts:dashboard", org=organisation.pk)
    return render(request, "accounts/profile_form.html", {"form": form, "organisation": organisation, "membership": membership})


@require_POST
@login_required
def profile_confirm(request, org):
    membership = get_membership_for_user(request.user, org, board=True)
    organisation_confirm_profile(organisation=membership.organisation, actor=request.user)
    messages.success(request, _("Thank you! The profile is confirmed as current."))
    return redirect("accounts:dashboard", org=org)


@login_required
def profile_history(request, org):
    membership = get_membership_for_user(request.user, org)
    changes = membership.organisation.profile_changes.select_related("actor")
    return render(request, "accounts/profile_history.html", {"membership": membership, "organisation": membership.organisation, "changes": changes})
