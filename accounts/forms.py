from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import (
    BOARD_ROLES,
    District,
    DocumentKind,
    FocusArea,
    KIOffice,
    Language,
    LegalForm,
    Organisation,
    OrganisationState,
    Role,
)
from .services.documents import check_document_file, check_issue_date, megabytes

BOARD_ROLE_CHOICES = [(value, label) for value, label in Role.choices if value in BOARD_ROLES]


class SignupForm(forms.Form):
    """Extra sign-up fields: allauth's sign-up form builds on this (ACCOUNT_SIGNUP_FORM_CLASS)."""

    name = forms.CharField(label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))

    def signup(self, request, user):
        user.name = self.cleaned_data["name"]
        user.preferred_language = request.LANGUAGE_CODE
        user.save(update_fields=["name", "preferred_language"])


class OrganisationFieldsMixin:
    """Choice lists stored as JSON, and the rule that a registered association names its register entry."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("legal_form") == LegalForm.REGISTERED:
            for name in ("register_number", "register_court"):
                if name in self.fields and not cleaned.get(name):
                    self.add_error(name, _("A registered association (e.V.) has a register entry: please fill this in."))
        return cleaned


def focus_area_field():
    return forms.MultipleChoiceField(
        label=_("Focus areas"), choices=FocusArea.choices, widget=forms.CheckboxSelectMultiple, required=False
    )


def language_field():
    return forms.MultipleChoiceField(
        label=_("Languages spoken"), choices=Language.choices, widget=forms.CheckboxSelectMultiple, required=False
    )


class OrganisationRegistrationForm(OrganisationFieldsMixin, forms.ModelForm):
    """What a board knows by heart; the rest can follow in the profile."""

    role = forms.ChoiceField(label=_("Your role in the organisation"), choices=BOARD_ROLE_CHOICES)
    focus_areas = focus_area_field()
    languages = language_field()

    class Meta:
        model = Organisation
        fields = [
            "name", "short_name", "legal_form", "register_number", "register_court", "founding_year",
            "district", "focus_areas", "languages", "target_groups", "email", "phone", "contact_role",
        ]  # fmt: skip

    def __init__(self, *args, founding=False, **kwargs):
        super().__init__(*args, **kwargs)
        legal_forms = [(value, label) for value, label in LegalForm.choices if value != LegalForm.FOUNDING]
        self.fields["legal_form"].choices = legal_forms
        if founding:
            for name in ("legal_form", "register_number", "register_court", "founding_year"):
                del self.fields[name]


class ProfileForm(OrganisationFieldsMixin, forms.ModelForm):
    """The whole profile, with the choice of what the public directory shows."""

    focus_areas = focus_area_field()
    languages = language_field()
    public_fields = forms.MultipleChoiceField(
        label=_("Show in the public directory"),
        help_text=_("Name, legal form and district are always shown once the KI has verified your organisation."),
        choices=[(name, Organisation._meta.get_field(name).verbose_name) for name in Organisation.PUBLISHABLE_FIELDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")
    profile_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Organisation
        fields = [
            "name", "short_name", "legal_form", "register_number", "register_court", "founding_year",
            "is_charitable", "charitable_notice_date", "umbrella_memberships",
            "description", "focus_areas", "target_groups", "offers", "languages",
            "district", "quarter", "address", "meeting_times",
            "contact_role", "contact_name", "contact_name_consent", "email", "phone", "website", "social_media",
            "member_count", "public_fields",
        ]  # fmt: skip
        widgets = {
            "charitable_notice_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 5}),
            "offers": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.legal_form != LegalForm.FOUNDING:
            self.fields["legal_form"].choices = [c for c in self.fields["legal_form"].choices if c[0] != LegalForm.FOUNDING]
        else:
            self.fields["legal_form"].disabled = True

    def clean(self):
        cleaned = super().clean()
        if "contact_name" in cleaned.get("public_fields", []) and not cleaned.get("contact_name_consent"):
            self.add_error(
                "contact_name_consent",
                _("A person can only be named publicly with their consent. Please confirm it or do not publish the name."),
            )
        return cleaned

    def changed_data_for_service(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}


class DecisionNoteForm(forms.Form):
    note = forms.CharField(label=_("Note to the organisation"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


# --- the KI advisor ---


class OrganisationFilterForm(forms.Form):
    """The advisor's list filters, sent by GET; every field is optional and invalid values are ignored."""

    q = forms.CharField(
        label=_("Search"), required=False, max_length=100,
        help_text=_("Name, short name, register number, e-mail or contact person"),
    )  # fmt: skip
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("all states")), *OrganisationState.choices])
    district = forms.ChoiceField(label=_("District"), required=False, choices=[("", _("all districts")), *District.choices])
    legal_form = forms.ChoiceField(label=_("Legal form"), required=False, choices=[("", _("all legal forms")), *LegalForm.choices])
    stale = forms.BooleanField(label=_("Only profiles not confirmed in the last 12 months"), required=False)

    def filters(self):
        """Keyword arguments for `organisations_for_advisor` from the fields that are valid."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "state": data.get("state", ""),
            "district": data.get("district", ""),
            "legal_form": data.get("legal_form", ""),
            "stale": data.get("stale", False),
            "query": data.get("q", "").strip(),
        }


class DeclineForm(DecisionNoteForm):
    """Declining needs a reason: the organisation reads it."""

    note = forms.CharField(
        label=_("Reason for declining"), widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please give the organisation a reason for declining.")},
    )  # fmt: skip


class KIOfficeForm(forms.ModelForm):
    """The KI's contact data as the footer of every page shows it."""

    class Meta:
        model = KIOffice
        fields = ["name", "office", "email", "phone", "address", "office_hours"]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        }


