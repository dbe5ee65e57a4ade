"""Pages for everybody: the landing page, the public directory, legal pages and the language switch."""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from ..models import ContentPage
from ..selectors import public_organisations


def landing(request):
    return render(request, "pages/landing.html")


def directory(request):
    return render(request, "pages/directory.html", {"organisations": public_organisations()})


def directory_detail(request, org):
    organisation = get_object_or_404(public_organisations(), pk=org)
    return render(request, "pages/directory_detail.html", {"organisation": organisation})


def content_page(request, slug):
    page = get_object_or_404(ContentPage, slug=slug)
    english = get_language() == "en"
    return render(
        request,
        "pages/content_page.html",
        {"title": page.title_en if english else page.title_de, "body": page.body_en if english else page.body_de},
    )


@require_POST
def set_language(request):
    """Django's switch (cookie), plus the account's stored preference, which later e-mails use."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(request.user._meta.get_field("preferred_language").choices):
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    return response
