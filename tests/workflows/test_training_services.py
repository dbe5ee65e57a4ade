"""The training path through the services (issues 9 and 13): who may do what, and what each refusal leaves."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from applications.models import Participant, TrainingRequest, TrainingSession, TrainingState
from tests.factories import TrainingRequestFactory, TrainingTopicFactory, UserFactory
from workflows.models import TransitionLog
from workflows.services import Conflict
from workflows.services import training as t

T = TrainingState


@pytest.fixture(autouse=True)
def _messages_in_english():
    """The services' messages are compared with the English source, whatever the German catalogue says."""
    with translation.override("en"):
        yield


def request_data(topic, **changes):
    return {"topic": topic, "format": "either", "language": "tr", "time_windows": "weekday evenings",
            "expected_participants": 10, **changes}  # fmt: skip


def session_for(advisor, requests, *, capacity=2, starts_at=None):
    return t.training_session_create(
        actor=advisor, topic=requests[0].topic, requests=requests, place="Volkshochschule Hagen", capacity=capacity,
        language="de", trainer="Jonas Weber", starts_at=starts_at or timezone.now() + timedelta(days=10),
    )  # fmt: skip


def fresh(training_request):
    return TrainingRequest.objects.get(pk=training_request.pk)


def log_actions(training_request):
    return list(TransitionLog.objects.filter(content_type__model="trainingrequest", object_id=training_request.pk)
                .values_list("transition", flat=True))  # fmt: skip


