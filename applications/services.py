"""Writes on the applications app's own data. State changes of requests live in workflows.services."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from workflows.services import log_transition
from workflows.services.funding import committed_budget

from .models import Programme

PROGRAMME_FIELDS = (
    "name", "description", "financing_type", "max_amount", "max_rate", "min_own_share_rate", "volunteer_cap_rate",
    "call_opens", "call_closes", "yearly_budget", "required_documents", "short_form",
)  # fmt: skip


def programme_save(*, actor, programme=None, data):
    """Create a funding programme (`programme=None`) or change one; return it. KI advisors only.

    `data` holds programme fields by name (others are refused). Raises PermissionDenied for anybody but an
    advisor, and ValidationError keyed by field when the call closes before it opens, when the yearly budget
    would fall below what is already approved, or when a value breaks the model's rules. The log records who
    changed which field from what to what.
    """
    if not actor.is_authenticated or not actor.is_advisor:
        raise PermissionDenied(_("Only KI advisors can configure funding programmes."))
    unknown = set(data) - set(PROGRAMME_FIELDS)
    if unknown:
        raise ValueError(f"Not programme fields: {', '.join(sorted(unknown))}")
    created = programme is None
    with transaction.atomic():
        if created:
            programme, before = Programme(), {}
        else:
            programme = Programme.objects.select_for_update().get(pk=programme.pk)
            before = {name: getattr(programme, name) for name in data}
        for name, value in data.items():
            setattr(programme, name, value)
        _check(programme)
        programme.full_clean()
        programme.save()
        changes = [] if created else [f"{name}: {before[name]} → {value}" for name, value in data.items()
                                      if before[name] != value]  # fmt: skip
        log_transition(subject=programme, actor=actor, transition="create" if created else "update", source="",
                       target="", message="\n".join(changes))  # fmt: skip
    return programme


def _check(programme):
    errors = {}
    if programme.call_opens and programme.call_closes and programme.call_closes < programme.call_opens:
        errors["call_closes"] = _("The call cannot close before it opens.")
    if programme.pk and programme.yearly_budget is not None:
        committed = committed_budget(programme)
        if programme.yearly_budget < committed:
            errors["yearly_budget"] = _(
                "Grants of %(committed)s € are already approved in this programme; the yearly budget cannot be lower."
            ) % {"committed": number_format(committed, 2, use_l10n=True, force_grouping=True)}
    if errors:
        raise ValidationError(errors)
