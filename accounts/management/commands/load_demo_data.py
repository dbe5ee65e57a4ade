"""`manage.py load_demo_data`: fictional but realistic Hagen organisations, their people and the KI's data.

Idempotent, so `make run` calls it on every start: people are keyed on their e-mail address, organisations
on their name, memberships on (person, organisation). Rows that exist are left as they are, including
anything changed while trying the portal; in particular an organisation's state (a protected FSM field) is
only ever set when the organisation is created. All names, addresses and numbers are invented; e-mail
addresses use the reserved example domains.
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import (
    INVITATION_VALID_FOR,
    District,
    Invitation,
    KIOffice,
    LegalForm,
    MemberCount,
    Membership,
    Organisation,
    OrganisationState,
    ProfileChange,
    Role,
    User,
)
from applications import demo as applications_demo
from workflows.services import log_transition

DEMO_PASSWORD = "mso-demo-hagen"

ADVISOR = {"email": "berater@ki-hagen.example", "name": "Miriam Schäfer"}

KI_OFFICE = {
    "name": "Miriam Schäfer",
    "office": "Kommunales Integrationszentrum Hagen",
    "email": "integration@ki-hagen.example",
    "phone": "02331 207-5555",
    "address": "Beispielstraße 1, 58095 Hagen",
    "office_hours": "Di und Do 9–12 Uhr",
}

# Each organisation: its fields, the state it is created in, how many days ago its profile was confirmed
# (None: never), and its people as (e-mail, name, role, preferred language, shown in the login list).
ORGANISATIONS = [
    {
        "state": OrganisationState.ACTIVE,
        "confirmed_days_ago": 21,
        "fields": {
            "name": "Elternverein Brücke Wehringhausen e.V.",
            "short_name": "Brücke",
            "legal_form": LegalForm.REGISTERED,
            "register_number": "VR 2871",
            "register_court": "Amtsgericht Hagen",
            "founding_year": 2009,
            "is_charitable": True,
            "umbrella_memberships": "Landesverband der Elternvereine (Beispiel)",
            "focus_areas": ["parents", "education", "youth"],
            "target_groups": "Eltern und Kinder im Grundschulalter",
            "offers": "Hausaufgabenhilfe (Mo–Do), Elterncafé, Infoabende zum Übergang in die weiterführende Schule",
            "languages": ["tr", "de", "ku"],
            "description": "Wir unterstützen Familien in Wehringhausen dabei, den Schulalltag ihrer Kinder gut "
            "zu begleiten. Beratung auf Türkisch, Kurdisch und Deutsch.",
            "district": District.MITTE,
            "quarter": "Wehringhausen",
            "address": "Am Beispielhof 4, 58089 Hagen",
            "meeting_times": "Sa 10–14 Uhr",
            "contact_role": "Vorsitz",
            "contact_name": "Ayşe Yılmaz",
            "contact_name_consent": True,
            "email": "kontakt@bruecke-hagen.example.org",
            "phone": "02331 12 34 56",
            "website": "https://bruecke-hagen.example.org",
            "member_count": MemberCount.UP_TO_100,
            "public_fields": ["description", "focus_areas", "offers", "languages", "quarter", "meeting_times",
                              "contact_role", "contact_name", "email", "website"],  # fmt: skip
        },
        "people": [
            ("ayse.yilmaz@example.org", "Ayşe Yılmaz", Role.CHAIR, "de", True),
            ("mehmet.kaya@example.org", "Mehmet Kaya", Role.TREASURER, "de", False),
            ("elif.demir@example.org", "Elif Demir", Role.MEMBER, "de", True),
        ],
        "history": [("meeting_times", "Sa 10–13 Uhr", "Sa 10–14 Uhr")],
        "invitation": ("yusuf.arslan@example.org", Role.MEMBER),
    },
    {
        "state": OrganisationState.ACTIVE,
        "confirmed_days_ago": 60,
        "fields": {
            "name": "Ukrainischer Treffpunkt Vorhalle",
            "short_name": "UTV",
            "legal_form": LegalForm.GROUP,
            "founding_year": 2022,
            "focus_areas": ["refugee-help", "counselling", "culture"],
            "target_groups": "Geflüchtete aus der Ukraine und ihre Familien",
            "offers": "Sprechstunde zu Behördenpost, Sprachcafé Deutsch, Kinderbasteln",
            "languages": ["uk", "ru", "de"],
            "description": "Ehrenamtlicher Treffpunkt für Menschen aus der Ukraine. Wir helfen beim Ankommen "
            "in Hagen und beim Kontakt zu Ämtern und Schulen.",
            "district": District.NORD,
            "quarter": "Vorhalle",
            "meeting_times": "Mi 16–19 Uhr",
            "contact_role": "Sprecherin",
            "email": "treffpunkt-vorhalle@example.org",
            "member_count": MemberCount.UP_TO_30,
            "public_fields": ["description", "focus_areas", "offers", "languages", "quarter", "meeting_times",
                              "contact_role", "email"],  # fmt: skip
        },
        "people": [
            ("olena.kovalenko@example.org", "Olena Kovalenko", Role.CHAIR, "en", True),
            ("andrii.bondar@example.org", "Andrii Bondar", Role.BOARD_MEMBER, "de", False),
        ],
    },
    {
        # The stale one: active, but its profile was last confirmed well over a year ago.
        "state": OrganisationState.ACTIVE,
        "confirmed_days_ago": 600,
        "fields": {
            "name": "Arabisches Kultur- und Bildungszentrum Hagen e.V.",
            "short_name": "AKBZ",
            "legal_form": LegalForm.REGISTERED,
            "register_number": "VR 2514",
            "register_court": "Amtsgericht Hagen",
            "founding_year": 2016,
            "is_charitable": True,
            "focus_areas": ["education", "culture", "women"],
            "target_groups": "Familien, Frauen, Jugendliche",
            "offers": "Arabischunterricht für Kinder, Frauengruppe, Nachhilfe",
            "languages": ["ar", "ku", "de"],
            "description": "Sprach- und Kulturangebote für arabischsprachige Familien in Altenhagen.",
            "district": District.MITTE,
            "quarter": "Altenhagen",
            "meeting_times": "Fr 15–18 Uhr, Sa 10–13 Uhr",
            "contact_role": "Vorstand",
            "email": "info@akbz-hagen.example.org",
            "member_count": MemberCount.UP_TO_100,
            "public_fields": ["description", "focus_areas", "languages", "quarter", "email"],
        },
        "people": [
            ("samir.haddad@example.org", "Samir Haddad", Role.CHAIR, "de", True),
            ("rania.khalil@example.org", "Rania Khalil", Role.SECRETARY, "de", False),
        ],
    },
    {
        "state": OrganisationState.ACTIVE,
        "confirmed_days_ago": 120,
        "fields": {
            "name": "Unione Sportiva Italiana Haspe e.V.",
            "short_name": "USI Haspe",
            "legal_form": LegalForm.REGISTERED,
            "register_number": "VR 1893",
            "register_court": "Amtsgericht Hagen",
            "founding_year": 1974,
            "is_charitable": True,
            "focus_areas": ["sport", "youth"],
            "target_groups": "Kinder und Jugendliche, Hobbyfußball",
            "offers": "Fußballtraining für Kinder ab 6 Jahren, Boccia-Gruppe",
            "languages": ["it", "de"],
            "description": "Fußball und Boccia in Haspe, offen für alle.",
            "district": District.HASPE,
            "quarter": "Haspe-Zentrum",
            "meeting_times": "Di und Do 17–19 Uhr",
            "contact_role": "Jugendleitung",
            "email": "jugend@usi-haspe.example.org",
            "member_count": MemberCount.MORE,
            "public_fields": ["description", "focus_areas", "offers", "languages", "meeting_times", "email"],
        },
        "people": [
            ("giulia.romano@example.org", "Giulia Romano", Role.CHAIR, "de", True),
            ("marco.esposito@example.org", "Marco Esposito", Role.TREASURER, "de", False),
        ],
    },
    {
        "state": OrganisationState.DORMANT,
        "confirmed_days_ago": 900,
        "fields": {
            "name": "Hellenischer Kulturverein Hohenlimburg e.V.",
            "short_name": "HKV",
            "legal_form": LegalForm.REGISTERED,
            "register_number": "VR 1207",
            "register_court": "Amtsgericht Hagen",
            "founding_year": 1968,
            "focus_areas": ["culture", "seniors"],
            "target_groups": "Seniorinnen und Senioren",
            "languages": ["el", "de"],
            "description": "Griechische Tanz- und Musikabende; derzeit ruht der Vereinsbetrieb.",
            "district": District.HOHENLIMBURG,
            "quarter": "Elsey",
            "contact_role": "Vorsitz",
            "email": "hkv-hohenlimburg@example.org",
            "phone": "02334 12 34 57",
            "member_count": MemberCount.UP_TO_30,
        },
        "people": [("nikos.papadopoulos@example.org", "Nikos Papadopoulos", Role.CHAIR, "de", True)],
    },
    {
        "state": OrganisationState.AWAITING_VERIFICATION,
        "confirmed_days_ago": None,
        "fields": {
            "name": "Polska Wspólnota – Ortsgruppe Hagen",
            "short_name": "PW Hagen",
            "legal_form": LegalForm.BRANCH,
            "focus_areas": ["culture", "counselling"],
            "target_groups": "Polnischsprachige Familien",
            "languages": ["pl", "de"],
            "district": District.EILPE_DAHL,
            "quarter": "Eilpe",
            "contact_role": "Ortsgruppenleitung",
            "email": "hagen@polska-wspolnota.example.org",
            "member_count": MemberCount.UP_TO_30,
        },
        "people": [
            ("katarzyna.nowak@example.org", "Katarzyna Nowak", Role.CHAIR, "de", True),
            ("tomasz.wojcik@example.org", "Tomasz Wójcik", Role.MEMBER, "de", False),
        ],
    },
    {
        "state": OrganisationState.AWAITING_VERIFICATION,
        "confirmed_days_ago": None,
        "fields": {
            "name": "Rumänischer Elternverein Boele e.V.",
            "short_name": "REB",
            "legal_form": LegalForm.REGISTERED,
            "register_number": "VR 3120",
            "register_court": "Amtsgericht Hagen",
            "founding_year": 2023,
            "focus_areas": ["parents", "education"],
            "target_groups": "Rumänischsprachige Eltern",
            "languages": ["ro", "de"],
            "district": District.NORD,
            "quarter": "Boele",
            "contact_role": "Vorsitz",
            "email": "vorstand@reb-hagen.example.org",
            "member_count": MemberCount.UP_TO_10,
        },
        "people": [("ioana.popescu@example.org", "Ioana Popescu", Role.CHAIR, "de", True)],
    },
    {
        "state": OrganisationState.FOUNDING,
        "confirmed_days_ago": None,
        "fields": {
            "name": "Frauen-Initiative Sonnenblume Haspe",
            "short_name": "Sonnenblume",
            "legal_form": LegalForm.FOUNDING,
            "focus_areas": ["women", "counselling", "anti-discrimination"],
            "target_groups": "Frauen mit Fluchtgeschichte",
            "languages": ["ku", "ar", "fa", "de"],
            "description": "Eine Gruppe von Frauen, die einen Verein gründen möchte: Austausch, Beratung, "
            "gemeinsame Ausflüge.",
            "district": District.HASPE,
            "quarter": "Westerbauer",
            "contact_role": "Sprecherin",
            "email": "sonnenblume-haspe@example.org",
        },
        "people": [
            ("dilan.aydin@example.org", "Dilan Aydın", Role.CHAIR, "de", True),
            ("mariam.rahimi@example.org", "Mariam Rahimi", Role.BOARD_MEMBER, "de", False),
        ],
    },
    {
        "state": OrganisationState.DECLINED,
        "confirmed_days_ago": None,
        "verification_note": "Das Sprachcafé Polyglott ist ein gewerblicher Sprachkursanbieter und keine "
        "Migrantenselbstorganisation. Für Kooperationen mit Vereinen sprechen Sie uns gern direkt an.",
        "fields": {
            "name": "Sprachcafé Polyglott",
            "legal_form": LegalForm.GROUP,
            "focus_areas": ["education"],
            "languages": ["en", "es", "ru"],
            "district": District.MITTE,
            "contact_role": "Geschäftsführung",
            "email": "info@polyglott.example.com",
        },
        "people": [("lena.brandt@example.com", "Lena Brandt", Role.CHAIR, "de", False)],
    },
]

# A person with two organisations sees the switcher: the USI chair is also a member of "Brücke".
EXTRA_MEMBERSHIPS = [("giulia.romano@example.org", "Elternverein Brücke Wehringhausen e.V.", Role.MEMBER)]


class Command(BaseCommand):
    help = (
        "Load fictional Hagen demo data (organisations, people, KI contact data, programmes, training topics and "
        "requests). Safe to run repeatedly."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            advisor = self.person(ADVISOR["email"], ADVISOR["name"], is_staff=True, is_superuser=True)
            if not KIOffice.objects.exists():
                KIOffice.objects.create(**KI_OFFICE)
            logins = [(advisor.email, "KI advisor (staff, admin)")]
            for spec in ORGANISATIONS:
                organisation, shown = self.organisation(spec, advisor)
                for email, role in shown:
                    logins.append((email, f"{role.label}, {organisation.name} ({organisation.state})"))
            for email, organisation_name, role in EXTRA_MEMBERSHIPS:
                Membership.objects.get_or_create(
                    user=User.objects.get(email=email),
                    organisation=Organisation.objects.get(name=organisation_name),
                    defaults={"role": role},
                )
            applications_demo.load(advisor)
        self.report(logins)

    def person(self, email, name, *, language="de", is_staff=False, is_superuser=False):
        """The user with a verified primary address (allauth lets nobody else log in)."""
        user, created = User.objects.get_or_create(
            email=email,
            defaults={"name": name, "preferred_language": language, "is_staff": is_staff, "is_superuser": is_superuser},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        return user

    def organisation(self, spec, advisor):
        """Create the organisation with its state and history once; add missing people on every run."""
        now = timezone.now()
        people = [
            (self.person(email, name, language=language), role, shown)
            for email, name, role, language, shown in spec["people"]
        ]
        board = people[0][0]
        fields = dict(spec["fields"])
        if spec["confirmed_days_ago"] is not None:
            fields["profile_confirmed_at"] = now - timedelta(days=spec["confirmed_days_ago"])
        if fields.get("public_fields"):
            fields["publication_consent_at"] = now - timedelta(days=400)
        if spec["state"] in (OrganisationState.ACTIVE, OrganisationState.DORMANT):
            fields["verified_at"] = now - timedelta(days=500)
        fields["verification_note"] = spec.get("verification_note", "")
        organisation, created = Organisation.objects.get_or_create(
            name=fields.pop("name"), defaults={"state": spec["state"], **fields}
        )
        for user, role, _shown in people:
            Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": role})
        if created:
            self.history(organisation, spec, board=board, advisor=advisor)
        return organisation, [(user.email, role) for user, role, shown in people if shown]

    def history(self, organisation, spec, *, board, advisor):
        """The log rows the services would have written, so the advisor's pages show a plausible past."""
        state = spec["state"]
        founding = state == OrganisationState.FOUNDING
        first = OrganisationState.FOUNDING if founding else OrganisationState.AWAITING_VERIFICATION
        log_transition(subject=organisation, actor=board, transition="register", source="", target=first)
        if state in (OrganisationState.ACTIVE, OrganisationState.DORMANT):
            log_transition(subject=organisation, actor=advisor, transition="verify", source=first,
                           target=OrganisationState.ACTIVE)  # fmt: skip
        if state == OrganisationState.DORMANT:
            log_transition(subject=organisation, actor=advisor, transition="make_dormant",
                           source=OrganisationState.ACTIVE, target=state)  # fmt: skip
        if state == OrganisationState.DECLINED:
            log_transition(subject=organisation, actor=advisor, transition="decline", source=first, target=state,
                           message=organisation.verification_note)  # fmt: skip
        for field_name, old, new in spec.get("history", []):
            ProfileChange.objects.create(
                organisation=organisation, actor=board, field_name=field_name, old_value=old, new_value=new
            )
        if "invitation" in spec:
            email, role = spec["invitation"]
            Invitation.objects.get_or_create(
                organisation=organisation,
                email=email,
                defaults={"role": role, "invited_by": board, "expires_at": timezone.now() + INVITATION_VALID_FOR},
            )

    def report(self, logins):
        url = settings.PORTAL_BASE_URL.rstrip("/") + "/"
        width = max(len(email) for email, _ in logins)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"MSO-Portal demo: {url}"))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, description in logins:
            self.stdout.write(f"  {email.ljust(width)}  {description}")
        if not settings.MFA_REQUIRED_FOR_STAFF:
            self.stdout.write(
                "The demo advisor may skip two-factor authentication in this embedded mode "
                "(MFA_REQUIRED_FOR_STAFF is off); production requires TOTP for advisors."
            )
        self.stdout.write("")
