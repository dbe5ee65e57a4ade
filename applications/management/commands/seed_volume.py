"""`manage.py seed_volume --orgs N --requests M`: fictional volume data for measurements (query counts, page
times, list lengths), never for production.

Creates N active organisations, each with a chair and a plain member, two KI advisors, two programmes, M funding
requests spread over every state, some comments (public and internal) and training requests. States are reached
through the real services as the right people (board, advisor), so every request has a consistent transition
log; only what no rule guards is bulk-created (people, organisations and their memberships). Afterwards the
timestamps are spread over the past year, in the order the log rows were written, so queues and histories look
lived-in. Nobody is e-mailed: the effects the services register for after the commit are dropped.

Every run adds new data; e-mail addresses carry a random run tag so runs never collide. Password of all seeded
people: see SEED_PASSWORD.
"""

import math
import random
import secrets
import time
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import District, LegalForm, Membership, Organisation, OrganisationState, Role, User
from applications.models import (
    MAX_AMOUNT,
    CostCategory,
    FinancingType,
    FundingRequest,
    FundingState,
    IncomeKind,
    Programme,
    TrainingFormat,
    TrainingRequest,
    TrainingTopic,
)
from workflows.models import Comment, TransitionLog
from workflows.services import comment_add
from workflows.services import funding as f
from workflows.services import training as t

S = FundingState
SEED_PASSWORD = "mso-seed-volume"
CENT = Decimal("0.01")

# How often each state occurs beyond the first eleven requests (which take one state each).
STATE_WEIGHTS = {S.DRAFT: 12, S.SUBMITTED: 10, S.IN_REVIEW: 10, S.CHANGES_REQUESTED: 6, S.APPROVED: 8, S.REJECTED: 6,
                 S.WITHDRAWN: 4, S.IN_PROGRESS: 10, S.REPORT_DUE: 8, S.REPORT_SUBMITTED: 6, S.CLOSED: 20}  # fmt: skip
DECIDED_BY_APPROVAL = {S.APPROVED, S.IN_PROGRESS, S.REPORT_DUE, S.REPORT_SUBMITTED, S.CLOSED}

PREFIXES = ["Kulturverein", "Elternverein", "Frauenverein", "Jugendtreff", "Sportverein", "Bildungswerk",
            "Nachbarschaftsverein", "Gemeinde", "Freundeskreis", "Begegnungszentrum"]  # fmt: skip
ORIGINS = ["Türkisch", "Ukrainisch", "Italienisch", "Arabisch", "Griechisch", "Polnisch", "Kurdisch", "Syrisch",
           "Rumänisch", "Bulgarisch", "Eritreisch", "Afghanisch", "Bosnisch", "Ghanaisch", "Marokkanisch"]  # fmt: skip
QUARTERS = ["Wehringhausen", "Altenhagen", "Vorhalle", "Boele", "Haspe-Zentrum", "Eilpe", "Emst", "Elsey",
            "Eckesey", "Oberhagen"]  # fmt: skip
FIRST_NAMES = ["Ayşe", "Mehmet", "Olena", "Andrii", "Giulia", "Marco", "Samir", "Rania", "Nikos", "Katarzyna",
               "Ioana", "Dilan", "Mariam", "Yusuf", "Elif", "Tomasz", "Amina", "Kwame", "Lejla", "Hamid"]  # fmt: skip
LAST_NAMES = ["Yılmaz", "Kaya", "Kovalenko", "Bondar", "Romano", "Esposito", "Haddad", "Khalil", "Papadopoulos",
              "Nowak", "Popescu", "Aydın", "Rahimi", "Arslan", "Demir", "Wójcik", "Mensah", "Hodžić", "Ahmadi"]  # fmt: skip
PROJECTS = ["Sommerfest der Kulturen", "Hausaufgabenhilfe am Nachmittag", "Elterncafé im Stadtteil",
            "Fußballturnier ohne Grenzen", "Lesepaten für Grundschulkinder", "Nähwerkstatt für Frauen",
            "Interkulturelles Kochbuch", "Beratung zu Behördenpost", "Theaterprojekt mit Jugendlichen",
            "Ausflug in den Sauerlandpark", "Vortragsreihe Gesundheit", "Digitale Sprechstunde"]  # fmt: skip
