"""The finance plan's arithmetic and the programme's rules (applications/finance.py), and the money fields'
own limits. `summarise` is pure: only the money-field tests touch the database."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from applications.finance import cents, percent, summarise
from applications.models import CostLine, IncomeKind, IncomeLine, Programme
from tests.factories import FundingRequestFactory, ProgrammeFactory

D = Decimal
OWN = IncomeKind.OWN_FUNDS
VOLUNTEER = IncomeKind.VOLUNTEER_WORK
FEES = IncomeKind.PARTICIPANT_FEES


def einzelprojekt(**rules):
    """An unsaved programme like 'Landesförderung MSO, Einzelprojekt': ≤ 80 %, ≤ 15,000 €, own share ≥ 20 %,
    volunteer work ≤ 15 %."""
    defaults = {"max_amount": D("15000.00"), "max_rate": D("80.00"), "min_own_share_rate": D("20.00"),
                "volunteer_cap_rate": D("15.00")}  # fmt: skip
    return Programme(name="Einzelprojekt", **{**defaults, **rules})


def no_rules():
    return Programme(name="ohne Regeln", max_amount=None, max_rate=None, min_own_share_rate=None,
                     volunteer_cap_rate=None)  # fmt: skip


def plan(costs, incomes=(), requested="0", programme=None):
    with translation.override("en"):
        return summarise(costs=[D(c) for c in costs], incomes=[(k, D(a)) for k, a in incomes], requested=D(requested),
                         programme=programme or einzelprojekt())  # fmt: skip


# --- a valid plan --------------------------------------------------------------------------------------
def test_balanced_plan_within_all_rules_has_totals_rates_and_no_violations():
    summary = plan(["600.00", "400.00"], [(OWN, "100.00"), (VOLUNTEER, "150.00"), (FEES, "50.00")], "700.00")
    assert (summary.total_costs, summary.total_income, summary.requested) == (D("1000.00"), D("1000.00"), D("700.00"))
    assert (summary.own_share, summary.volunteer_work, summary.balance) == (D("250.00"), D("150.00"), D("0.00"))
    rates = (summary.funding_rate, summary.own_share_rate, summary.volunteer_rate)
    assert rates == (D("70.00"), D("25.00"), D("15.00"))
    assert summary.violations == {} and summary.is_valid


# --- no costs: nothing to divide by ----------------------------------------------------------------------
def test_plan_without_costs_or_income_has_no_rates_and_no_violation():
    summary = plan([], [], "0")
    assert summary.total_costs == D("0.00") and summary.total_income == D("0.00")
    assert summary.funding_rate is None and summary.own_share_rate is None and summary.volunteer_rate is None
    assert summary.violations == {}


def test_plan_without_costs_but_with_income_only_violates_the_balance():
    summary = plan([], [(OWN, "50.00")], "100.00")
    assert summary.funding_rate is None and summary.own_share_rate is None
    assert list(summary.violations) == ["balance"]
    assert summary.violations["balance"] == (
        "Costs (0.00 €) and income including the requested grant (150.00 €) must be equal."
    )


def test_plan_without_costs_still_checks_the_maximum_amount():
    summary = plan([], [], "15000.01")
    assert set(summary.violations) == {"requested_amount", "balance"}


# --- volunteer work cap -------------------------------------------------------------------------------------
def test_volunteer_work_exactly_at_the_cap_is_allowed():
    summary = plan(["1000.00"], [(OWN, "50.00"), (VOLUNTEER, "150.00")], "800.00")
    assert summary.volunteer_rate == D("15.00")
    assert summary.violations == {}


def test_volunteer_work_one_cent_above_the_cap_is_a_violation():
    # 150.01 € of 1,000 € is 15.001 %, which rounds to 15.00 % for display but is still above the cap.
    summary = plan(["1000.00"], [(OWN, "49.99"), (VOLUNTEER, "150.01")], "800.00")
    assert summary.volunteer_rate == D("15.00")
    assert list(summary.violations) == ["volunteer_work"]
    assert summary.violations["volunteer_work"] == (
        "Volunteer work may count for at most 15 % of the costs; it is 15.01 %."
    )


def test_volunteer_cap_in_cents_is_rounded_half_up():
    # 15 % of 33.33 € is 4.9995 €, i.e. 5.00 € in cents: 5.00 € is allowed, 5.01 € is not.
    programme = einzelprojekt(max_rate=None, min_own_share_rate=None)
    assert plan(["33.33"], [(VOLUNTEER, "5.00")], "28.33", programme).violations == {}
    assert list(plan(["33.33"], [(VOLUNTEER, "5.01")], "28.32", programme).violations) == ["volunteer_work"]


# --- funding rate and maximum amount ----------------------------------------------------------------------------
def test_requested_grant_exactly_at_the_maximum_rate_is_allowed():
    assert plan(["1000.00"], [(OWN, "200.00")], "800.00").violations == {}


def test_requested_grant_one_cent_above_the_maximum_rate_is_a_violation():
    summary = plan(["1000.00"], [(OWN, "199.99")], "800.01")
    assert summary.funding_rate == D("80.00")
    assert set(summary.violations) == {"requested_amount", "own_share"}
    assert summary.violations["requested_amount"] == (
        "The programme funds at most 80 % of the costs; your request is 80.01 %."
    )
    assert summary.violations["own_share"] == (
        "Your own share (own funds and volunteer work) must be at least 20 % of the costs; it is 19.99 %."
    )


def test_requested_grant_above_the_maximum_amount_is_a_violation_named_with_both_numbers():
    summary = plan(["20000.00"], [(OWN, "4999.99")], "15000.01")
    assert summary.violations["requested_amount"] == (
        "The programme grants at most 15,000.00 €; you request 15,000.01 €."
    )
    assert "balance" not in summary.violations


def test_requested_grant_exactly_at_the_maximum_amount_is_allowed():
    assert plan(["20000.00"], [(OWN, "5000.00")], "15000.00").violations == {}


def test_a_programme_without_rules_only_checks_the_balance():
    assert plan(["100.00"], [], "100.00", no_rules()).violations == {}
    assert list(plan(["100.00"], [], "99.99", no_rules()).violations) == ["balance"]


# --- own share -----------------------------------------------------------------------------------------------------
def test_own_share_below_the_minimum_is_a_violation():
    summary = plan(["1000.00"], [(FEES, "250.00"), (OWN, "150.00")], "600.00")
    assert summary.own_share_rate == D("15.00")
    assert summary.violations == {
        "own_share": "Your own share (own funds and volunteer work) must be at least 20 % of the costs; it is 15 %."
    }


def test_volunteer_work_counts_towards_the_own_share():
    summary = plan(["1000.00"], [(OWN, "60.00"), (VOLUNTEER, "140.00")], "800.00")
    assert summary.own_share == D("200.00") and summary.violations == {}


# --- balance -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("requested", ["799.99", "800.01"])
def test_costs_and_income_that_differ_by_a_cent_violate_the_balance(requested):
    summary = plan(["1000.00"], [(OWN, "200.00")], requested, einzelprojekt(max_rate=None))
    assert list(summary.violations) == ["balance"]
    assert summary.balance == D(requested) - D("800.00")


# --- rounding to cents ---------------------------------------------------------------------------------------------
def test_amounts_with_fractions_of_a_cent_are_summed_first_and_rounded_half_up():
    summary = plan(["33.333", "33.333", "33.333"], [(OWN, "33.333")], "66.666", no_rules())
    assert summary.total_costs == D("100.00")  # 99.999
    assert summary.total_income == D("100.00")  # 99.999
    assert summary.requested == D("66.67")
    assert summary.funding_rate == D("66.67")  # 66.67 / 100 exactly
    assert summary.own_share_rate == D("33.33")


def test_rates_are_rounded_half_up_not_to_even():
    summary = plan(["1000.00"], [(OWN, "998.75"), (VOLUNTEER, "1.25")], "0", no_rules())
    assert summary.volunteer_rate == D("0.13")  # 0.125 % (banker's rounding would give 0.12)
    assert summary.own_share_rate == D("100.00")
    assert cents(D("2.675")) == D("2.68") and cents(D("0.005")) == D("0.01") and cents(D("-0.005")) == D("-0.01")
    assert percent(D("1"), D("3")) == D("33.33") and percent(D("2"), D("3")) == D("66.67")
    assert percent(D("5"), D("0")) is None


def test_messages_are_translated_into_german_number_format():
    with translation.override("de"):
        summary = summarise(costs=[D("20000")], incomes=[(OWN, D("4999.99"))], requested=D("15000.01"),
                            programme=einzelprojekt())  # fmt: skip
    assert "15.000,01" in summary.violations["requested_amount"]


# --- the money fields refuse negative and absurd amounts (whatever a form lets through) ----------------------------
@pytest.fixture
def funding_request(db):
    return FundingRequestFactory()


@pytest.mark.parametrize("amount", ["-0.01", "1000000.01", "99999999.99"])
def test_cost_and_income_lines_refuse_negative_and_absurd_amounts(funding_request, amount):
    for line in (CostLine(request=funding_request, category="rent", description="Miete", amount=D(amount)),
                 IncomeLine(request=funding_request, kind=OWN, description="Beiträge", amount=D(amount))):  # fmt: skip
        with pytest.raises(ValidationError) as error:
            line.full_clean()
        assert set(error.value.message_dict) == {"amount"}


@pytest.mark.parametrize("amount", ["0.00", "0.01", "1000000.00"])
def test_cost_lines_accept_amounts_from_zero_to_one_million(funding_request, amount):
    CostLine(request=funding_request, category="rent", description="Miete", amount=D(amount)).full_clean()


def test_amounts_with_more_than_two_decimals_are_refused(funding_request):
    with pytest.raises(ValidationError) as error:
        CostLine(request=funding_request, category="rent", description="Miete", amount=D("10.001")).full_clean()
    assert set(error.value.message_dict) == {"amount"}


@pytest.mark.parametrize("field", ["requested_amount", "approved_amount"])
@pytest.mark.parametrize("amount", ["-1.00", "1000000.01"])
def test_request_amounts_refuse_negative_and_absurd_values(funding_request, field, amount):
    setattr(funding_request, field, D(amount))
    with pytest.raises(ValidationError) as error:
        # clean_fields() re-assigns every field, which the protected FSM state refuses; forms exclude it too.
        funding_request.full_clean(exclude=["state"])
    assert field in error.value.message_dict


@pytest.mark.parametrize("amount", ["-1.00", "1000000.01"])
def test_programme_budget_and_maximum_refuse_negative_and_absurd_values(db, amount):
    programme = ProgrammeFactory.build(yearly_budget=D(amount), max_amount=D(amount))
    with pytest.raises(ValidationError) as error:
        programme.full_clean()
    assert {"yearly_budget", "max_amount"} <= set(error.value.message_dict)


@pytest.mark.parametrize("field", ["max_rate", "min_own_share_rate", "volunteer_cap_rate"])
def test_programme_rates_must_lie_between_0_and_100_percent(db, field):
    for value in ("-0.01", "100.01"):
        programme = ProgrammeFactory.build(**{field: D(value)})
        with pytest.raises(ValidationError) as error:
            programme.full_clean()
        assert field in error.value.message_dict
