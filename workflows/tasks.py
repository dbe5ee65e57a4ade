from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5, time_limit=60)
def send_email_task(*, subject, body_text, body_html, to):
    """Deliver one rendered e-mail; SMTP hiccups are retried with back-off."""
    message = EmailMultiAlternatives(subject, body_text, settings.DEFAULT_FROM_EMAIL, to)
    message.attach_alternative(body_html, "text/html")
    message.send()


@shared_task(time_limit=60)
def notify_transition_task(log_pk):
    from .notifications import notify_about_transition

    notify_about_transition(log_pk)
