"""Forms of the applications app. The organisation's funding-request forms come first; they only validate
what people type: every write goes through workflows.services.funding."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.formats import date_format, get_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import MAX_AMOUNT, CostCategory, FundingRequest, IncomeKind

DATE_WIDGET = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}
CENT = Decimal("0.01")


class MoneyField(forms.DecimalField):
    """Euro and cent as people type them ("1.234,50 €" in German, "1,234.50" in English); a Decimal, never a
    float. Negative amounts and more than 1,000,000 € are refused with a message of our own."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.update(max_digits=10, decimal_places=2, localize=True)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        self.validators += [
            MinValueValidator(Decimal("0"), message=_("Amounts cannot be negative: please enter 0 € or more.")),
            MaxValueValidator(MAX_AMOUNT, message=_("Please enter at most 1,000,000 €.")),
        ]

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("€", "").replace("\N{NO-BREAK SPACE}", "").replace(" ", "")
            decimal_separator, thousand_separator = get_format("DECIMAL_SEPARATOR"), get_format("THOUSAND_SEPARATOR")
            if decimal_separator in value:  # before the decimal separator, any thousands separator is one
                whole, cents = value.rsplit(decimal_separator, 1)
                value = whole.replace(thousand_separator, "") + decimal_separator + cents
            elif all(len(group) == 3 for group in value.split(thousand_separator)[1:]):
                value = value.replace(thousand_separator, "")  # "1.000" in German; "12.50" stays a decimal
        return super().to_python(value)

    def clean(self, value):
        value = super().clean(value)
        return None if value is None else value.quantize(CENT)  # "200" is stored and shown as 200.00


class VersionMixin(forms.Form):
    """The version of the request the form was based on: the service refuses to overwrite newer changes."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def with_version(data, version):
    """A copy of posted `data` based on `version`: after a conflict, saving again (having compared) goes through."""
    data = data.copy()
    data["version"] = version
    return data


def error_summary(*forms_and_formsets):
    """(anchor id or None, label, message) for every error of the given forms and formsets, in page order."""
    errors = []
    for item in forms_and_formsets:
        if isinstance(item, forms.BaseFormSet):
            errors += [(None, "", message) for message in item.non_form_errors()]
            for form in item.forms:
                errors += error_summary(form)
            continue
        errors += [(None, "", message) for message in item.non_field_errors()]
        for field in item.visible_fields():
            errors += [(field.auto_id, field.label, message) for message in field.errors]
    return errors


# --- starting and the steps ------------------------------------------------------------------------------


class NewRequestForm(forms.Form):
    title = forms.CharField(
        label=_("Project title"), max_length=200,
        help_text=_("A short name for the project, for example “Summer festival of cultures 2025”. You can change it later."),
    )  # fmt: skip


class ProjectForm(VersionMixin, forms.ModelForm):
    """The project step. Short-form programmes ask only for title, goals and dates."""

    SHORT_FORM_FIELDS = ("title", "goals", "starts_on", "ends_on")

    class Meta:
        model = FundingRequest
        fields = ["title", "goals", "target_groups", "expected_participants", "place", "partners", "starts_on", "ends_on"]
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 5}),
            "starts_on": forms.DateInput(**DATE_WIDGET),
            "ends_on": forms.DateInput(**DATE_WIDGET),
        }
        help_texts = {
            "goals": _("What do you want to achieve, and for whom? A few sentences are enough."),
            "partners": _("Other organisations that take part, if any."),
        }

    def __init__(self, *args, short_form=False, **kwargs):
        super().__init__(*args, **kwargs)
        if short_form:
            for name in [name for name in self.Meta.fields if name not in self.SHORT_FORM_FIELDS]:
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The project cannot end before it starts."))
        return cleaned

    def data_for_service(self):
        return {name: self.cleaned_data[name] for name in self.fields if name != "version"}


class DeclarationsForm(VersionMixin, forms.ModelForm):
    class Meta:
        model = FundingRequest
        fields = ["not_started", "early_start_requested", "information_true"]
        help_texts = {
            "not_started": _("Grants are only possible for projects that have not begun: no contracts signed, nothing bought."),
            "early_start_requested": _("If you must begin before the decision, tick this: the KI then decides on an early start."),
        }

    def data_for_service(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class AttachmentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, document):
        label = capfirst(str(document))
        if document.title:
            label = f"{label} ({document.get_kind_display()})"
        if document.issue_date:
            label = _("%(document)s, issued %(date)s") % {"document": label, "date": date_format(document.issue_date, "SHORT_DATE_FORMAT")}
        if document.replaced_by_id:
            label = _("%(document)s – an older version; a newer one is in the documents") % {"document": label}
        return label


class DocumentsForm(VersionMixin, forms.Form):
    """Vault documents of the request's own organisation: its current ones, and any older version still attached."""

    attachments = AttachmentChoiceField(
        label=_("Documents to attach"), queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, organisation, attached=(), **kwargs):
        super().__init__(*args, **kwargs)
        current = organisation.documents.filter(replaced_by__isnull=True)
        still_attached = organisation.documents.filter(pk__in=[document.pk for document in attached])
        self.fields["attachments"].queryset = (current | still_attached).order_by("kind", "-uploaded_at", "pk")


