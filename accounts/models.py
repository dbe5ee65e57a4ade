"""Users, organisations (MSOs), memberships, invitations, the document vault and the KI's own data."""

import json
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager as DjangoUserManager
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

PROFILE_STALE_AFTER = timedelta(days=365)
TAX_NOTICE_STALE_AFTER = timedelta(days=3 * 365)
INVITATION_VALID_FOR = timedelta(days=14)

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ()/-]{5,24}$",
    _("Please enter a phone number with digits only, for example 02331 123456 or +49 2331 123456."),
)
register_number_validator = RegexValidator(
    r"^VR ?[0-9]{1,6}( ?[A-Z]{1,2})?$",
    _("Please enter the register number as it appears in the register extract, for example VR 1234."),
)


class UserManager(DjangoUserManager):
    """Users log in with their e-mail address; there is no username."""

    def _create_user(self, email, password, **extra_fields):
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person. Staff users (`is_staff`) are KI advisors."""

    username = None
    first_name = None
    last_name = None
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail address"), unique=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name or self.email

    @property
    def is_advisor(self):
        return self.is_active and self.is_staff


class LegalForm(models.TextChoices):
    REGISTERED = "ev", _("registered association (e.V.)")
    FOUNDING = "founding", _("in founding")
    GROUP = "group", _("unregistered group")
    BRANCH = "branch", _("local branch")


class District(models.TextChoices):
    MITTE = "mitte", "Hagen-Mitte"
    NORD = "nord", "Hagen-Nord"
    HOHENLIMBURG = "hohenlimburg", "Hohenlimburg"
    EILPE_DAHL = "eilpe-dahl", "Eilpe/Dahl"
    HASPE = "haspe", "Haspe"


class FocusArea(models.TextChoices):
    CULTURE = "culture", _("culture")
    RELIGION = "religion", _("religion")
    SPORT = "sport", _("sport")
    EDUCATION = "education", _("education")
    YOUTH = "youth", _("youth")
    WOMEN = "women", _("women")
    SENIORS = "seniors", _("seniors")
    COUNSELLING = "counselling", _("counselling")
    ANTI_DISCRIMINATION = "anti-discrimination", _("anti-discrimination")
    REFUGEE_HELP = "refugee-help", _("refugee help")
    PARENTS = "parents", _("parents and families")


class Language(models.TextChoices):
    GERMAN = "de", _("German")
    ARABIC = "ar", _("Arabic")
    BOSNIAN = "bs", _("Bosnian/Croatian/Serbian")
    BULGARIAN = "bg", _("Bulgarian")
    ENGLISH = "en", _("English")
    FARSI = "fa", _("Farsi/Dari")
    FRENCH = "fr", _("French")
    GREEK = "el", _("Greek")
    ITALIAN = "it", _("Italian")
    KURDISH = "ku", _("Kurdish")
    POLISH = "pl", _("Polish")
    ROMANIAN = "ro", _("Romanian")
    RUSSIAN = "ru", _("Russian")
    SPANISH = "es", _("Spanish")
    TIGRINYA = "ti", _("Tigrinya")
    TURKISH = "tr", _("Turkish")
    UKRAINIAN = "uk", _("Ukrainian")


class MemberCount(models.TextChoices):
    UP_TO_10 = "1-10", _("up to 10")
    UP_TO_30 = "11-30", _("11 to 30")
    UP_TO_100 = "31-100", _("31 to 100")
    MORE = "100+", _("more than 100")


class OrganisationState(models.TextChoices):
    AWAITING_VERIFICATION = "awaiting_verification", _("awaiting verification")
    FOUNDING = "founding", _("in founding")
    ACTIVE = "active", _("active")
    DORMANT = "dormant", _("dormant")
    DECLINED = "declined", _("declined")
    DISSOLVED = "dissolved", _("dissolved")


class Organisation(ConcurrentTransitionMixin, models.Model):
    """A migrant self-organisation. It owns its requests and documents, so it outlives any board."""

    # Fields a board may choose to show in the public directory; name, legal form and district always are.
    PUBLISHABLE_FIELDS = (
        "description", "focus_areas", "target_groups", "offers", "languages", "quarter", "address",
        "meeting_times", "contact_role", "contact_name", "email", "phone", "website", "social_media",
    )  # fmt: skip

    state = FSMField(_("state"), default=OrganisationState.AWAITING_VERIFICATION,
                     choices=OrganisationState.choices, protected=True)  # fmt: skip
    # Identity
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices)
    register_number = models.CharField(
        _("register number"), max_length=20, blank=True, validators=[register_number_validator]
    )
    register_court = models.CharField(_("register court"), max_length=100, blank=True)
    founding_year = models.PositiveSmallIntegerField(
        _("founding year"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    is_charitable = models.BooleanField(_("recognised as charitable (gemeinnützig)"), default=False)
    charitable_notice_date = models.DateField(_("date of the tax office notice"), null=True, blank=True)
    umbrella_memberships = models.CharField(_("umbrella organisations"), max_length=300, blank=True)
    # Profile
    focus_areas = models.JSONField(_("focus areas"), default=list, blank=True)
    target_groups = models.CharField(_("target groups"), max_length=300, blank=True)
    offers = models.TextField(_("offers"), blank=True)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    # Location
    district = models.CharField(_("district"), max_length=20, choices=District.choices)
    quarter = models.CharField(_("quarter"), max_length=100, blank=True)
    address = models.CharField(_("address of the premises"), max_length=200, blank=True)
    meeting_times = models.CharField(_("meeting or opening times"), max_length=200, blank=True)
    # Contact
    contact_role = models.CharField(_("contact role"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_name_consent = models.BooleanField(
        _("the contact person agrees to be named publicly"), default=False
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    website = models.URLField(_("website"), blank=True)
    social_media = models.CharField(_("social media"), max_length=300, blank=True)
    # Administration
    member_count = models.CharField(_("number of members"), max_length=10, choices=MemberCount.choices,
                                    blank=True)  # fmt: skip
    public_fields = models.JSONField(_("public fields"), default=list, blank=True)
    publication_consent_at = models.DateTimeField(_("consent to publication given on"), null=True, blank=True)
    verified_at = models.DateTimeField(_("known to the KI since"), null=True, blank=True)
    verification_note = models.TextField(_("note on verification"), blank=True)
    profile_confirmed_at = models.DateTimeField(_("profile confirmed as current on"), null=True, blank=True)
    # Optimistic locking of profile edits: a form carries the version it was based on.
    profile_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("registered on"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def profile_is_stale(self):
        return self.profile_confirmed_at is None or timezone.now() - self.profile_confirmed_at > PROFILE_STALE_AFTER

    @property
    def is_public(self):
        return self.state == OrganisationState.ACTIVE

    # --- lifecycle: conditions and fields only; effects live in accounts.services.organisations ---
    @transition(field=state, source=OrganisationState.AWAITING_VERIFICATION, target=OrganisationState.ACTIVE)
    def verify(self, *, note):
        self.verified_at = timezone.now()
        self.verification_note = note

    @transition(field=state, source=OrganisationState.AWAITING_VERIFICATION, target=OrganisationState.DECLINED)
    def decline(self, *, note):
        self.verification_note = note

    @transition(field=state, source=OrganisationState.ACTIVE, target=OrganisationState.DORMANT)
    def make_dormant(self):
        pass

    @transition(field=state, source=OrganisationState.DORMANT, target=OrganisationState.ACTIVE)
    def reactivate(self):
        pass

    @transition(field=state, source="*", target=OrganisationState.DISSOLVED)
    def dissolve(self):
        pass


class Role(models.TextChoices):
    CHAIR = "chair", _("chair")
    TREASURER = "treasurer", _("treasurer")
    SECRETARY = "secretary", _("secretary")
    BOARD_MEMBER = "board_member", _("board member")
    MEMBER = "member", _("member")


BOARD_ROLES = frozenset({Role.CHAIR, Role.TREASURER, Role.SECRETARY, Role.BOARD_MEMBER})


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    joined_at = models.DateTimeField(_("member since"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")]
        ordering = ["organisation__name", "user__name"]

    def __str__(self):
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"

    @property
    def is_board(self):
        return self.role in BOARD_ROLES


def new_invitation_token():
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """An e-mail invitation into an organisation with a role: valid 14 days, usable once."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token, editable=False)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    @property
    def is_expired(self):
        return timezone.now() >= self.expires_at

    @property
    def is_open(self):
        return self.accepted_at is None and not self.is_expired


