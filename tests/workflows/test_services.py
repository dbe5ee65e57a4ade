from django.contrib.contenttypes.models import ContentType

from workflows.models import TransitionLog
from workflows.services import log_transition, send_email


def test_transition_log_row_names_object_actor_and_states(org_a, advisor):
    log_transition(subject=org_a, actor=advisor, transition="verify", source="awaiting_verification", target="active", message="ok")
    row = TransitionLog.objects.get()
    assert (row.content_type, row.object_id, row.actor) == (ContentType.objects.get_for_model(org_a), org_a.pk, advisor)
    assert row.subject == org_a


def test_email_is_sent_only_after_commit_in_the_recipients_language(org_a, board_a, mailoutbox, django_capture_on_commit_callbacks):
    context = {"organisation": org_a, "note": "", "user": board_a}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_email(template="organisation_verify", to=board_a.email, context=context, language="en")
    assert mailoutbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    (message,) = mailoutbox
    assert message.subject == f"{org_a.name} is now verified"
    assert message.alternatives and "<p>" in message.alternatives[0][0]


def test_state_change_email_speaks_the_recipients_language(org_a, board_a, advisor, mailoutbox, django_capture_on_commit_callbacks):
    from django.utils import translation

    from tests.factories import FundingRequestFactory, complete_request
    from workflows.services import funding

    board_a.preferred_language = "en"
    board_a.save(update_fields=["preferred_language"])
    request = complete_request(FundingRequestFactory(organisation=org_a, title="Sommerfest"))
    funding.funding_request_submit(request=request, actor=board_a)
    with translation.override("de"), django_capture_on_commit_callbacks(execute=True):
        funding.funding_request_start_review(request=request, actor=advisor)
    (message,) = [m for m in mailoutbox if m.to == [board_a.email]]
    assert message.subject == "“Sommerfest” is now: in review"
