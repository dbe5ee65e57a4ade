from allauth.account.adapter import DefaultAccountAdapter

from workflows.tasks import send_email_task


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """allauth renders its messages as usual; delivery goes through the same task as the portal's own."""
        request = self.request
        message = self.render_mail(template_prefix, email, {"request": request, "email": email, **context})
        html = next((body for body, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
        send_email_task.delay(subject=message.subject, body_text=message.body, body_html=html, to=message.to)