class ProfileChange(models.Model):
    """One changed profile field: who, when, old → new."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="profile_changes")
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    field_name = models.CharField(max_length=50)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    @property
    def field_label(self):
        return Organisation._meta.get_field(self.field_name).verbose_name

    # Values are stored raw (JSON text) and translated when shown, so every reader sees their own language.
    @property
    def old_display(self):
        return self._display(self.old_value)

    @property
    def new_display(self):
        return self._display(self.new_value)

    def _display(self, stored):
        from .services.organisations import display_value

        try:
            value = json.loads(stored)
        except ValueError:  # rows written before values were stored as JSON
            return stored
        return display_value(self.field_name, value)


class DocumentKind(models.TextChoices):
    STATUTES = "statutes", _("statutes (Satzung)")
    REGISTER_EXTRACT = "register_extract", _("register extract")
    TAX_NOTICE = "tax_notice", _("tax office notice")
    FOUNDING_PROTOCOL = "founding_protocol", _("founding protocol")
    BANK_CONFIRMATION = "bank_confirmation", _("bank details confirmation")
    OTHER = "other", _("other")


def document_upload_to(document, filename):
    # The stored name is random: it reveals nothing and cannot be guessed.
    return f"documents/{document.organisation_id}/{secrets.token_hex(16)}"


def private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class Document(models.Model):
    """A file in an organisation's vault. Replacing keeps the old version (`replaced_by` is set)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind of document"), max_length=30, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    file = models.FileField(storage=private_storage, upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    replaced_by = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replaces"
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "-uploaded_at"]

    def __str__(self):
        return self.title or self.get_kind_display()

    @property
    def is_stale(self):
        """A tax office notice older than three years no longer proves charitable status."""
        return (
            self.kind == DocumentKind.TAX_NOTICE
            and self.issue_date is not None
            and timezone.localdate() - self.issue_date > TAX_NOTICE_STALE_AFTER
        )


class KIOffice(models.Model):
    """The Kommunales Integrationszentrum's contact data shown on the site. There is one row."""

    name = models.CharField(_("contact person"), max_length=150)
    office = models.CharField(_("office"), max_length=200, default="Kommunales Integrationszentrum Hagen")
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=30, validators=[phone_validator])
    address = models.CharField(_("address"), max_length=200, blank=True)
    office_hours = models.CharField(_("office hours"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("KI contact data")
        verbose_name_plural = _("KI contact data")

    def __str__(self):
        return self.office


class ContentPage(models.Model):
    """Imprint, privacy notice and accessibility statement: edited in the admin, not in templates."""

    slug = models.SlugField(unique=True)
    title_de = models.CharField(_("title (German)"), max_length=200)
    body_de = models.TextField(_("text (German)"))
    title_en = models.CharField(_("title (English)"), max_length=200)
    body_en = models.TextField(_("text (English)"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("content page")
        verbose_name_plural = _("content pages")

    def __str__(self):
        return self.slug
