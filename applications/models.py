"""Funding programmes, funding requests with their finance plan and usage report, training requests.

State fields are protected FSM fields: transitions below only check their source state and set fields.
Who may fire a transition is declared once, with it (`permission` and `custom["actor"]`); the services in
workflows/ enforce it, write the log and queue the effects.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import BOARD_ROLES, Document, DocumentKind, Language, Organisation

MAX_AMOUNT = Decimal("1000000.00")
money_validators = [MinValueValidator(Decimal("0.00")), MaxValueValidator(MAX_AMOUNT)]
percent_validators = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
REPORT_DUE_AFTER_END_DAYS = 183  # DESIGN §4: by default six months after the project ends


def MoneyField(verbose_name, **kwargs):  # noqa: N802 - reads like a field class
    return models.DecimalField(verbose_name, max_digits=10, decimal_places=2, validators=money_validators, **kwargs)


def PercentField(verbose_name, **kwargs):  # noqa: N802
    return models.DecimalField(verbose_name, max_digits=5, decimal_places=2, validators=percent_validators, **kwargs)


# --- who may act -------------------------------------------------------------------------------------
def is_advisor(instance, user):
    return user.is_authenticated and user.is_advisor


def is_applicant_board(instance, user):
    return user.is_authenticated and instance.organisation.memberships.filter(user=user, role__in=BOARD_ROLES).exists()


BOARD = {"actor": "board"}
ADVISOR = {"actor": "advisor"}


class FinancingType(models.TextChoices):
    SHARE = "share", _("share financing")
    DEFICIT = "deficit", _("deficit financing")
    FIXED = "fixed", _("fixed amount")
    FULL = "full", _("full financing")


class Programme(models.Model):
    """A funding programme, configured by the KI as data (DESIGN §3)."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    financing_type = models.CharField(_("financing type"), max_length=10, choices=FinancingType.choices)
    max_amount = MoneyField(_("maximum grant (€)"), null=True, blank=True)
    max_rate = PercentField(_("maximum funding rate (%)"), null=True, blank=True)
    min_own_share_rate = PercentField(_("minimum own share (% of costs)"), null=True, blank=True)
    volunteer_cap_rate = PercentField(_("volunteer work at most (% of costs)"), null=True, blank=True)
    call_opens = models.DateField(_("call opens"))
    call_closes = models.DateField(_("call closes"))
    yearly_budget = MoneyField(_("yearly budget (€)"))
    required_documents = models.JSONField(_("required documents"), default=list, blank=True)
    short_form = models.BooleanField(_("a short one-page form suffices"), default=False)

    class Meta:
        verbose_name = _("funding programme")
        verbose_name_plural = _("funding programmes")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def call_is_open(self, today=None):
        today = today or timezone.localdate()
        return self.call_opens <= today <= self.call_closes

    def required_document_labels(self):
        labels = dict(DocumentKind.choices)
        return [labels.get(kind, kind) for kind in self.required_documents]


class FundingState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    IN_REVIEW = "in_review", _("in review")
    CHANGES_REQUESTED = "changes_requested", _("changes requested")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")
    IN_PROGRESS = "in_progress", _("project running")
    REPORT_DUE = "report_due", _("usage report due")
    REPORT_SUBMITTED = "report_submitted", _("usage report submitted")
    CLOSED = "closed", _("closed")


S = FundingState
EDITABLE_STATES = (S.DRAFT, S.CHANGES_REQUESTED)
UNDECIDED_STATES = (S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED)
COMMITTED_STATES = (S.APPROVED, S.IN_PROGRESS, S.REPORT_DUE, S.REPORT_SUBMITTED, S.CLOSED)