class InvitationForm(forms.Form):
    """A board member invites a person by e-mail; the role can be changed later."""

    email = forms.EmailField(
        label=_("E-mail address of the person you want to invite"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


# --- the document vault ---
# Imports here stay local to the functions: this part was appended below other forms.

DOCUMENT_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


def document_kind_choices():

    return [("", _("Please choose")), *DocumentKind.choices]


class DocumentUploadForm(forms.Form):
    """A file for the vault. The file's type and size and the issue-date rule are the service's checks."""

    file = forms.FileField(
        label=_("File"),
        widget=forms.FileInput(attrs={"accept": DOCUMENT_ACCEPT}),
        error_messages={"required": _("Please choose the file to upload.")},
    )
    kind = forms.ChoiceField(label=_("Kind of document"), choices=document_kind_choices)
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False,
        help_text=_("For example “Statutes as amended on 12 March 2021”. Without a title the kind of document is shown."),
    )  # fmt: skip
    issue_date = forms.DateField(
        label=_("Issue date"), required=False,
        help_text=_("The date printed on the document. Required for a tax office notice: after three years it is no longer current."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, JPEG or PNG, at most %(limit)s MB.") % {
            "limit": megabytes(settings.DOCUMENT_MAX_BYTES)
        }

    def document_kind(self):
        return self.cleaned_data.get("kind")

    def clean_file(self):
        check_document_file(self.cleaned_data["file"])
        return self.cleaned_data["file"]

    def clean(self):
        cleaned = super().clean()
        if self.document_kind() and "issue_date" not in self.errors:
            try:
                check_issue_date(kind=self.document_kind(), issue_date=cleaned.get("issue_date"))
            except ValidationError as error:
                self.add_error("issue_date", error)
        return cleaned


class DocumentReplaceForm(DocumentUploadForm):
    """A new version of a document: same kind, new file; the title is offered for keeping."""

    def __init__(self, *args, document, **kwargs):
        kwargs.setdefault("initial", {"title": document.title})
        super().__init__(*args, **kwargs)
        self.document = document
        del self.fields["kind"]

    def document_kind(self):
        return self.document.kind
