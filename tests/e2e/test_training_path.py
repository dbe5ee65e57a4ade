"""Two organisations ask for the same training; the advisor bundles both into one session, in the browser.

Each organisation's board member requests the topic; the advisor sees the demand, plans a session with both
requests and announces it; the organisations register participants (the last one beyond the capacity goes on
the waiting list); after the session the advisor records attendance and marks it as held. Three people, each in
their own browser, take turns; every page visited passes axe.
"""

import re
from datetime import timedelta

from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from applications.models import Participant, TrainingRequest, TrainingSession, TrainingState
from tests.conftest import ADVISOR_TOTP_SECRET
from tests.e2e.helpers import check_a11y, first_url, log_in, start_in_english, wait_for_mail
from tests.factories import AdvisorFactory, MembershipFactory, OrganisationFactory, TrainingTopicFactory
from workflows.models import TransitionLog

PASSWORD = "correct horse battery"  # tests.factories.UserFactory
TOPIC = "Public relations and social media"
TURKISH = "Türkischer Elternverein Hagen e.V."
UKRAINIAN = "Ukrainischer Kulturverein Hagen e.V."


def heading(page, name):
    return page.get_by_role("heading", level=1, name=name)


def see_status(page, text):
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def see_state(page, label):
    expect(page.get_by_role("main")).to_contain_text(f"State: {label}")


def with_hidden_suffix(visible, hidden):
    """The name of a control whose visible text is completed for screen readers by a visually hidden
    ": <hidden>" (Chromium puts a space before the hidden, positioned part)."""
    return re.compile(rf"^{re.escape(visible)}\s*: {re.escape(hidden)}$")


def board_logs_in(page, user, organisation):
    start_in_english(page)
    log_in(page, email=user.email, password=PASSWORD)
    expect(heading(page, organisation)).to_be_visible()


