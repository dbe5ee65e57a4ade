"""The finance plan's numbers and the programme's rules: a pure calculation, used live while typing
(htmx, unsaved form data) and on submission (saved lines). Money is Decimal, rounded to cents."""

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .models import IncomeKind

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def cents(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def percent(part, whole, rounding=ROUND_HALF_UP):
    """`part` as a percentage of `whole`, to two decimals; None when there is nothing to compare with."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT, rounding=rounding)


def share_of(rate, whole):
    """`rate` % of `whole`, in cents: the limit a rule sets in money."""
    return cents(Decimal(whole) * Decimal(rate) / HUNDRED)


@dataclass
class FinanceSummary:
    total_costs: Decimal
    total_income: Decimal  # all income lines plus the requested grant
    requested: Decimal
    own_share: Decimal  # own funds plus volunteer work
    volunteer_work: Decimal
    funding_rate: Decimal | None  # requested grant / eligible costs, in %
    own_share_rate: Decimal | None
    volunteer_rate: Decimal | None
    # field name → translated message; the field is where the person can fix it
    violations: dict = field(default_factory=dict)

    @property
    def balance(self):
        return self.total_income - self.total_costs

    @property
    def is_valid(self):
        return not self.violations


def summarise(*, costs, incomes, requested, programme):
    """Totals, rates and the programme's rules for a plan.

    `costs` is an iterable of amounts, `incomes` of (kind, amount) pairs. Violations are keyed by the field
    that concerns them: "requested_amount", "own_share", "volunteer_work" or "balance".
    """
    total_costs = cents(sum((Decimal(amount) for amount in costs), Decimal(0)))
    by_kind = {}
    for kind, amount in incomes:
        by_kind[kind] = by_kind.get(kind, Decimal(0)) + Decimal(amount)
    requested = cents(requested or 0)
    volunteer = cents(by_kind.get(IncomeKind.VOLUNTEER_WORK, 0))
    own_share = cents(by_kind.get(IncomeKind.OWN_FUNDS, 0) + volunteer)
    total_income = cents(sum(by_kind.values(), Decimal(0)) + requested)
    summary = FinanceSummary(
        total_costs=total_costs,
        total_income=total_income,
        requested=requested,
        own_share=own_share,
        volunteer_work=volunteer,
        funding_rate=percent(requested, total_costs),
        own_share_rate=percent(own_share, total_costs),
        volunteer_rate=percent(volunteer, total_costs),
    )
    summary.violations = _violations(summary, programme)
    return summary


def _violations(summary, programme):
    # Rules are checked in money (cents), not on the rounded rates: 150.01 € of 1,000 € is 15.001 %, which
    # displays as 15.00 % but breaks a 15 % cap. Messages round the rate away from the limit for the same reason.
    found = {}
    costs = summary.total_costs
    if programme.max_amount is not None and summary.requested > programme.max_amount:
        found["requested_amount"] = _("The programme grants at most %(max)s €; you request %(requested)s €.") % {
            "max": _money(programme.max_amount), "requested": _money(summary.requested)}  # fmt: skip
    elif programme.max_rate is not None and costs and summary.requested > share_of(programme.max_rate, costs):
        found["requested_amount"] = _(
            "The programme funds at most %(max)s %% of the costs; your request is %(rate)s %%."
        ) % {"max": _number(programme.max_rate), "rate": _number(percent(summary.requested, costs, ROUND_UP))}
    if programme.min_own_share_rate and costs and summary.own_share < share_of(programme.min_own_share_rate, costs):
        found["own_share"] = _(
            "Your own share (own funds and volunteer work) must be at least %(min)s %% of the costs; it is %(rate)s %%."
        ) % {"min": _number(programme.min_own_share_rate),
             "rate": _number(percent(summary.own_share, costs, ROUND_DOWN))}  # fmt: skip
    if (
        programme.volunteer_cap_rate is not None
        and costs
        and summary.volunteer_work > share_of(programme.volunteer_cap_rate, costs)
    ):
        found["volunteer_work"] = _(
            "Volunteer work may count for at most %(max)s %% of the costs; it is %(rate)s %%."
        ) % {"max": _number(programme.volunteer_cap_rate),
             "rate": _number(percent(summary.volunteer_work, costs, ROUND_UP))}  # fmt: skip
    if summary.balance:
        found["balance"] = _(
            "Costs (%(costs)s €) and income including the requested grant (%(income)s €) must be equal."
        ) % {"costs": _money(summary.total_costs), "income": _money(summary.total_income)}
    return found


def _money(value):
    return number_format(value, 2, use_l10n=True, force_grouping=True)


def _number(value):
    """80.00 → "80", 12.50 → "12,50" (in German)."""
    return number_format(value.to_integral_value() if value == value.to_integral_value() else value, use_l10n=True)