DEFAULT_TOPICS = [("Vereinsrecht und Satzung", "Association law and statutes"),
                  ("Finanzen und Buchführung", "Finances and bookkeeping"),
                  ("Fördermittel und Projektanträge", "Funding acquisition and project applications"),
                  ("Öffentlichkeitsarbeit und Social Media", "Public relations and social media"),
                  ("Datenschutz", "Data protection")]  # fmt: skip


@contextmanager
def effects_dropped():
    """One transaction for the whole run, whose after-commit effects (e-mails about each fictional state change)
    are dropped before it commits. Django keeps them in `connection.run_on_commit`; its own test helper
    (captureOnCommitCallbacks) reads the same list."""
    with transaction.atomic():
        connection = transaction.get_connection()
        already_queued = len(connection.run_on_commit)
        yield
        del connection.run_on_commit[already_queued:]


class Command(BaseCommand):
    help = "Add fictional organisations, funding and training requests in all states, for measurements."

    def add_arguments(self, parser):
        parser.add_argument("--orgs", type=int, default=50, help="organisations to create (default 50)")
        parser.add_argument("--requests", type=int, default=200, help="funding requests to create (default 200)")
        parser.add_argument("--seed", type=int, default=None, help="random seed, to repeat a run's shape")

    def handle(self, *args, orgs, requests, seed, **options):
        if orgs < 1 or requests < 0:
            raise CommandError("--orgs must be at least 1 and --requests at least 0.")
        started = time.monotonic()
        self.rng = random.Random(seed)
        self.tag = secrets.token_hex(3)
        self.now = timezone.now()
        with effects_dropped():
            self.people_and_organisations(orgs)
            self.programmes_for(self.plans(requests))
            funding_requests = [self.funding_request(plan) for plan in self.planned]
            self.comments(funding_requests)
            self.training_requests(max(3, orgs // 2))
            self.spread_timestamps(funding_requests)
        self.report(funding_requests, time.monotonic() - started)

    # --- people ----------------------------------------------------------------------------------------------
    def people_and_organisations(self, count):
        """Bulk-created: no rule guards them. Organisations start active, with the log rows registration and
        verification would have written (as load_demo_data does)."""
        password = make_password(SEED_PASSWORD)  # hashed once: hashing per person would dominate the run
        rng = self.rng
        advisors = [User(email=f"beratung{i}.{self.tag}@ki-hagen.example", name=f"{rng.choice(FIRST_NAMES)} "
                         f"{rng.choice(LAST_NAMES)} (KI)", is_staff=True, password=password) for i in (1, 2)]  # fmt: skip
        organisations, people = [], []
        for i in range(1, count + 1):
            origin, prefix = rng.choice(ORIGINS), rng.choice(PREFIXES)
            organisations.append(Organisation(
                name=f"{origin}er {prefix} Hagen {i} e.V. ({self.tag})", short_name=f"{origin[:3].upper()}{i}",
                legal_form=LegalForm.REGISTERED, register_number=f"VR {rng.randint(1000, 9999)}",
                register_court="Amtsgericht Hagen", founding_year=rng.randint(1965, 2023),
                is_charitable=rng.random() < 0.7, district=rng.choice(District.values), quarter=rng.choice(QUARTERS),
                state=OrganisationState.ACTIVE, email=f"kontakt{i}.{self.tag}@verein.example.org",
                focus_areas=rng.sample(["culture", "education", "youth", "women", "parents", "sport"], 2),
                verified_at=self.now, profile_confirmed_at=self.now,
            ))  # fmt: skip
            for role, local in ((Role.CHAIR, "vorsitz"), (Role.MEMBER, "mitglied")):
                people.append((i - 1, role, User(email=f"{local}{i}.{self.tag}@verein.example.org", password=password,
                                                  name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}")))  # fmt: skip
        self.advisors = User.objects.bulk_create(advisors)
        self.organisations = Organisation.objects.bulk_create(organisations)
        users = User.objects.bulk_create([user for _index, _role, user in people])
        EmailAddress.objects.bulk_create(EmailAddress(user=user, email=user.email, verified=True, primary=True)
                                         for user in [*self.advisors, *users])  # fmt: skip
        Membership.objects.bulk_create(Membership(user=user, organisation=self.organisations[index], role=role)
                                       for index, role, user in people)  # fmt: skip
        self.board = {self.organisations[index].pk: user for index, role, user in people if role == Role.CHAIR}
        self.member = {self.organisations[index].pk: user for index, role, user in people if role == Role.MEMBER}
        organisation_type = ContentType.objects.get_for_model(Organisation)
        TransitionLog.objects.bulk_create(
            row
            for organisation in self.organisations
            for row in (
                TransitionLog(content_type=organisation_type, object_id=organisation.pk, transition="register",
                              actor=self.board[organisation.pk], source="",
                              target=OrganisationState.AWAITING_VERIFICATION),
                TransitionLog(content_type=organisation_type, object_id=organisation.pk, transition="verify",
                              actor=self.advisors[0], source=OrganisationState.AWAITING_VERIFICATION,
                              target=OrganisationState.ACTIVE),
            )
        )  # fmt: skip

    # --- programmes and the plan of each request -----------------------------------------------------------------
    def plans(self, count):
        """Decide each request's target state, programme and finance plan first, so the budgets can fit."""
        states = list(S)[:count] + self.rng.choices(list(STATE_WEIGHTS), weights=STATE_WEIGHTS.values(),
                                                    k=max(0, count - len(S)))  # fmt: skip
        self.rng.shuffle(states)
        self.planned = []
        for state in states:
            small = self.rng.random() < 0.35
            if small:  # micro-funding: a few hundred euros, fully funded
                costs = Decimal(self.rng.randrange(150, 500, 10))
                requested = costs
            else:  # share financing: 55–78 % of 1,000–15,000 € costs
                costs = Decimal(self.rng.randrange(1000, 15000, 50))
                requested = min((costs * Decimal(self.rng.randint(55, 78)) / 100).quantize(CENT), Decimal("12000"))
            self.planned.append({"state": state, "small": small, "costs": costs, "requested": requested,
                                 "organisation": self.rng.choice(self.organisations)})  # fmt: skip
        return self.planned

    def programmes_for(self, plans):
        today = timezone.localdate()
        need = {small: sum((p["requested"] for p in plans if p["small"] == small and p["state"] in DECIDED_BY_APPROVAL),
                           Decimal(0)) for small in (False, True)}  # fmt: skip
        window = {"call_opens": today - timedelta(days=365), "call_closes": today + timedelta(days=180)}

        def budget(default, needed):
            return min(MAX_AMOUNT, max(default, Decimal(math.ceil(needed * Decimal("1.2") / 1000) * 1000)))

        self.programme = {
            False: Programme.objects.create(
                name=f"Landesförderung MSO – Einzelprojekt (Messdaten {self.tag})", financing_type=FinancingType.SHARE,
                max_amount=Decimal("15000"), max_rate=Decimal("80"), min_own_share_rate=Decimal("20"),
                volunteer_cap_rate=Decimal("15"), yearly_budget=budget(Decimal("60000"), need[False]), **window),
            True: Programme.objects.create(
                name=f"Integrationsrat – Kleinförderung (Messdaten {self.tag})", financing_type=FinancingType.FIXED,
                max_amount=Decimal("500"), short_form=True, yearly_budget=budget(Decimal("5000"), need[True]),
                description="Bis zu 500 € je Aktivität.", **window),
        }  # fmt: skip

    # --- one funding request, through the services -------------------------------------------------------------
    def funding_request(self, plan):
        rng, organisation = self.rng, plan["organisation"]
        board, member = self.board[organisation.pk], self.member[organisation.pk]
        advisor = rng.choice(self.advisors)
        drafter = rng.choice([board, member])
        request = f.funding_request_create(organisation=organisation, programme=self.programme[plan["small"]],
                                           actor=drafter, title=rng.choice(PROJECTS))  # fmt: skip
        target = plan["state"]
        if target == S.DRAFT and rng.random() < 0.4:  # a draft just begun: title only
            return request
        starts_on = timezone.localdate() + timedelta(days=rng.randint(-200, 120))
        request = f.funding_request_update(request=request, actor=drafter, based_on_version=request.version, data={
            "goals": "Begegnung und Austausch im Stadtteil", "target_groups": "Familien, Jugendliche",
            "expected_participants": rng.randint(10, 200), "place": f"Gemeindesaal {rng.choice(QUARTERS)}",
            "starts_on": starts_on, "ends_on": starts_on + timedelta(days=rng.randint(1, 90)),
            "not_started": True, "information_true": True,
        })  # fmt: skip
        request = f.funding_request_set_finance_plan(request=request, actor=drafter, based_on_version=request.version,
                                                     requested_amount=plan["requested"], **self.finance_lines(plan))  # fmt: skip
        if target == S.DRAFT:
            if rng.random() < 0.5:
                f.funding_request_share_for_advice(request=request, actor=drafter)
            return request
        if target == S.WITHDRAWN:
            stop_at = rng.choice([S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED])
            self.review(request, board, advisor, until=stop_at)
            f.funding_request_withdraw(request=request, actor=board, reason="Der Termin lässt sich nicht halten.")
            return request
        self.review(request, board, advisor, until=target if target in (S.SUBMITTED, S.IN_REVIEW,
                                                                        S.CHANGES_REQUESTED) else S.IN_REVIEW)  # fmt: skip
        if target in (S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED):
            return request
        if target == S.REJECTED or not self.approve(request, advisor):
            f.funding_request_reject(request=request, actor=advisor, reason="Das Vorhaben passt nicht zu den "
                                                                            "Zielen des Programms.")  # fmt: skip
            return request
        if target == S.APPROVED:
            return request
        f.funding_request_start_project(request=request, actor=board)
        if target == S.IN_PROGRESS:
            return request
        f.funding_request_mark_report_due(request=request, actor=advisor)
        if target == S.REPORT_DUE:
            return request
        self.usage_report(request, board)
        if rng.random() < 0.3:
            f.funding_request_request_report_corrections(request=request, actor=advisor,
                                                         message="Bitte reichen Sie die Belege zur Saalmiete nach.")  # fmt: skip
            self.usage_report(request, board)
        if target == S.CLOSED:
            f.funding_request_accept_report(request=request, actor=advisor)
        return request

    def finance_lines(self, plan):
        costs, requested = plan["costs"], plan["requested"]
        categories = self.rng.sample(list(CostCategory.values), self.rng.randint(1, 4))
        shares = [Decimal(self.rng.randint(1, 10)) for _category in categories]
        amounts = [(costs * share / sum(shares)).quantize(CENT) for share in shares]
        amounts[-1] += costs - sum(amounts)  # the cents lost to rounding
        own = costs - requested
        volunteer = min((costs * Decimal("0.10")).quantize(CENT), (own / 2).quantize(CENT)) if own else Decimal(0)
        incomes = [(IncomeKind.VOLUNTEER_WORK, "Ehrenamtliche Stunden", volunteer)] if volunteer else []
        if own - volunteer:
            incomes.append((IncomeKind.OWN_FUNDS, "Mitgliedsbeiträge", own - volunteer))
        return {"costs": [(c, "Laut Angebot", a) for c, a in zip(categories, amounts)], "incomes": incomes}

    def review(self, request, board, advisor, *, until):
        """Submit and review up to `until` (submitted, in review or changes requested), sometimes via a round
        of changes."""
        if until == S.DRAFT:
            return
        f.funding_request_submit(request=request, actor=board)
        if self.rng.random() < 0.6:
            f.funding_request_assign(request=request, actor=advisor, assignee=advisor)
        if until == S.SUBMITTED:
            return
        f.funding_request_start_review(request=request, actor=advisor)
        if until == S.CHANGES_REQUESTED or self.rng.random() < 0.25:
            f.funding_request_request_changes(request=request, actor=advisor,
                                              message="Bitte erläutern Sie die Honorarkosten genauer.")  # fmt: skip
            if until != S.CHANGES_REQUESTED:
                f.funding_request_resubmit(request=request, actor=board, message="Erläuterung ergänzt.")

    def approve(self, request, advisor):
        """Approve the request (sometimes partly) within what is left of the budget; False if nothing is left."""
        programme = request.programme
        remaining = programme.yearly_budget - f.committed_budget(programme)
        amount = request.requested_amount
        if self.rng.random() < 0.3:
            amount = (amount * Decimal("0.85")).quantize(Decimal("1"))
        amount = min(amount, remaining)
        if amount <= 0:
            return False
        f.funding_request_approve(request=request, actor=advisor, amount=amount,
                                  conditions="Das Logo des Landes ist auf allen Materialien zu zeigen.")  # fmt: skip
        return True

    def usage_report(self, request, board):
        spent = (request.requested_amount * Decimal("1.1")).quantize(CENT)
        f.usage_report_save(request=request, actor=board, narrative="Das Projekt fand wie geplant statt; "
                            f"es kamen {self.rng.randint(10, 200)} Personen.", actual_costs={"rent": spent},
                            actual_income={"own_funds": spent - request.requested_amount},
                            receipts=[(timezone.localdate(), "Saalvermietung Hagen", "Saalmiete", spent)])  # fmt: skip
        f.funding_request_submit_report(request=request, actor=board)

    # --- comments and trainings ------------------------------------------------------------------------------------
    def comments(self, funding_requests):
        for request in funding_requests:
            if (request.state == S.DRAFT and not request.shared_for_advice_at) or self.rng.random() < 0.5:
                continue
            advisor = self.rng.choice(self.advisors)
            comment_add(subject=request, author=advisor, body="Danke für den Antrag. Ist der Saal schon reserviert?")
            comment_add(subject=request, author=self.board[request.organisation_id], body="Ja, die Zusage liegt vor.")
            if self.rng.random() < 0.4:
                comment_add(subject=request, author=advisor, body="Verein ist zuverlässig; Vorjahresnachweis ok.",
                            internal=True)  # fmt: skip

    def training_requests(self, count):
        topics = list(TrainingTopic.objects.filter(is_active=True))
        if not topics:
            topics = [TrainingTopic.objects.create(name_de=de, name_en=en) for de, en in DEFAULT_TOPICS]
        created = []
        for _i in range(count):
            organisation = self.rng.choice(self.organisations)
            created.append(t.training_request_create(organisation=organisation, actor=self.member[organisation.pk], data={
                "topic": self.rng.choice(topics[:3]), "format": self.rng.choice(TrainingFormat.values),
                "time_windows": "abends ab 18 Uhr", "expected_participants": self.rng.randint(2, 12),
                "notes": "Gern auch auf Türkisch oder Arabisch.",
            }))  # fmt: skip
        # The advisor bundles the demand of the most requested topic into a session and announces it; one
        # request is declined and one withdrawn, the rest stay open.
        by_topic = Counter(request.topic for request in created)
        topic, _count = by_topic.most_common(1)[0]
        bundled = [request for request in created if request.topic == topic][:8]
        others = [request for request in created if request not in bundled]
        session = t.training_session_create(actor=self.advisors[0], topic=topic, requests=bundled,
                                            starts_at=self.now + timedelta(days=30), place="Rathaus Hagen, Raum 101",
                                            capacity=20, language="de", trainer="Referentin der Ehrenamtsagentur")  # fmt: skip
        t.training_session_schedule(session=session, actor=self.advisors[0])
        if others:
            t.training_request_decline(training_request=others[0], actor=self.advisors[0],
                                       reason="Dieses Thema bieten wir im nächsten Halbjahr an.")  # fmt: skip
        if len(others) > 1:
            t.training_request_withdraw(training_request=others[1], actor=self.board[others[1].organisation_id],
                                        reason="Wir haben intern eine Lösung gefunden.")  # fmt: skip
        self.training = TrainingRequest.objects.filter(pk__in=[request.pk for request in created])

    # --- timestamps --------------------------------------------------------------------------------------------------
    def spread_timestamps(self, funding_requests):
        """Move each request's history into the past (up to a year, later states older), keeping its order."""
        request_type = ContentType.objects.get_for_model(FundingRequest)
        rows_by_request = {}
        for row in TransitionLog.objects.filter(content_type=request_type,
                                                object_id__in=[r.pk for r in funding_requests]).order_by("pk"):  # fmt: skip
            rows_by_request.setdefault(row.object_id, []).append(row)
        order = list(S)
        changed_requests, changed_rows = [], []
        for request in FundingRequest.objects.filter(pk__in=[r.pk for r in funding_requests]):
            rows = rows_by_request[request.pk]
            depth = order.index(request.state) / len(order)
            age = timedelta(days=self.rng.uniform(2 + 300 * depth, 30 + 330 * depth))
            start = self.now - age
            step = age * 0.9 / max(1, len(rows))
            for i, row in enumerate(rows):
                row.created_at = start + step * i
                changed_rows.append(row)
                if row.transition == "submit":
                    request.submitted_at = row.created_at
                if row.transition in ("approve", "reject"):
                    request.decided_at = row.created_at
                if row.transition == "share_for_advice":
                    request.shared_for_advice_at = row.created_at
            request.created_at = rows[0].created_at
            request.state_changed_at = rows[-1].created_at
            changed_requests.append(request)
        TransitionLog.objects.bulk_update(changed_rows, ["created_at"], batch_size=500)
        FundingRequest.objects.bulk_update(changed_requests, ["created_at", "state_changed_at", "submitted_at",
                                                              "decided_at", "shared_for_advice_at"], batch_size=500)  # fmt: skip
        comments = list(Comment.objects.filter(content_type=request_type, object_id__in=rows_by_request))
        for i, comment in enumerate(comments):  # in their order, between the request's first log row and now
            first = rows_by_request[comment.object_id][0].created_at
            comment.created_at = first + (self.now - first) * (0.2 + 0.6 * i / len(comments))
        Comment.objects.bulk_update(comments, ["created_at"], batch_size=500)

    # --- output ------------------------------------------------------------------------------------------------------
    def report(self, funding_requests, seconds):
        ids = [r.pk for r in funding_requests]
        states = Counter(FundingRequest.objects.filter(pk__in=ids).values_list("state", flat=True))
        training_states = Counter(self.training.values_list("state", flat=True))
        request_type = ContentType.objects.get_for_model(FundingRequest)
        comments = Comment.objects.filter(content_type=request_type, object_id__in=ids)
        logs = TransitionLog.objects.filter(content_type=request_type, object_id__in=ids).count()
        lines = sum(r.cost_lines.count() + r.income_lines.count() for r in FundingRequest.objects.filter(pk__in=ids)
                    .prefetch_related("cost_lines", "income_lines"))  # fmt: skip
        committed = {p.name: f.committed_budget(p) for p in self.programme.values()}
        write = self.stdout.write
        write(self.style.SUCCESS(f"seed_volume (run {self.tag}) created in {seconds:.1f} s:"))
        write(f"  {len(self.organisations)} organisations with {2 * len(self.organisations)} people "
              f"(a chair and a member each), {len(self.advisors)} KI advisors")
        for programme in self.programme.values():
            write(f"  programme “{programme.name}”: budget {programme.yearly_budget:.2f} €, "
                  f"committed {committed[programme.name]:.2f} €")
        write(f"  {len(ids)} funding requests: " + ", ".join(f"{state} {states.get(state, 0)}" for state in S))
        write(f"  {lines} finance lines, {logs} transition log rows, {comments.count()} comments "
              f"({comments.filter(internal=True).count()} internal)")
        write(f"  {self.training.count()} training requests: "
              + ", ".join(f"{state} {count}" for state, count in sorted(training_states.items())) + ", 1 session")
        write(f"  people log in with the password “{SEED_PASSWORD}”, e.g. {self.board[self.organisations[0].pk].email}")
        write("  no e-mails were sent.")