def board_requests_training(page, *, fmt, language, times, participants, notes):
    page.get_by_role("navigation", name="Organisation").get_by_role("link", name="Trainings").click()
    expect(heading(page, "Request a training")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Topic").select_option(label=TOPIC)
    page.get_by_role("group", name="Preferred format").get_by_label(fmt).check()
    page.get_by_label("Preferred language").select_option(label=language)
    page.get_by_label("Suitable times").fill(times)
    page.get_by_label("Expected participants").fill(str(participants))
    page.get_by_label("Notes").fill(notes)
    page.get_by_role("button", name="Send request").click()
    see_status(page, "Your request has been sent to the KI.")
    expect(heading(page, f"Training: {TOPIC}")).to_be_visible()
    see_state(page, "Requested")
    check_a11y(page)


def board_registers(page, *, email, names):
    """From the e-mail announcing the session to the registration of `names`, one by one."""
    page.goto(first_url(wait_for_mail(email, subject_contains="scheduled")))
    expect(heading(page, f"Training: {TOPIC}")).to_be_visible()
    see_state(page, "Scheduled")
    expect(page.get_by_role("region", name="The session")).to_contain_text("Bürgerhaus Hagen-Mitte")
    check_a11y(page)
    page.get_by_role("link", name="Register participants").click()
    expect(heading(page, f"Participants: {TOPIC}")).to_be_visible()
    check_a11y(page)
    for name, waiting in names:
        page.get_by_label("Name of the participant").fill(name)
        page.get_by_role("button", name="Register", exact=True).click()
        if waiting:
            see_status(page, f"The session is full: {name} is on the waiting list.")
        else:
            see_status(page, f"{name} is registered.")
        expect(page.get_by_role("row", name=name)).to_be_visible()
        check_a11y(page)


def advisor_bundles_and_announces(page, advisor):
    start_in_english(page)
    log_in(page, email=advisor.email, password=PASSWORD, totp_secret=ADVISOR_TOTP_SECRET)
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Training demand").click()
    expect(heading(page, "Training demand")).to_be_visible()
    demand = page.get_by_role("region", name=TOPIC, exact=True)
    expect(demand).to_contain_text("2 open requests")
    expect(demand.get_by_role("row", name=TURKISH)).to_be_visible()
    expect(demand.get_by_role("row", name=UKRAINIAN)).to_be_visible()
    check_a11y(page)
    demand.get_by_role("link", name=with_hidden_suffix("Plan a session", TOPIC)).click()
    expect(heading(page, f"Plan a session: {TOPIC}")).to_be_visible()
    check_a11y(page)
    page.get_by_label(f"Bundle the request of {TURKISH}").check()
    page.get_by_label(f"Bundle the request of {UKRAINIAN}").check()
    starts_at = (timezone.localtime() + timedelta(days=14)).replace(hour=18, minute=0)
    page.get_by_label("Date and time").fill(starts_at.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Place").fill("Bürgerhaus Hagen-Mitte, Raum 2")
    page.get_by_label("Capacity").fill("3")
    page.get_by_label("Language", exact=True).select_option(label="German")
    page.get_by_label("Trainer").fill("Miriam Schulte")
    page.get_by_role("button", name="Plan the session").click()
    see_status(page, "The session is planned with 2 requests.")
    expect(heading(page, f"Session: {TOPIC}")).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="Announce session").click()
    see_status(page, "The session is announced.")
    check_a11y(page)


def advisor_records_attendance_and_marks_held(page):
    page.reload()
    confirmed = page.get_by_role("table", name="Confirmed participants and their attendance")
    expect(confirmed.get_by_role("row")).to_have_count(4)  # the header and three people
    expect(page.get_by_role("table", name="Waiting list, in order")).to_contain_text("Taras Bondarenko")
    check_a11y(page)
    page.get_by_label(with_hidden_suffix("attended", "Ayşe Kaya")).check()
    page.get_by_label(with_hidden_suffix("attended", "Olena Shevchenko")).check()
    page.get_by_role("button", name="Record attendance").click()
    see_status(page, "Attendance is recorded.")
    expect(page.get_by_label(with_hidden_suffix("attended", "Ayşe Kaya"))).to_be_checked()
    expect(page.get_by_label(with_hidden_suffix("attended", "Mehmet Öztürk"))).not_to_be_checked()
    check_a11y(page)
    page.get_by_role("button", name="Mark as held").click()
    see_status(page, "The session is marked as held.")
    expect(page.get_by_text("Marked as held on")).to_be_visible()
    check_a11y(page)


def test_two_organisations_request_a_topic_and_the_advisor_bundles_them_into_a_held_session(open_page):
    TrainingTopicFactory(name_de="Öffentlichkeitsarbeit und soziale Medien", name_en=TOPIC)
    turkish = OrganisationFactory(name=TURKISH, short_name="TEV")
    ukrainian = OrganisationFactory(name=UKRAINIAN, short_name="UKV")
    chair_tev = MembershipFactory(organisation=turkish, role=Role.CHAIR, user__name="Ayşe Kaya",
                                  user__preferred_language="en").user  # fmt: skip
    chair_ukv = MembershipFactory(organisation=ukrainian, role=Role.CHAIR, user__name="Olena Shevchenko",
                                  user__preferred_language="en").user  # fmt: skip
    advisor = AdvisorFactory(name="Katrin Demir", preferred_language="en")
    TOTP.activate(advisor, ADVISOR_TOTP_SECRET)

    tev = open_page()
    board_logs_in(tev, chair_tev, TURKISH)
    board_requests_training(tev, fmt="in person", language="Turkish", times="Weekday evenings from 6 pm",
                            participants=2, notes="Mostly about our Instagram page.")  # fmt: skip
    ukv = open_page()
    board_logs_in(ukv, chair_ukv, UKRAINIAN)
    board_requests_training(ukv, fmt="either", language="German", times="Saturdays", participants=3,
                            notes="Press releases for our concerts.")  # fmt: skip

    ki = open_page()
    advisor_bundles_and_announces(ki, advisor)

    board_registers(tev, email=chair_tev.email, names=[("Ayşe Kaya", False), ("Mehmet Öztürk", False)])
    board_registers(ukv, email=chair_ukv.email, names=[("Olena Shevchenko", False), ("Taras Bondarenko", True)])

    # The evening of the session has come and gone.
    session = TrainingSession.objects.get()
    TrainingSession.objects.filter(pk=session.pk).update(starts_at=timezone.now() - timedelta(hours=3))
    advisor_records_attendance_and_marks_held(ki)

    tev.reload()
    expect(heading(tev, f"Participants: {TOPIC}")).to_be_visible()
    expect(tev.get_by_role("row", name="Ayşe Kaya")).to_contain_text("attended")
    expect(tev.get_by_role("row", name="Mehmet Öztürk")).to_contain_text("did not attend")
    expect(tev.get_by_role("row", name="Olena Shevchenko")).to_have_count(0)  # the other organisation's people
    check_a11y(tev)
    tev.get_by_role("link", name="Your request").click()
    see_state(tev, "Held")
    check_a11y(tev)

    session.refresh_from_db()
    assert session.held_at is not None
    assert (session.place, session.capacity, session.language, session.trainer) == (
        "Bürgerhaus Hagen-Mitte, Raum 2", 3, "de", "Miriam Schulte",
    )  # fmt: skip
    requests = TrainingRequest.objects.order_by("created_at")
    assert [(r.organisation, r.state, r.session_id) for r in requests] == [
        (turkish, TrainingState.HELD, session.pk), (ukrainian, TrainingState.HELD, session.pk),
    ]  # fmt: skip
    assert (requests[0].format, requests[0].language, requests[0].expected_participants) == ("in_person", "tr", 2)
    content_type = ContentType.objects.get_for_model(TrainingRequest)
    for training_request, chair in zip(requests, [chair_tev, chair_ukv]):
        logs = TransitionLog.objects.filter(content_type=content_type, object_id=training_request.pk)
        assert [(log.transition, log.target, log.actor) for log in logs] == [
            ("create", "requested", chair), ("plan", "planned", advisor), ("schedule", "scheduled", advisor),
            ("mark_held", "held", advisor),
        ]  # fmt: skip
    participants = Participant.objects.filter(session=session).order_by("registered_at", "pk")
    assert [(p.organisation, p.name, p.on_waiting_list, p.attended) for p in participants] == [
        (turkish, "Ayşe Kaya", False, True), (turkish, "Mehmet Öztürk", False, False),
        (ukrainian, "Olena Shevchenko", False, True), (ukrainian, "Taras Bondarenko", True, None),
    ]  # fmt: skip
