"""The workflow engine: every state change of any object runs through `run_transition`.

It checks who may act (declared once on the model's transition), fires the transition, saves with
`update_fields`, writes the log row in the same transaction and registers the effects after commit
(`workflows.effects.after_transition`). Services per action (`funding_request_submit`, …) live in
`workflows.services.funding` and `workflows.services.training` and add their own checks.
"""

from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed, has_transition_perm

from ..models import Comment, TransitionLog
from ..tasks import send_email_task


class Conflict(ValidationError):
    """Somebody else changed the object meanwhile; nothing was overwritten."""


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


def check_transition(obj, action, *, actor):
    """Raise what `run_transition` would raise before changing anything: ValidationError if `action` is not
    possible in the object's (loaded) state, PermissionDenied if the transition's permission refuses `actor`.
    Services call it first when they check more (amounts, budgets) so that those checks never answer people
    who may not act at all."""
    allowed_from = {t.source for t in obj._meta.get_field("state").get_all_transitions(type(obj)) if t.name == action}
    if obj.state not in allowed_from and "*" not in allowed_from:
        raise ValidationError(
            _("This is not possible while the state is “%(state)s”.") % {"state": obj.get_state_display()},
            code="illegal_transition",
        )
    if not has_transition_perm(getattr(obj, action), actor):
        raise PermissionDenied(_("You are not allowed to do this."))


def run_transition(obj, action, *, actor, message="", fields=(), **kwargs):
    """Fire `obj.<action>(**kwargs)` as `actor` and save it with its log row; return the log row.

    Raises PermissionDenied if the transition's permission refuses the actor, ValidationError with a
    translated reason if the action is not possible in the current state, and Conflict if another person
    changed the object's state since it was loaded (the save matches the state it was loaded with).
    """
    check_transition(obj, action, actor=actor)
    method = getattr(obj, action)
    source = obj.state
    try:
        with transaction.atomic():
            method(**kwargs)
            tracked = ["state_changed_at"] if hasattr(obj, "state_changed_at") else []
            obj.save(update_fields=["state", *tracked, *fields])
            log = log_transition(subject=obj, actor=actor, transition=action, source=source, target=obj.state,
                                 message=message)  # fmt: skip
    except TransitionNotAllowed as error:  # a condition refused it
        raise ValidationError(str(error), code="illegal_transition") from error
    except ConcurrentTransition as error:
        raise Conflict(
            _("Someone else changed this meanwhile, so nothing was saved. Please reload the page and check the "
              "current state."),
            code="conflict",
        ) from error
    transaction.on_commit(partial(_after_transition, log.pk))
    return log


def _after_transition(log_pk):
    from ..effects import after_transition

    after_transition(log_pk)


def require_text(text, message):
    """Raise ValidationError keyed "message" (the reason or message field of the action's form) if empty."""
    if not (text or "").strip():
        raise ValidationError({"message": message})


def comment_add(*, subject, author, body, internal=False):
    """Add a comment to `subject` (an object with an `organisation`): by a member of that organisation or an
    advisor; only advisors may write internal notes. PermissionDenied otherwise."""
    if not author.is_advisor and not subject.organisation.memberships.filter(user=author).exists():
        raise PermissionDenied(_("You are not allowed to do this."))
    if internal and not author.is_advisor:
        raise PermissionDenied(_("Only KI advisors can write internal notes."))
    if not body.strip():
        raise ValidationError({"body": _("Please write a comment.")})
    return Comment.objects.create(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk, author=author,
        body=body.strip(), internal=internal,
    )  # fmt: skip


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
    queue_email(subject=subject, body_text=body_text, body_html=body_html, to=[to] if isinstance(to, str) else to)


def queue_email(*, subject, body_text, body_html, to):
    """Hand a rendered e-mail to the delivery task once the current transaction has committed (at once
    outside a transaction): a task must never run before the data it speaks of exists."""
    recipients = list(to)
    transaction.on_commit(
        lambda: send_email_task.delay(subject=subject, body_text=body_text, body_html=body_html, to=recipients)
    )
