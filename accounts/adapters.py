from allauth.account.adapter import DefaultAccountAdapter

from workflows.services import queue_email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """allauth renders its messages as usual; delivery goes through the same task as the portal's own."""
        request = self.request
        message = self.render_mail(template_prefix, email, {"request": request, "email": email, **context})
        html = next((body for body, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
        queue_email(subject=message.subject, body_text=message.body, body_html=html, to=message.to)