def test_full_training_path_through_the_services(org_a, board_a, member_a, advisor, mailoutbox, django_capture_on_commit_callbacks):
    topic = TrainingTopicFactory()
    with django_capture_on_commit_callbacks(execute=True):
        training_request = t.training_request_create(organisation=org_a, actor=member_a, data=request_data(topic))
        session = session_for(advisor, [training_request], starts_at=timezone.now() + timedelta(minutes=5))
        t.training_session_schedule(session=session, actor=advisor)
        ali = t.participant_register(session=session, organisation=org_a, actor=member_a, name="  Ali Demir ")
        t.attendance_record(session=session, actor=advisor, attended_ids=[ali.pk])
    TrainingSession.objects.filter(pk=session.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    session.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        t.training_session_mark_held(session=session, actor=advisor)
    training_request = fresh(training_request)
    assert (training_request.state, training_request.session, training_request.created_by) == (T.HELD, session, member_a)
    assert log_actions(training_request) == ["create", "plan", "schedule", "mark_held"]
    assert (Participant.objects.get().name, Participant.objects.get().attended) == ("Ali Demir", True)
    assert TrainingSession.objects.get().held_at is not None
    assert sum(board_a.email in mail.to for mail in mailoutbox) == 3  # told of plan, schedule and held


def test_a_topic_that_is_not_offered_is_refused(org_a, member_a):
    with pytest.raises(ValidationError) as error:
        t.training_request_create(organisation=org_a, actor=member_a, data=request_data(TrainingTopicFactory(is_active=False)))
    assert error.value.message_dict == {"topic": ["This topic is not offered at the moment."]}
    assert not TrainingRequest.objects.exists()


def test_only_members_can_request_a_training(org_a, board_b):
    with pytest.raises(PermissionDenied):
        t.training_request_create(organisation=org_a, actor=board_b, data=request_data(TrainingTopicFactory()))
    assert not TrainingRequest.objects.exists()


def test_board_withdraws_with_a_reason_members_cannot_and_a_reason_is_needed(org_a, board_a, member_a):
    training_request = TrainingRequestFactory(organisation=org_a)
    with pytest.raises(PermissionDenied):
        t.training_request_withdraw(training_request=fresh(training_request), actor=member_a, reason="Changed our minds")
    with pytest.raises(ValidationError):
        t.training_request_withdraw(training_request=fresh(training_request), actor=board_a, reason="  ")
    assert fresh(training_request).state == T.REQUESTED and log_actions(training_request) == []
    t.training_request_withdraw(training_request=fresh(training_request), actor=board_a, reason="Changed our minds")
    assert (fresh(training_request).state, fresh(training_request).reason) == (T.WITHDRAWN, "Changed our minds")
    assert log_actions(training_request) == ["withdraw"]


def test_bundling_refuses_requests_on_another_topic_or_no_longer_open_and_creates_nothing(org_a, org_b, advisor):
    topic = TrainingTopicFactory()
    good = TrainingRequestFactory(organisation=org_a, topic=topic)
    other_topic = TrainingRequestFactory(organisation=org_b)
    declined = TrainingRequestFactory(organisation=org_b, topic=topic)
    TrainingRequest.objects.filter(pk=declined.pk).update(state=T.DECLINED)
    for spoiler in (other_topic, fresh(declined)):
        with pytest.raises(ValidationError) as error:
            session_for(advisor, [fresh(good), spoiler])
        assert error.value.message_dict == {"requests": ["Only open requests on this topic can be bundled."]}
    with pytest.raises(ValidationError):
        t.training_session_create(actor=advisor, topic=topic, requests=[], starts_at=timezone.now(), place="x", capacity=1,
                                  language="de", trainer="x")  # fmt: skip
    assert not TrainingSession.objects.exists()
    assert fresh(good).state == T.REQUESTED and log_actions(good) == []


def test_only_advisors_bundle_announce_record_and_mark_held(org_a, board_a, advisor):
    training_request = TrainingRequestFactory(organisation=org_a)
    with pytest.raises(PermissionDenied):
        session_for(board_a, [training_request])
    session = session_for(advisor, [fresh(training_request)])
    for service in (t.training_session_schedule, t.training_session_mark_held):
        with pytest.raises(PermissionDenied):
            service(session=session, actor=board_a)
    with pytest.raises(PermissionDenied):
        t.attendance_record(session=session, actor=board_a, attended_ids=[])
    assert fresh(training_request).state == T.PLANNED and TrainingSession.objects.count() == 1


def test_declining_needs_a_reason(org_a, advisor):
    training_request = TrainingRequestFactory(organisation=org_a)
    with pytest.raises(ValidationError) as error:
        t.training_request_decline(training_request=training_request, actor=advisor, reason="")
    assert error.value.messages == ["Please give the organisation a reason."]
    t.training_request_decline(training_request=training_request, actor=advisor, reason="Not offered this year")
    assert (fresh(training_request).state, fresh(training_request).reason) == (T.DECLINED, "Not offered this year")


def test_a_stale_request_is_not_overwritten(org_a, board_a, advisor):
    training_request = TrainingRequestFactory(organisation=org_a)
    stale = fresh(training_request)
    t.training_request_withdraw(training_request=fresh(training_request), actor=board_a, reason="No time")
    with pytest.raises(Conflict):
        t.training_request_decline(training_request=stale, actor=advisor, reason="No trainer")
    assert fresh(training_request).state == T.WITHDRAWN and log_actions(training_request) == ["withdraw"]


def test_registration_fills_the_places_then_the_waiting_list(org_a, org_b, board_a, board_b, advisor):
    mine = TrainingRequestFactory(organisation=org_a)
    theirs = TrainingRequestFactory(organisation=org_b, topic=mine.topic)
    session = session_for(advisor, [mine, theirs], capacity=2)
    t.training_session_schedule(session=session, actor=advisor)
    assert [fresh(r).state for r in (mine, theirs)] == [T.SCHEDULED, T.SCHEDULED]
    t.participant_register(session=session, organisation=org_b, actor=board_b, name="Olena Kovalenko")
    t.participant_register(session=session, organisation=org_a, actor=board_a, name="Ali Demir")
    t.participant_register(session=session, organisation=org_a, actor=board_a, name="Berna Kaya")
    rows = Participant.objects.order_by("pk").values_list("name", "on_waiting_list")
    assert list(rows) == [("Olena Kovalenko", False), ("Ali Demir", False), ("Berna Kaya", True)]


def test_registering_is_refused_before_the_announcement_for_outsiders_and_without_a_name(org_a, board_a, board_b, advisor):
    session = session_for(advisor, [TrainingRequestFactory(organisation=org_a)])
    with pytest.raises(ValidationError) as error:
        t.participant_register(session=session, organisation=org_a, actor=board_a, name="Ali Demir")
    assert error.value.messages == ["Participants can be registered once the KI has announced the session."]
    t.training_session_schedule(session=session, actor=advisor)
    with pytest.raises(PermissionDenied):
        t.participant_register(session=session, organisation=org_a, actor=board_b, name="Olena Kovalenko")
    with pytest.raises(ValidationError):
        t.participant_register(session=session, organisation=org_a, actor=board_a, name=" ")
    stranger = UserFactory()
    with pytest.raises(PermissionDenied):
        t.participant_register(session=session, organisation=org_a, actor=stranger, name="Somebody")
    assert not Participant.objects.exists()


def test_attendance_leaves_the_waiting_list_alone(org_a, board_a, advisor):
    session = session_for(advisor, [TrainingRequestFactory(organisation=org_a)], capacity=1)
    t.training_session_schedule(session=session, actor=advisor)
    came = t.participant_register(session=session, organisation=org_a, actor=board_a, name="Ali Demir")
    waiting = t.participant_register(session=session, organisation=org_a, actor=board_a, name="Berna Kaya")
    t.attendance_record(session=session, actor=advisor, attended_ids=[waiting.pk])
    assert [Participant.objects.get(pk=p.pk).attended for p in (came, waiting)] == [False, None]


def test_marking_held_before_the_start_is_refused(org_a, advisor):
    training_request = TrainingRequestFactory(organisation=org_a)
    session = session_for(advisor, [training_request])
    t.training_session_schedule(session=session, actor=advisor)
    with pytest.raises(ValidationError) as error:
        t.training_session_mark_held(session=session, actor=advisor)
    assert error.value.messages == ["A session can be marked as held only after it has started."]
    assert fresh(training_request).state == T.SCHEDULED and TrainingSession.objects.get().held_at is None
