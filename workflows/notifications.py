"""E-mails about state changes, each in its recipient's language. Internal notes never appear here."""

from accounts.models import BOARD_ROLES, User

from .models import TransitionLog
from .services import send_email


def notify_about_transition(log_pk):
    log = TransitionLog.objects.select_related("actor", "content_type").get(pk=log_pk)
    subject = log.subject
    organisation = getattr(subject, "organisation", None)
    if organisation is None:
        return
    if log.actor and log.actor.is_advisor:
        recipients = User.objects.filter(memberships__organisation=organisation, memberships__role__in=BOARD_ROLES)
    else:
        assignee = getattr(subject, "assignee", None)
        recipients = [assignee] if assignee else User.objects.filter(is_staff=True, is_active=True)
    for user in recipients:
        send_email(
            template="transition",
            to=user.email,
            # Labels are rendered by the templates, inside the recipient's language.
            context={"log": log, "subject": subject, "organisation": organisation, "user": user,
                     "url": subject.get_absolute_url_for(user)},
            language=user.preferred_language,
        )  # fmt: skip
