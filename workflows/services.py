"""Cross-cutting effects used by every app's services: the transition log and outgoing e-mail."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from .models import TransitionLog
from .tasks import send_email_task


def log_transition(*, subject, actor, transition, source, target, message=""):
    """Write the log row of a state change; call it inside the service's transaction."""
    return TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        actor=actor,
        transition=transition,
        source=source,
        target=target,
        message=message,
    )


def send_email(*, template, to, context, language=None):
    """Render `emails/<template>/` in the recipient's language and send it by a task after commit.

    Rendering happens now (templates need the request's objects); delivery and its retries are the
    task's job. Outside a transaction `on_commit` runs at once.
    """
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {"base_url": settings.PORTAL_BASE_URL, **context}
        subject = render_to_string(f"emails/{template}/subject.txt", context).strip()
        body_text = render_to_string(f"emails/{template}/body.txt", context)
        body_html = render_to_string(f"emails/{template}/body.html", context)
    recipients = [to] if isinstance(to, str) else list(to)
    transaction.on_commit(
        lambda: send_email_task.delay(subject=subject, body_text=body_text, body_html=body_html, to=recipients)
    )
