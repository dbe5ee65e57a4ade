from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _


class UserLanguageMiddleware(LocaleMiddleware):
    """German unless the person chose otherwise: the language stored on the account, else the switch's cookie.

    The browser's Accept-Language is deliberately ignored: the portal of the city is German by default, and
    the switch on every page offers the other languages.
    """

    def process_request(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = user.preferred_language
        else:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, settings.LANGUAGE_CODE)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class StaffMFARequiredMiddleware:
    """Where MFA_REQUIRED_FOR_STAFF is on, an advisor without TOTP can only set it up (or log out)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.MFA_REQUIRED_FOR_STAFF
            and user.is_authenticated
            and user.is_staff
            and not request.path.startswith(("/accounts/", "/i18n/", settings.STATIC_URL))
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            messages.warning(request, _("Please set up two-factor authentication before you continue."))
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