# --- the finance plan ------------------------------------------------------------------------------------


class LineForm(forms.Form):
    """One row of a plan or report table. Every field is optional so that an emptied row simply disappears;
    a row with any entry must be complete."""

    required_fields = ()

    def has_entries(self):
        return any(str(self[name].value() or "").strip() for name in self.fields)

    def clean(self):
        cleaned = super().clean()
        if self.has_entries():
            for name in self.required_fields:
                if cleaned.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, self.fields[name].error_messages["required"])
        return cleaned


def choices_with_blank(choices):
    return [("", _("Please choose")), *((value, capfirst(label)) for value, label in choices)]


class CostLineForm(LineForm):
    required_fields = ("category", "amount")
    category = forms.ChoiceField(label=_("category"), choices=choices_with_blank(CostCategory.choices), required=False,
                                 error_messages={"required": _("Please choose a category.")})  # fmt: skip
    description = forms.CharField(label=_("description"), max_length=200, required=False)
    amount = MoneyField(label=_("amount (€)"), required=False, error_messages={"required": _("Please enter the amount.")})


class IncomeLineForm(LineForm):
    required_fields = ("kind", "amount")
    kind = forms.ChoiceField(label=_("kind of income"), choices=choices_with_blank(IncomeKind.choices), required=False,
                             error_messages={"required": _("Please choose the kind of income.")})  # fmt: skip
    description = forms.CharField(label=_("description"), max_length=200, required=False)
    amount = MoneyField(label=_("amount (€)"), required=False, error_messages={"required": _("Please enter the amount.")})


class BaseLineFormSet(forms.BaseFormSet):
    """Rows labelled one by one ("Cost 2: amount (€)"), so that each input is named for screen readers and in
    the error summary; `row_name` is set by the factory below."""

    row_name = ""

    def _construct_form(self, i, **kwargs):
        # Every row is cleaned, also an unchanged one: blank rows are skipped by LineForm, not by the formset.
        form = super()._construct_form(i, **{**kwargs, "empty_permitted": False})
        row = self.row_name % {"number": i + 1}
        for field in form.fields.values():
            field.column_label = field.label
            field.label = _("%(row)s: %(field)s") % {"row": row, "field": field.label}
        return form

    def entered_forms(self):
        """The rows with entries whose values are valid (for a live preview of a form that may have errors)."""
        return [form for form in self.forms if form.is_valid() and form.has_entries()]

    def rows(self, *names):
        return [tuple(form.cleaned_data[name] for name in names) for form in self.entered_forms()]


