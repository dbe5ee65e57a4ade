"""Demo funding programmes (DESIGN §3), the training catalogue (DESIGN §5) and a few requests in different
states, created through the real services. Called by `manage.py load_demo_data`; idempotent: programmes and
topics are keyed on their names, and an organisation gets demo requests only while it has none."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import BOARD_ROLES, DocumentKind, Organisation
from accounts.services.documents import document_upload
from workflows.services import comment_add
from workflows.services import funding as f
from workflows.services import training as t

from .models import CostLine, FinancingType, FundingRequest, IncomeKind, IncomeLine, Programme, TrainingTopic

TODAY = timezone.localdate
# A one-page PDF that says it is a demo document.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj "
    b"4 0 obj<</Length 44>>stream\nBT /F1 24 Tf 72 760 Td (Demo-Dokument) Tj ET\nendstream endobj "
    b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _programmes():
    today = TODAY()
    open_call = {"call_opens": today - timedelta(days=60), "call_closes": today + timedelta(days=120)}
    closed_call = {"call_opens": today - timedelta(days=240), "call_closes": today - timedelta(days=30)}
    return [
        {"name": "Landesförderung MSO – Anschubförderung", "financing_type": FinancingType.FULL,
         "max_amount": Decimal("6000"), "yearly_budget": Decimal("30000"),
         "required_documents": [DocumentKind.STATUTES, DocumentKind.REGISTER_EXTRACT],
         "description": "Für Vereine, die seit höchstens fünf Jahren eingetragen sind.", **open_call},
        {"name": "Landesförderung MSO – Einzelprojekt", "financing_type": FinancingType.SHARE,
         "max_amount": Decimal("15000"), "max_rate": Decimal("80"), "min_own_share_rate": Decimal("20"),
         "volunteer_cap_rate": Decimal("15"), "yearly_budget": Decimal("60000"),
         "required_documents": [DocumentKind.STATUTES], **open_call},
        {"name": "Integrationsrat – Kleinförderung", "financing_type": FinancingType.FIXED,
         "max_amount": Decimal("500"), "yearly_budget": Decimal("5000"), "short_form": True,
         "description": "Bis zu 500 € je Aktivität: Kostenaufstellung und kurzes Konzept genügen.", **open_call},
        {"name": "KOMM-AN NRW", "financing_type": FinancingType.DEFICIT, "yearly_budget": Decimal("40000"),
         "description": "Jährlicher Aufruf des KI: Treffpunkte, Begleitung, Information, Qualifizierung.", **closed_call},
        {"name": "2.000 × 1.000 € für das Engagement", "financing_type": FinancingType.FIXED,
         "max_amount": Decimal("1000"), "yearly_budget": Decimal("10000"), "short_form": True, **closed_call},
    ]  # fmt: skip


TOPICS = [
    ("Vereinsrecht und Satzung", "Association law and statutes"),
    ("Gemeinnützigkeit, Steuern und Spendenquittungen", "Charitable status, tax and donation receipts"),
    ("Finanzen und Buchführung", "Finances and bookkeeping"),
    ("Fördermittel und Projektanträge", "Funding acquisition and project applications"),
    ("Öffentlichkeitsarbeit und Social Media", "Public relations and social media"),
    ("Datenschutz", "Data protection"),
    ("Fundraising und Sponsoring", "Fundraising and sponsoring"),
    ("Mitgliedergewinnung", "Member recruitment"),
    ("Vernetzung", "Networking"),
    ("Antidiskriminierung", "Anti-discrimination"),
    ("Anerkennung als Träger der freien Jugendhilfe", "Recognition as youth welfare provider"),
]

# (organisation, programme, title, costs, requested, how far it gets)
REQUESTS = [
    ("Elternverein Brücke Wehringhausen e.V.", "Landesförderung MSO – Einzelprojekt", "Sommerfest der Kulturen",
     Decimal("5000"), Decimal("4000"), "approved"),
    ("Arabisches Kultur- und Bildungszentrum Hagen e.V.", "Landesförderung MSO – Anschubförderung",
     "Hausaufgabenhilfe am Nachmittag", Decimal("4800"), Decimal("4800"), "submitted"),
    ("Unione Sportiva Italiana Haspe e.V.", "Integrationsrat – Kleinförderung", "Fußballturnier ohne Grenzen",
     Decimal("450"), Decimal("450"), "changes_requested"),
    ("Ukrainischer Treffpunkt Vorhalle", "Integrationsrat – Kleinförderung", "Deutsch-ukrainischer Leseabend",
     Decimal("380"), Decimal("380"), "shared"),
]  # fmt: skip


def load(advisor):
    programmes = {}
    for spec in _programmes():
        programme, _created = Programme.objects.get_or_create(name=spec.pop("name"), defaults=spec)
        programmes[programme.name] = programme
    topics = [TrainingTopic.objects.get_or_create(name_de=de, defaults={"name_en": en})[0] for de, en in TOPICS]
    for org_name, programme_name, title, costs, requested, stage in REQUESTS:
        organisation = Organisation.objects.filter(name=org_name).first()
        if organisation is None or organisation.funding_requests.exists():
            continue
        board = organisation.memberships.filter(role__in=BOARD_ROLES).select_related("user").first().user
        _request(organisation, programmes[programme_name], title, costs, requested, stage, board, advisor)
    for org_name, topic, participants in [
        ("Elternverein Brücke Wehringhausen e.V.", topics[4], 6),
        ("Arabisches Kultur- und Bildungszentrum Hagen e.V.", topics[4], 4),
        ("Unione Sportiva Italiana Haspe e.V.", topics[6], 3),
    ]:
        organisation = Organisation.objects.filter(name=org_name).first()
        if organisation is None or organisation.training_requests.exists():
            continue
        board = organisation.memberships.filter(role__in=BOARD_ROLES).select_related("user").first().user
        t.training_request_create(organisation=organisation, actor=board, data={
            "topic": topic, "format": "in_person", "language": "de", "time_windows": "werktags ab 18 Uhr",
            "expected_participants": participants})  # fmt: skip


def _request(organisation, programme, title, costs, requested, stage, board, advisor):
    request = f.funding_request_create(organisation=organisation, programme=programme, actor=board, title=title)
    FundingRequest.objects.filter(pk=request.pk).update(
        goals="Begegnung und Austausch zwischen Familien aus dem Stadtteil.", target_groups="Familien, Jugendliche",
        expected_participants=60, place="Hagen", starts_on=TODAY() + timedelta(days=60),
        ends_on=TODAY() + timedelta(days=61), requested_amount=requested, not_started=True, information_true=True,
    )  # fmt: skip
    CostLine.objects.create(request=request, category="rent", description="Raummiete und Technik", amount=costs)
    if costs > requested:
        IncomeLine.objects.create(request=request, kind=IncomeKind.OWN_FUNDS, description="Mitgliedsbeiträge",
                                  amount=costs - requested)  # fmt: skip
    for kind in programme.required_documents:
        if not organisation.documents.filter(kind=kind, replaced_by__isnull=True).exists():
            document_upload(organisation=organisation, actor=board, kind=kind,
                            uploaded_file=ContentFile(DEMO_PDF, name=f"{kind}.pdf"))  # fmt: skip
    request.attachments.set(organisation.documents.filter(replaced_by__isnull=True))
    request = FundingRequest.objects.get(pk=request.pk)
    if stage == "shared":
        f.funding_request_share_for_advice(request=request, actor=board)
        comment_add(subject=request, author=advisor, body="Bitte nennen Sie noch den genauen Ort.")
        return
    f.funding_request_submit(request=request, actor=board)
    if stage == "submitted":
        return
    f.funding_request_start_review(request=request, actor=advisor)
    if stage == "changes_requested":
        f.funding_request_request_changes(request=request, actor=advisor,
                                          message="Bitte schlüsseln Sie die Kosten genauer auf.")  # fmt: skip
        return
    comment_add(subject=request, author=advisor, body="Bekannter Träger, solide Planung.", internal=True)
    f.funding_request_approve(request=request, actor=advisor, amount=requested - Decimal("500"),
                              conditions="Logo des Landes NRW auf allen Einladungen.")  # fmt: skip