class FundingRequest(ConcurrentTransitionMixin, models.Model):
    """A funding request (Förderantrag). Owned by the organisation, not by the person who wrote it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="funding_requests")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="funding_requests")
    state = FSMField(_("state"), default=S.DRAFT, choices=S.choices, protected=True)
    # Project
    title = models.CharField(_("project title"), max_length=200)
    goals = models.TextField(_("goals"), blank=True)
    target_groups = models.CharField(_("target groups"), max_length=300, blank=True)
    expected_participants = models.PositiveIntegerField(_("expected participants"), null=True, blank=True,
                                                        validators=[MaxValueValidator(100000)])  # fmt: skip
    place = models.CharField(_("place"), max_length=200, blank=True)
    partners = models.CharField(_("partners"), max_length=300, blank=True)
    starts_on = models.DateField(_("project start"), null=True, blank=True)
    ends_on = models.DateField(_("project end"), null=True, blank=True)
    requested_amount = MoneyField(_("requested grant (€)"), default=Decimal("0.00"))
    # Declarations
    not_started = models.BooleanField(_("the project has not started yet"), default=False)
    early_start_requested = models.BooleanField(_("we ask for permission to start early"), default=False)
    information_true = models.BooleanField(_("all information is true and complete"), default=False)
    attachments = models.ManyToManyField(Document, blank=True, related_name="funding_requests",
                                         verbose_name=_("attached documents"))  # fmt: skip
    # Work and decision
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="assigned_funding_requests", verbose_name=_("assigned to"))  # fmt: skip
    shared_for_advice_at = models.DateTimeField(_("shared for advice on"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)
    state_changed_at = models.DateTimeField(_("last state change"), default=timezone.now)
    approved_amount = MoneyField(_("approved grant (€)"), null=True, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    approved_from = models.DateField(_("approval period from"), null=True, blank=True)
    approved_until = models.DateField(_("approval period until"), null=True, blank=True)
    report_due_on = models.DateField(_("usage report due on"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    # Optimistic locking of edits: a form carries the version it was based on.
    version = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)

    class Meta:
        verbose_name = _("funding request")
        verbose_name_plural = _("funding requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "state_changed_at"])]

    def __str__(self):
        return self.title

    @property
    def file_number(self):
        """The Aktenzeichen used in letters."""
        return f"KI-F-{self.created_at:%Y}-{self.pk:05d}"

    @property
    def is_editable(self):
        return self.state in EDITABLE_STATES

    def get_absolute_url_for(self, user):
        if user.is_advisor:
            return reverse("applications:review", args=[self.pk])
        return reverse("applications:detail", args=[self.organisation_id, self.pk])

    # --- lifecycle (DESIGN §4); conditions and fields only -------------------------------------------
    def _moved(self):
        self.state_changed_at = timezone.now()

    @transition(field=state, source=S.DRAFT, target=S.SUBMITTED, permission=is_applicant_board, custom=BOARD)
    def submit(self):
        self.submitted_at = timezone.now()
        self._moved()

    @transition(field=state, source=S.SUBMITTED, target=S.IN_REVIEW, permission=is_advisor, custom=ADVISOR)
    def start_review(self):
        self._moved()

    @transition(field=state, source=S.IN_REVIEW, target=S.CHANGES_REQUESTED, permission=is_advisor, custom=ADVISOR)
    def request_changes(self):
        self._moved()

    @transition(field=state, source=S.CHANGES_REQUESTED, target=S.IN_REVIEW, permission=is_applicant_board,
                custom=BOARD)  # fmt: skip
    def resubmit(self):
        self._moved()

    @transition(field=state, source=S.IN_REVIEW, target=S.APPROVED, permission=is_advisor, custom=ADVISOR)
    def approve(self, *, amount, conditions, approved_from, approved_until, report_due_on):
        self.approved_amount = amount
        self.conditions = conditions
        self.approved_from = approved_from
        self.approved_until = approved_until
        self.report_due_on = report_due_on
        self.decided_at = timezone.now()
        self._moved()

    @transition(field=state, source=S.IN_REVIEW, target=S.REJECTED, permission=is_advisor, custom=ADVISOR)
    def reject(self, *, reason):
        self.decision_reason = reason
        self.decided_at = timezone.now()
        self._moved()

    @transition(field=state, source=list(UNDECIDED_STATES), target=S.WITHDRAWN, permission=is_applicant_board,
                custom=BOARD)  # fmt: skip
    def withdraw(self, *, reason):
        self.decision_reason = reason
        self._moved()

    @transition(field=state, source=S.APPROVED, target=S.IN_PROGRESS, permission=is_applicant_board, custom=BOARD)
    def start_project(self):
        self._moved()

    @transition(field=state, source=S.IN_PROGRESS, target=S.REPORT_DUE, permission=is_advisor, custom=ADVISOR)
    def mark_report_due(self):
        self._moved()

    @transition(field=state, source=S.REPORT_DUE, target=S.REPORT_SUBMITTED, permission=is_applicant_board,
                custom=BOARD)  # fmt: skip
    def submit_report(self):
        self._moved()

    @transition(field=state, source=S.REPORT_SUBMITTED, target=S.CLOSED, permission=is_advisor, custom=ADVISOR)
    def accept_report(self):
        self._moved()

    @transition(field=state, source=S.REPORT_SUBMITTED, target=S.REPORT_DUE, permission=is_advisor, custom=ADVISOR)
    def request_report_corrections(self):
        self._moved()


class CostCategory(models.TextChoices):
    STAFF = "staff", _("staff")
    FEES = "fees", _("fees (Honorare)")
    MATERIAL = "material", _("material")
    RENT = "rent", _("rent")
    PUBLIC_RELATIONS = "public_relations", _("public relations")
    TRAVEL = "travel", _("travel")
    PURCHASES = "purchases", _("purchases")
    OTHER = "other", _("other")


class IncomeKind(models.TextChoices):
    OWN_FUNDS = "own_funds", _("own funds (cash)")
    VOLUNTEER_WORK = "volunteer_work", _("volunteer work (valued hours)")
    THIRD_PARTY_APPLIED = "third_party_applied", _("third-party funds (applied for)")
    THIRD_PARTY_GRANTED = "third_party_granted", _("third-party funds (granted)")
    PARTICIPANT_FEES = "participant_fees", _("participant fees")


class CostLine(models.Model):
    request = models.ForeignKey(FundingRequest, on_delete=models.CASCADE, related_name="cost_lines")
    category = models.CharField(_("category"), max_length=20, choices=CostCategory.choices)
    description = models.CharField(_("description"), max_length=200)
    amount = MoneyField(_("amount (€)"))

    class Meta:
        ordering = ["pk"]


class IncomeLine(models.Model):
    request = models.ForeignKey(FundingRequest, on_delete=models.CASCADE, related_name="income_lines")
    kind = models.CharField(_("kind of income"), max_length=20, choices=IncomeKind.choices)
    description = models.CharField(_("description"), max_length=200)
    amount = MoneyField(_("amount (€)"))

    class Meta:
        ordering = ["pk"]


class UsageReport(models.Model):
    """Verwendungsnachweis: narrative report plus actual numbers per category and the list of receipts."""

    request = models.OneToOneField(FundingRequest, on_delete=models.CASCADE, related_name="usage_report")
    narrative = models.TextField(_("narrative report (Sachbericht)"))
    actual_costs = models.JSONField(_("actual costs per category"), default=dict)
    actual_income = models.JSONField(_("actual income per kind"), default=dict)
    updated_at = models.DateTimeField(auto_now=True)


class Receipt(models.Model):
    report = models.ForeignKey(UsageReport, on_delete=models.CASCADE, related_name="receipts")
    date = models.DateField(_("date"))
    payee = models.CharField(_("payee"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=200)
    amount = MoneyField(_("amount (€)"))

    class Meta:
        ordering = ["date", "pk"]


# --- training requests (DESIGN §5) ---------------------------------------------------------------------
class TrainingTopic(models.Model):
    name_de = models.CharField(_("name (German)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("training topic")
        verbose_name_plural = _("training topics")
        ordering = ["name_de"]

    def __str__(self):
        from django.utils.translation import get_language

        return self.name_en if get_language() == "en" else self.name_de


class TrainingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    ONLINE = "online", _("online")
    EITHER = "either", _("either")


class TrainingSession(models.Model):
    """A scheduled training that bundles the requests of several organisations."""

    topic = models.ForeignKey(TrainingTopic, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1), MaxValueValidator(500)])
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.GERMAN)
    trainer = models.CharField(_("trainer"), max_length=200)
    held_at = models.DateTimeField(_("held on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_at"]

    def __str__(self):
        return f"{self.topic} – {self.starts_at:%d.%m.%Y}"


class TrainingState(models.TextChoices):
    REQUESTED = "requested", _("requested")
    PLANNED = "planned", _("planned")
    SCHEDULED = "scheduled", _("scheduled")
    HELD = "held", _("held")
    CLOSED = "closed", _("closed")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")


T = TrainingState


class TrainingRequest(ConcurrentTransitionMixin, models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="training_requests")
    topic = models.ForeignKey(TrainingTopic, on_delete=models.PROTECT, related_name="requests",
                              verbose_name=_("topic"))  # fmt: skip
    state = FSMField(_("state"), default=T.REQUESTED, choices=T.choices, protected=True)
    format = models.CharField(_("preferred format"), max_length=10, choices=TrainingFormat.choices)
    language = models.CharField(_("preferred language"), max_length=8, choices=Language.choices,
                                default=Language.GERMAN)  # fmt: skip
    time_windows = models.CharField(_("suitable times"), max_length=300,
                                    help_text=_("For example: weekday evenings from 6 pm, Saturdays"))  # fmt: skip
    expected_participants = models.PositiveIntegerField(_("expected participants"),
                                                        validators=[MinValueValidator(1), MaxValueValidator(500)])  # fmt: skip
    notes = models.TextField(_("notes"), blank=True)
    session = models.ForeignKey(TrainingSession, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="requests")  # fmt: skip
    reason = models.TextField(_("reason"), blank=True)
    state_changed_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("training request")
        verbose_name_plural = _("training requests")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.topic} ({self.organisation})"

    def _moved(self):
        self.state_changed_at = timezone.now()

    def get_absolute_url_for(self, user):
        if user.is_advisor:
            return reverse("applications:training_demand")
        return reverse("applications:training_detail", args=[self.organisation_id, self.pk])

    @transition(field=state, source=T.REQUESTED, target=T.PLANNED, permission=is_advisor, custom=ADVISOR)
    def plan(self, *, session):
        self.session = session
        self._moved()

    @transition(field=state, source=T.PLANNED, target=T.SCHEDULED, permission=is_advisor, custom=ADVISOR)
    def schedule(self):
        self._moved()

    @transition(field=state, source=T.SCHEDULED, target=T.HELD, permission=is_advisor, custom=ADVISOR)
    def mark_held(self):
        self._moved()

    @transition(field=state, source=T.HELD, target=T.CLOSED, permission=is_advisor, custom=ADVISOR)
    def close(self):
        self._moved()

    @transition(field=state, source=[T.REQUESTED, T.PLANNED], target=T.DECLINED, permission=is_advisor,
                custom=ADVISOR)  # fmt: skip
    def decline(self, *, reason):
        self.reason = reason
        self._moved()

    @transition(field=state, source=[T.REQUESTED, T.PLANNED, T.SCHEDULED], target=T.WITHDRAWN,
                permission=is_applicant_board, custom=BOARD)  # fmt: skip
    def withdraw(self, *, reason):
        self.reason = reason
        self._moved()


class Participant(models.Model):
    """A named person an organisation registers for a session; beyond capacity, on the waiting list."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=150)
    on_waiting_list = models.BooleanField(_("on the waiting list"), default=False)
    attended = models.BooleanField(_("attended"), null=True)
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on_waiting_list", "registered_at", "pk"]
