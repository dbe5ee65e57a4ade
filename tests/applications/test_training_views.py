"""Trainings through the pages (issues 9 and 13): organisations ask and register participants, the KI bundles
requests into sessions, announces them, records attendance and marks them as held."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from applications.models import Participant, TrainingRequest, TrainingSession, TrainingState
from tests.factories import MembershipFactory, OrganisationFactory, TrainingRequestFactory, TrainingTopicFactory
from workflows.models import TransitionLog
from workflows.services.training import (
    participant_register,
    training_request_create,
    training_session_create,
    training_session_schedule,
)

T = TrainingState


# Everybody reads English, so the assertions quote the English source strings whatever the German catalogue says.
def english(user):
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    return user


@pytest.fixture
def board_a(board_a):
    return english(board_a)


@pytest.fixture
def member_a(member_a):
    return english(member_a)


@pytest.fixture
def board_b(board_b):
    return english(board_b)


@pytest.fixture
def advisor(advisor):
    return english(advisor)


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def in_english(value):
    with translation.override("en"):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def next_week_at_half_past_six():
    day = timezone.localtime() + timedelta(days=7)
    return day.replace(hour=18, minute=30, second=0, microsecond=0)


def make_session(advisor, requests, *, capacity=2, starts_at=None, announce=False):
    session = training_session_create(
        actor=advisor, topic=requests[0].topic, requests=requests, starts_at=starts_at or next_week_at_half_past_six(),
        place="Stadtteilzentrum Wehringhausen", capacity=capacity, language="de", trainer="Ayşe Yılmaz",
    )  # fmt: skip
    if announce:
        training_session_schedule(session=session, actor=advisor)
    return session


def states(*requests):
    return [TrainingRequest.objects.get(pk=r.pk).state for r in requests]


def logs(action):
    return TransitionLog.objects.filter(content_type__model="trainingrequest", transition=action)


def detail_url(training_request):
    return reverse("applications:training_detail", args=[training_request.organisation_id, training_request.pk])


def withdraw_url(training_request):
    return reverse("applications:training_withdraw", args=[training_request.organisation_id, training_request.pk])


def participants_url(org, session):
    return reverse("applications:participants", args=[org.pk, session.pk])


def act_url(session, action):
    return reverse("applications:session_act", args=[session.pk, action])


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# --- the organisation asks for a training and follows it ---


def test_member_requests_a_training_and_finds_it_below_the_form(member_a, org_a):
    topic = TrainingTopicFactory(name_en="Association law and statutes")
    client = logged_in(member_a)
    url = reverse("applications:training_create", args=[org_a.pk])
    assert topic.name_en in client.get(url).text
    response = client.post(url, {"topic": topic.pk, "format": "online", "language": "ar", "time_windows": "Saturdays",
                                 "expected_participants": "12", "notes": "Basics first, please"})  # fmt: skip
    training_request = TrainingRequest.objects.get()
    assert response.url == detail_url(training_request)
    assert (training_request.organisation, training_request.topic, training_request.state) == (org_a, topic, T.REQUESTED)
    assert (training_request.format, training_request.language, training_request.expected_participants) == ("online", "ar", 12)
    assert (training_request.time_windows, training_request.notes) == ("Saturdays", "Basics first, please")
    assert training_request.created_by == member_a
    assert logs("create").get(object_id=training_request.pk).actor == member_a
    page = client.get(url).text
    listed = page.split("Your training requests", 1)[1]
    assert f'href="{detail_url(training_request)}"' in listed and topic.name_en in listed and "Requested" in listed


def test_a_topic_that_is_not_offered_is_refused_and_what_was_typed_is_kept(member_a, org_a):
    topic = TrainingTopicFactory(name_en="Fundraising", is_active=False)
    client = logged_in(member_a)
    url = reverse("applications:training_create", args=[org_a.pk])
    assert "Fundraising" not in client.get(url).text
    response = client.post(url, {"topic": topic.pk, "format": "either", "language": "de", "time_windows": "Sunday mornings",
                                 "expected_participants": "4"})  # fmt: skip
    assert response.status_code == 200
    assert "This topic is not offered at the moment." in response.text
    assert 'value="Sunday mornings"' in response.text
    assert not TrainingRequest.objects.exists()


def test_detail_explains_the_state_shows_progress_and_history(member_a, org_a):
    training_request = training_request_create(organisation=org_a, actor=member_a, data={
        "topic": TrainingTopicFactory(), "format": "in_person", "language": "de", "time_windows": "evenings",
        "expected_participants": 6,
    })  # fmt: skip
    page = logged_in(member_a).get(detail_url(training_request)).text
    assert "The KI has received your request." in page
    steps = re.findall(r"<li( aria-current=\"step\")?>(.*?)</li>", page.split("<ol", 1)[1].split("</ol>", 1)[0], re.S)
    labels = [re.sub(r"<[^>]+>", " ", text).split()[0] for _, text in steps]
    assert labels == ["Requested", "Planned", "Scheduled", "Held", "Closed"]
    assert [bool(current) for current, _ in steps] == [True, False, False, False, False]
    assert page.count('aria-current="step"') == 1
    history = page.split("History", 1)[1]
    assert "Create" in history and member_a.name in history
    assert "Withdraw request" not in page  # members cannot


def test_once_planned_the_organisation_sees_date_place_and_trainer(member_a, org_a, advisor):
    training_request = TrainingRequestFactory(organisation=org_a)
    session = make_session(advisor, [training_request])
    page = logged_in(member_a).get(detail_url(training_request)).text
    assert "Stadtteilzentrum Wehringhausen" in page and "Ayşe Yılmaz" in page
    assert in_english(session.starts_at) in page
    assert re.search(r'<li aria-current="step"><strong>Planned</strong>', page)
    assert re.search(r"<li>Requested <span[^>]*><span[^>]*>done</span>", page)
    assert "bundle into a session".capitalize() in page.split("History", 1)[1]


def test_board_withdraws_with_a_reason_and_the_ki_is_told(board_a, org_a, advisor, mailoutbox, django_capture_on_commit_callbacks):
    training_request = TrainingRequestFactory(organisation=org_a)
    client = logged_in(board_a)
    assert f'href="{withdraw_url(training_request)}"' in client.get(detail_url(training_request)).text
    assert 'name="reason"' in client.get(withdraw_url(training_request)).text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(withdraw_url(training_request), {"reason": "Our trainer left the association."})
    assert response.url == detail_url(training_request)
    training_request.refresh_from_db()
    assert (training_request.state, training_request.reason) == (T.WITHDRAWN, "Our trainer left the association.")
    log = logs("withdraw").get(object_id=training_request.pk)
    assert (log.actor, log.message, log.source) == (board_a, "Our trainer left the association.", T.REQUESTED)
    assert [advisor.email] in [mail.to for mail in mailoutbox]
    page = client.get(detail_url(training_request)).text
    assert "Our trainer left the association." in page
    assert re.search(r'<li>Requested <span[^>]*><span[^>]*>done</span></span></li>\s*<li aria-current="step"><strong>Withdrawn', page)


def test_plain_member_cannot_withdraw(member_a, org_a):
    training_request = TrainingRequestFactory(organisation=org_a)
    client = logged_in(member_a)
    assert client.get(withdraw_url(training_request)).status_code == 403
    assert client.post(withdraw_url(training_request), {"reason": "We changed our mind."}).status_code == 403
    assert states(training_request) == [T.REQUESTED]
    assert not logs("withdraw").exists()


def test_withdrawing_without_a_reason_is_explained(board_a, org_a):
    training_request = TrainingRequestFactory(organisation=org_a)
    response = logged_in(board_a).post(withdraw_url(training_request), {"reason": "   "})
    assert response.status_code == 200
    assert "Please tell the KI why you withdraw the request." in response.text
    assert states(training_request) == [T.REQUESTED]


def test_withdrawing_a_held_training_is_refused_with_the_reason(board_a, org_a):
    training_request = TrainingRequestFactory(organisation=org_a)
    TrainingRequest.objects.filter(pk=training_request.pk).update(state=T.HELD)
    client = logged_in(board_a)
    assert 'name="reason"' not in client.get(withdraw_url(training_request)).text
    response = client.post(withdraw_url(training_request), {"reason": "Too late"}, follow=True)
    assert "This is not possible while the state is “held”." in messages_of(response)
    assert states(training_request) == [T.HELD]


# --- the KI: demand, bundling, declining ---


def test_advisor_sees_demand_grouped_by_topic_with_two_organisations(advisor, org_a, org_b):
    law, media = TrainingTopicFactory(name_en="Association law"), TrainingTopicFactory(name_en="Social media")
    TrainingRequestFactory(organisation=org_a, topic=law, expected_participants=12, notes="Statutes change", time_windows="Mondays")
    TrainingRequestFactory(organisation=org_b, topic=law, expected_participants=8, format="online", language="uk",
                           time_windows="Saturday mornings")  # fmt: skip
    TrainingRequestFactory(organisation=org_a, topic=media)
    gone = TrainingRequestFactory(topic=law, organisation=OrganisationFactory(name="Zurückgezogen e.V."))
    TrainingRequest.objects.filter(pk=gone.pk).update(state=T.WITHDRAWN)
    response = logged_in(advisor).get(reverse("applications:training_demand"))
    [(first, requests, total), (second, _, _)] = response.context["groups"]
    assert (first, second, total) == (law, media, 20)
    assert {r.organisation for r in requests} == {org_a, org_b}
    page = response.text
    assert page.index("Association law") < page.index("Social media")
    law_section = page.split(f'id="topic-{law.pk}-heading"', 1)[1].split("</section>", 1)[0]
    for text in (org_a.name, org_b.name, "Statutes change", "Mondays", "Saturday mornings", "Online", "Ukrainian", "2 open requests",
                 "20 expected participants"):  # fmt: skip
        assert text in law_section, text
    assert "Zurückgezogen" not in page
    assert f'href="{reverse("applications:training_bundle", args=[law.pk])}"' in law_section


def test_bundling_two_requests_creates_a_session_and_both_become_planned(advisor, org_a, org_b, board_a, board_b, mailoutbox,
                                                                        django_capture_on_commit_callbacks):  # fmt: skip
    topic = TrainingTopicFactory()
    first = TrainingRequestFactory(organisation=org_a, topic=topic)
    second = TrainingRequestFactory(organisation=org_b, topic=topic)
    client = logged_in(advisor)
    url = reverse("applications:training_bundle", args=[topic.pk])
    page = client.get(url).text
    assert page.count('type="checkbox" name="requests"') == 2 and 'type="datetime-local"' in page
    starts_at = next_week_at_half_past_six()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {
            "requests": [first.pk, second.pk], "starts_at": starts_at.strftime("%Y-%m-%dT%H:%M"),
            "place": "Volkshochschule Hagen", "capacity": "15", "language": "de", "trainer": "Jonas Weber",
        })  # fmt: skip
    session = TrainingSession.objects.get()
    assert response.url == reverse("applications:session", args=[session.pk])
    assert (session.topic, session.starts_at, session.place, session.capacity, session.trainer) == (
        topic, starts_at, "Volkshochschule Hagen", 15, "Jonas Weber")
    assert states(first, second) == [T.PLANNED, T.PLANNED]
    assert set(TrainingRequest.objects.values_list("session", flat=True)) == {session.pk}
    assert sorted(logs("plan").values_list("object_id", flat=True)) == sorted([first.pk, second.pk])
    assert {board_a.email, board_b.email} <= {address for mail in mailoutbox for address in mail.to}
    page = client.get(response.url).text
    assert org_a.name in page and org_b.name in page and "Announce session" in page


@pytest.mark.parametrize("spoiler", ["other_topic", "not_open"])
def test_bundling_a_request_of_another_topic_or_not_open_is_refused(advisor, org_a, org_b, spoiler):
    topic = TrainingTopicFactory()
    good = TrainingRequestFactory(organisation=org_a, topic=topic)
    if spoiler == "other_topic":
        bad = TrainingRequestFactory(organisation=org_b)
    else:
        bad = TrainingRequestFactory(organisation=org_b, topic=topic)
        TrainingRequest.objects.filter(pk=bad.pk).update(state=T.DECLINED)
    response = logged_in(advisor).post(reverse("applications:training_bundle", args=[topic.pk]), {
        "requests": [good.pk, bad.pk], "starts_at": next_week_at_half_past_six().strftime("%Y-%m-%dT%H:%M"),
        "place": "Rathaus", "capacity": "10", "language": "de", "trainer": "Jonas Weber",
    })  # fmt: skip
    assert response.status_code == 200
    assert "Only open requests on this topic can be bundled." in response.text
    assert 'value="Rathaus"' in response.text and f'value="{good.pk}" id="id_requests_0" checked' in response.text
    assert not TrainingSession.objects.exists()
    assert states(good)[0] == T.REQUESTED and not logs("plan").exists()


def test_bundling_nothing_is_explained(advisor):
    topic = TrainingTopicFactory()
    TrainingRequestFactory(topic=topic)
    response = logged_in(advisor).post(reverse("applications:training_bundle", args=[topic.pk]), {"place": "Rathaus"})
    assert response.status_code == 200
    assert "Please choose at least one request." in response.text
    assert not TrainingSession.objects.exists()


def test_declining_needs_a_reason_and_the_board_reads_it(advisor, org_a, board_a, mailoutbox, django_capture_on_commit_callbacks):
    training_request = TrainingRequestFactory(organisation=org_a)
    client = logged_in(advisor)
    url = reverse("applications:training_decline", args=[training_request.pk])
    assert org_a.name in client.get(url).text
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "Please give the organisation a reason." in response.text
    assert states(training_request) == [T.REQUESTED]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "This topic is only offered in spring."})
    assert response.url == reverse("applications:training_demand")
    training_request.refresh_from_db()
    assert (training_request.state, training_request.reason) == (T.DECLINED, "This topic is only offered in spring.")
    assert logs("decline").get(object_id=training_request.pk).actor == advisor
    [mail] = [mail for mail in mailoutbox if board_a.email in mail.to]
    assert "This topic is only offered in spring." in mail.body


def test_a_request_changed_by_someone_else_meanwhile_is_not_overwritten(advisor, org_a, monkeypatch):
    """The organisation withdraws while the advisor has the decline form open: nothing is overwritten."""
    from applications.views import advisor_training

    training_request = TrainingRequestFactory(organisation=org_a)
    load = advisor_training.get_training_request_for_advisor

    def load_then_withdraw_behind_the_back(user, pk):
        loaded = load(user, pk)
        TrainingRequest.objects.filter(pk=pk).update(state=T.WITHDRAWN)
        return loaded

    monkeypatch.setattr(advisor_training, "get_training_request_for_advisor", load_then_withdraw_behind_the_back)
    url = reverse("applications:training_decline", args=[training_request.pk])
    response = logged_in(advisor).post(url, {"reason": "No trainer available"}, follow=True)
    assert any("Someone else changed this meanwhile" in message for message in messages_of(response))
    assert states(training_request) == [T.WITHDRAWN] and not logs("decline").exists()


# --- the session: announcing, registering, attendance, held ---


def test_announcing_the_session_makes_the_requests_scheduled(advisor, org_a, org_b):
    topic = TrainingTopicFactory()
    requests = [TrainingRequestFactory(organisation=org, topic=topic) for org in (org_a, org_b)]
    session = make_session(advisor, requests)
    client = logged_in(advisor)
    assert client.get(act_url(session, "schedule")).status_code == 405
    response = client.post(act_url(session, "schedule"))
    assert response.url == reverse("applications:session", args=[session.pk])
    assert states(*requests) == [T.SCHEDULED, T.SCHEDULED]
    assert logs("schedule").count() == 2
    assert client.post(act_url(session, "cancel")).status_code == 404


def test_organisation_registers_participants_up_to_capacity_then_the_waiting_list(board_a, board_b, org_a, org_b, advisor):
    mine = TrainingRequestFactory(organisation=org_a)
    theirs = TrainingRequestFactory(organisation=org_b, topic=mine.topic)
    session = make_session(advisor, [mine, theirs], capacity=3, announce=True)
    participant_register(session=session, organisation=org_b, actor=board_b, name="Olena Kovalenko")
    client = logged_in(board_a)
    url = participants_url(org_a, session)
    assert "2 places are still free." in client.get(url).text
    for name in ("Ali Demir", "Berna Kaya"):
        assert client.post(url, {"name": name}).url == url
    response = client.post(url, {"name": "Cem Arslan"}, follow=True)
    assert "The session is full: Cem Arslan is on the waiting list." in messages_of(response)
    rows = Participant.objects.filter(organisation=org_a).values_list("name", "on_waiting_list")
    assert list(rows) == [("Ali Demir", False), ("Berna Kaya", False), ("Cem Arslan", True)]
    page = response.text
    assert "Ali Demir" in page and "Cem Arslan" in page and "waiting list, position 1" in page
    assert "0 places are still free." in page
    assert "Olena Kovalenko" not in page  # only the organisation's own participants


def test_registering_before_the_announcement_is_refused(board_a, org_a, advisor):
    training_request = TrainingRequestFactory(organisation=org_a)
    session = make_session(advisor, [training_request])
    client = logged_in(board_a)
    url = participants_url(org_a, session)
    page = client.get(url).text
    assert "Participants can be registered once the KI has announced the session." in page and 'name="name"' not in page
    response = client.post(url, {"name": "Ali Demir"})
    assert response.status_code == 200
    assert "Participants can be registered once the KI has announced the session." in response.text
    assert not Participant.objects.exists()


def test_organisation_without_a_request_in_the_session_gets_404_on_its_participants_page(board_b, org_a, org_b, advisor):
    session = make_session(advisor, [TrainingRequestFactory(organisation=org_a)], announce=True)
    TrainingRequestFactory(organisation=org_b)  # a request of its own, but not in this session
    client = logged_in(board_b)
    assert client.get(participants_url(org_b, session)).status_code == 404
    assert client.post(participants_url(org_b, session), {"name": "Olena Kovalenko"}).status_code == 404
    assert not Participant.objects.exists()


def test_advisor_records_attendance_of_confirmed_participants(advisor, board_a, org_a):
    session = make_session(advisor, [TrainingRequestFactory(organisation=org_a)], capacity=2, announce=True)
    came, absent, waiting = (participant_register(session=session, organisation=org_a, actor=board_a, name=name)
                             for name in ("Ali Demir", "Berna Kaya", "Cem Arslan"))  # fmt: skip
    client = logged_in(advisor)
    page = client.get(reverse("applications:session", args=[session.pk])).text
    assert f'id="attended-{came.pk}"' in page and f'id="attended-{waiting.pk}"' not in page and "Cem Arslan" in page
    response = client.post(act_url(session, "attendance"), {"attended": [came.pk]}, follow=True)
    assert "Attendance is recorded." in messages_of(response)
    assert [Participant.objects.get(pk=p.pk).attended for p in (came, absent, waiting)] == [True, False, None]
    response = client.post(act_url(session, "attendance"), {"attended": [waiting.pk]}, follow=True)
    assert "Attendance can be recorded only for confirmed participants of this session." in messages_of(response)
    assert Participant.objects.get(pk=waiting.pk).attended is None


def test_marking_held_is_refused_before_the_start_and_then_the_requests_are_held(advisor, org_a):
    training_request = TrainingRequestFactory(organisation=org_a)
    session = make_session(advisor, [training_request], announce=True)
    client = logged_in(advisor)
    response = client.post(act_url(session, "held"), follow=True)
    assert "A session can be marked as held only after it has started." in messages_of(response)
    assert states(training_request) == [T.SCHEDULED] and TrainingSession.objects.get().held_at is None
    TrainingSession.objects.filter(pk=session.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    response = client.post(act_url(session, "held"), follow=True)
    assert "The session is marked as held." in messages_of(response)
    assert states(training_request) == [T.HELD] and TrainingSession.objects.get().held_at is not None
    assert logs("mark_held").get().object_id == training_request.pk
    response = client.post(act_url(session, "close"), follow=True)
    assert "The session is closed." in messages_of(response)
    assert states(training_request) == [T.CLOSED]


def test_two_requests_of_one_organisation_in_a_session_do_not_break_its_participants_page(advisor, org_a, board_a):
    first, second = TrainingRequestFactory(organisation=org_a), TrainingRequestFactory(organisation=org_a)
    TrainingRequest.objects.filter(pk=second.pk).update(topic=first.topic)
    session = make_session(advisor, [first, TrainingRequest.objects.get(pk=second.pk)], announce=True)
    assert logged_in(board_a).get(participants_url(org_a, session)).status_code == 200


# --- who may see what ---


def test_board_of_other_organisation_gets_404_on_every_url_naming_org_a_request(board_b, org_a, org_b, advisor):
    training_request = TrainingRequestFactory(organisation=org_a)
    session = make_session(advisor, [training_request], announce=True)
    client = logged_in(board_b)
    for org in (org_a, org_b):  # org_a's URLs, and org_b's own URLs with org_a's request in them
        detail = reverse("applications:training_detail", args=[org.pk, training_request.pk])
        withdraw = reverse("applications:training_withdraw", args=[org.pk, training_request.pk])
        assert client.get(detail).status_code == 404, detail
        assert client.get(withdraw).status_code == 404, withdraw
        assert client.post(withdraw, {"reason": "not ours"}).status_code == 404, withdraw
        assert client.get(participants_url(org, session)).status_code == 404
        assert client.post(participants_url(org, session), {"name": "Olena"}).status_code == 404
    create = reverse("applications:training_create", args=[org_a.pk])
    assert client.get(create).status_code == 404
    assert client.post(create, {"topic": training_request.topic_id}).status_code == 404
    assert states(training_request) == [T.SCHEDULED] and not Participant.objects.exists()
    assert not TrainingRequest.objects.filter(organisation=org_b).exists()


def test_everybody_but_an_advisor_gets_404_on_every_advisor_url(board_a, member_a, org_a, advisor):
    training_request = TrainingRequestFactory(organisation=org_a)
    open_request = TrainingRequestFactory(organisation=org_a, topic=training_request.topic)
    session = make_session(advisor, [training_request], starts_at=timezone.now() - timedelta(hours=1), announce=True)
    gets = [
        reverse("applications:training_demand"),
        reverse("applications:training_bundle", args=[open_request.topic_id]),
        reverse("applications:training_decline", args=[open_request.pk]),
        reverse("applications:session", args=[session.pk]),
    ]
    posts = [
        (reverse("applications:training_bundle", args=[open_request.topic_id]), {"requests": [open_request.pk]}),
        (reverse("applications:training_decline", args=[open_request.pk]), {"reason": "no"}),
        (act_url(session, "schedule"), {}), (act_url(session, "attendance"), {}), (act_url(session, "held"), {}),
    ]  # fmt: skip
    for client in (logged_in(board_a), logged_in(member_a), Client()):
        for url in gets:
            assert client.get(url).status_code == 404, url
        for url, data in posts:
            assert client.post(url, data).status_code == 404, url
    assert states(training_request, open_request) == [T.SCHEDULED, T.REQUESTED]
    assert TrainingSession.objects.get().held_at is None


def test_demand_page_needs_the_same_number_of_queries_for_5_and_50_open_requests(advisor):
    client = logged_in(advisor)
    topics = TrainingTopicFactory.create_batch(3)
    bundled = TrainingRequestFactory(topic=topics[0])
    session = make_session(advisor, [bundled], announce=True)  # the page lists sessions, too
    person = MembershipFactory(organisation=bundled.organisation).user
    participant_register(session=session, organisation=bundled.organisation, actor=person, name="Ali Demir")

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("applications:training_demand"))
        assert response.status_code == 200
        return len(queries)

    for i in range(5):
        TrainingRequestFactory(topic=topics[i % 3])
    few = count_queries()
    for i in range(45):
        TrainingRequestFactory(topic=topics[i % 3])
    assert TrainingRequest.objects.filter(state=T.REQUESTED).count() == 50
    assert count_queries() == few