def line_formset(form, row_name, *, max_num=100):
    """A formset of `form` rows named `row_name` ("Cost %(number)s"), with three blank rows to fill in."""
    base = type(f"{form.__name__}SetBase", (BaseLineFormSet,), {"row_name": row_name})
    return forms.formset_factory(form, formset=base, extra=3, max_num=max_num, validate_max=True)


CostFormSet = line_formset(CostLineForm, _("Cost %(number)s"))
IncomeFormSet = line_formset(IncomeLineForm, _("Income %(number)s"))


class FinanceForm(VersionMixin, forms.Form):
    requested_amount = MoneyField(
        label=_("Requested grant (€)"), help_text=_("The amount you ask the programme for."),
        error_messages={"required": _("Please enter the grant you request (0 if you do not know it yet).")},
    )  # fmt: skip


# --- the usage report --------------------------------------------------------------------------------------


class UsageReportForm(forms.Form):
    """Narrative and actual numbers; a field per cost category and per kind of income."""

    narrative = forms.CharField(
        label=_("Narrative report (Sachbericht)"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What did you do, who took part, what went well, what did not? You can save and continue later."),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in CostCategory.choices:
            self.fields[f"cost_{value}"] = MoneyField(label=_("Actual costs: %(category)s (€)") % {"category": label},
                                                      required=False)  # fmt: skip
        for value, label in IncomeKind.choices:
            self.fields[f"income_{value}"] = MoneyField(label=_("Actual income: %(kind)s (€)") % {"kind": label},
                                                        required=False)  # fmt: skip

    @staticmethod
    def initial_from(report):
        if report is None:
            return {}
        initial = {"narrative": report.narrative}
        initial.update({f"cost_{key}": Decimal(value) for key, value in report.actual_costs.items()})
        initial.update({f"income_{key}": Decimal(value) for key, value in report.actual_income.items()})
        return initial

    def actual_costs(self):
        return {value: self.cleaned_data[f"cost_{value}"] for value in CostCategory.values}

    def actual_income(self):
        return {value: self.cleaned_data[f"income_{value}"] for value in IncomeKind.values}


class ReceiptForm(LineForm):
    required_fields = ("date", "payee", "amount")
    date = forms.DateField(label=_("date"), required=False, widget=forms.DateInput(**DATE_WIDGET),
                           error_messages={"required": _("Please enter the date of the receipt.")})  # fmt: skip
    payee = forms.CharField(label=_("payee"), max_length=200, required=False,
                            error_messages={"required": _("Please enter who was paid.")})  # fmt: skip
    purpose = forms.CharField(label=_("purpose"), max_length=200, required=False)
    amount = MoneyField(label=_("amount (€)"), required=False, error_messages={"required": _("Please enter the amount.")})


ReceiptFormSet = line_formset(ReceiptForm, _("Receipt %(number)s"), max_num=500)


# --- the detail page -----------------------------------------------------------------------------------------


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment or answer to the KI"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
        error_messages={"required": _("Please write a comment.")},
    )  # fmt: skip


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw the request?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
        error_messages={"required": _("Please tell the KI why you withdraw the request.")},
    )  # fmt: skip


class ResubmitForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the KI"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False,
        help_text=_("What did you change?"),
    )  # fmt: skip


# --- training requests and sessions (issues 9 and 13); the withdraw form above serves them too ------------
from .models import Participant, TrainingFormat, TrainingRequest, TrainingSession, TrainingTopic  # noqa: E402


