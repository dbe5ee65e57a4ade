from .models import KIOffice


def portal(request):
    """The KI's contact data (footer) and the user's organisations (switcher) on every page."""
    user = request.user
    memberships = []
    if user.is_authenticated:
        memberships = list(user.memberships.select_related("organisation"))
    return {"ki_office": KIOffice.objects.first(), "my_memberships": memberships}
