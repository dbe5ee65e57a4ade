"""The KI's own contact data, shown in the footer of every page."""

from django.db import transaction

from ..models import KIOffice
from . import ensure_advisor

KI_OFFICE_FIELDS = ("name", "office", "email", "phone", "address", "office_hours")


def ki_office_update(*, actor, data):
    """Save the KI's contact data (`data` holds KI_OFFICE_FIELDS); creates the single row if it is missing.

    Raises PermissionDenied unless `actor` is an advisor.
    """
    ensure_advisor(actor)
    values = {name: data[name] for name in KI_OFFICE_FIELDS if name in data}
    with transaction.atomic():
        office = KIOffice.objects.select_for_update().order_by("pk").first()
        if office is None:
            return KIOffice.objects.create(**values)
        for name, value in values.items():
            setattr(office, name, value)
        office.save(update_fields=[*values, "updated_at"])
    return office