class TrainingRequestForm(forms.ModelForm):
    """What the KI needs to plan a training. Only topics on offer can be chosen (the service checks it too)."""

    class Meta:
        model = TrainingRequest
        fields = ["topic", "format", "language", "time_windows", "expected_participants", "notes"]
        widgets = {
            "format": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"notes": _("Anything the KI should know, for example what you would like to learn.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        topic = self.fields["topic"]
        topic.queryset = TrainingTopic.objects.filter(is_active=True)
        topic.empty_label = _("Please choose")
        topic.error_messages["invalid_choice"] = _("This topic is not offered at the moment.")
        self.fields["format"].choices = TrainingFormat.choices  # radios without an empty "---------" choice
        self.fields["expected_participants"].widget.attrs["min"] = 1  # the model's validators allow 1 to 500


class TrainingDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
        help_text=_("The organisation reads this."),
        error_messages={"required": _("Please give the organisation a reason.")},
    )  # fmt: skip


class TrainingSessionForm(forms.ModelForm):
    """A session and the requests it bundles. Which requests may be bundled (open, on the session's topic) is
    the service's rule, so any request is accepted here and the service explains a refusal."""

    requests = forms.ModelMultipleChoiceField(
        label=_("Requests to bundle"), queryset=TrainingRequest.objects.all(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Please choose at least one request.")},
    )  # fmt: skip

    field_order = ["requests"]  # as the page shows them, so the error summary lists them in that order

    class Meta:
        model = TrainingSession
        fields = ["starts_at", "place", "capacity", "language", "trainer"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }
        help_texts = {"capacity": _("Participants beyond this number go on the waiting list.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capacity"].widget.attrs["min"] = 1  # the model's validators allow 1 to 500


class ParticipantForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the participant"), max_length=150,
        error_messages={"required": _("Please enter the participant's name.")},
    )  # fmt: skip


class AttendanceForm(forms.Form):
    attended = forms.ModelMultipleChoiceField(
        label=_("Attended"), queryset=Participant.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].queryset = participants


# --- the KI's side: queue, review and programmes (issues 10–12) ----------------------------------------------
# These imports stay here: this part was appended below the organisation's forms.
from accounts.models import DocumentKind, Organisation  # noqa: E402

from .models import FundingState, Programme  # noqa: E402
from .selectors import VISIBLE_TO_ADVISOR, advisors  # noqa: E402

# key in the URL → (order_by of funding_queue, label)
QUEUE_ORDERS = {
    "waiting": ("state_changed_at", _("waiting longest first")),
    "newest": ("-created_at", _("newest first")),
    "organisation": ("organisation__name", _("organisation name")),
    "changed": ("-state_changed_at", _("changed most recently")),
}


class FundingQueueFilterForm(forms.Form):
    """The advisor's queue filters, sent by GET; every field is optional and invalid values are ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100, help_text=_("Title, goals or organisation"))
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("all states")), *FundingState.choices])
    programme = forms.ModelChoiceField(label=_("Programme"), required=False, queryset=Programme.objects.order_by("name"),
                                       empty_label=_("all programmes"))  # fmt: skip
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), required=False, empty_label=_("all organisations"),
        queryset=Organisation.objects.filter(
            pk__in=FundingRequest.objects.filter(VISIBLE_TO_ADVISOR).values("organisation")
        ).order_by("name"),
    )  # fmt: skip
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    waiting_days = forms.IntegerField(
        label=_("Waiting longer than (days)"), required=False, min_value=0, max_value=3650,
        help_text=_("Days since the last change of state"), widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )  # fmt: skip
    order = forms.ChoiceField(label=_("Sort by"), required=False, choices=[(k, label) for k, (_o, label) in QUEUE_ORDERS.items()])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.advisors = {str(advisor.pk): advisor for advisor in advisors()}
        self.fields["assignee"].choices = [
            ("", _("anybody")), ("me", _("me")), ("nobody", _("nobody")),
            *((pk, str(advisor)) for pk, advisor in self.advisors.items()),
        ]  # fmt: skip

    def filters(self):
        """Keyword arguments for `funding_queue` from the fields that are valid."""
        self.is_valid()
        data = self.cleaned_data
        assignee = data.get("assignee", "")
        return {
            "state": data.get("state", ""),
            "programme": data.get("programme"),
            "organisation": data.get("organisation"),
            "assignee": self.user if assignee == "me" else self.advisors.get(assignee),
            "unassigned": assignee == "nobody",
            "waiting_days": data.get("waiting_days"),
            "query": data.get("q", "").strip(),
            "order": QUEUE_ORDERS[data.get("order") or "waiting"][0],
        }


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assigned to"), queryset=None, required=False, empty_label=_("nobody"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = advisors()


class AdvisorCommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
        error_messages={"required": _("Please write a comment.")},
    )  # fmt: skip
    internal = forms.BooleanField(
        label=_("Internal note – not visible to the organisation"), required=False,
        help_text=_("Only KI staff can read internal notes. Without the tick, the organisation reads the comment."),
    )  # fmt: skip


class ChangesRequestForm(forms.Form):
    message = forms.CharField(
        label=_("What should the organisation change?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
        help_text=_("The organisation reads this and can edit the request again."),
        error_messages={"required": _("Please tell the organisation what to change.")},
    )  # fmt: skip


class ApprovalForm(forms.Form):
    amount = MoneyField(
        label=_("Approved grant (€)"),
        help_text=_("At most the requested grant; less than requested is a partial approval."),
    )  # fmt: skip
    conditions = forms.CharField(
        label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
        help_text=_("For example the duty to show the programme's logo. They appear in the decision letter."),
    )  # fmt: skip
    approved_from = forms.DateField(label=_("Approval period from"), widget=forms.DateInput(**DATE_WIDGET))
    approved_until = forms.DateField(label=_("Approval period until"), widget=forms.DateInput(**DATE_WIDGET))
    report_due_on = forms.DateField(
        label=_("Usage report due on"), required=False, widget=forms.DateInput(**DATE_WIDGET),
        help_text=_("Leave empty for six months after the approval period ends."),
    )  # fmt: skip

    @staticmethod
    def initial_for(funding_request):
        return {"amount": funding_request.requested_amount, "approved_from": funding_request.starts_on,
                "approved_until": funding_request.ends_on}  # fmt: skip


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the rejection"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
        help_text=_("The organisation reads it in the rejection letter."),
        error_messages={"required": _("Please give the organisation the reason for the rejection.")},
    )  # fmt: skip


class ReportCorrectionsForm(forms.Form):
    message = forms.CharField(
        label=_("What should the organisation correct in the usage report?"), widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000, error_messages={"required": _("Please tell the organisation what to correct.")},
    )  # fmt: skip


class ProgrammeForm(forms.ModelForm):
    """A programme and its rules. Checks across fields (the call window, the budget) are the service's."""

    required_documents = forms.MultipleChoiceField(
        label=_("Required documents"), choices=DocumentKind.choices, widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("A request can only be submitted with these documents attached."),
    )  # fmt: skip
    max_amount = MoneyField(label=_("Maximum grant (€)"), required=False, help_text=_("Leave empty if there is no maximum."))
    yearly_budget = MoneyField(label=_("Yearly budget (€)"))

    class Meta:
        model = Programme
        fields = ["name", "description", "financing_type", "max_amount", "max_rate", "min_own_share_rate",
                  "volunteer_cap_rate", "call_opens", "call_closes", "yearly_budget", "required_documents", "short_form"]  # fmt: skip
        localized_fields = ["max_rate", "min_own_share_rate", "volunteer_cap_rate"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "call_opens": forms.DateInput(**DATE_WIDGET),
            "call_closes": forms.DateInput(**DATE_WIDGET),
        }
        help_texts = {
            "max_rate": _("The grant may cover at most this share of the eligible costs. Leave empty if there is no maximum."),
            "min_own_share_rate": _("Own funds and volunteer work together, as a share of the costs. Leave empty if none is required."),
            "volunteer_cap_rate": _("Volunteer work counts for the own share up to this share of the costs. Leave empty if there is no cap."),
            "call_opens": _("Organisations can start requests from this day …"),
            "call_closes": _("… up to and including this day."),
            "short_form": _("For small grants: the organisation fills in only title, goals and dates."),
        }
