import datetime as dt

import pytest

from backend.search.criteria import (
    DateRange,
    RelativeDate,
    RelativeUnit,
    SearchCriteria,
    resolve,
    resolve_date,
)

TODAY = dt.date(2026, 11, 29)  # a Sunday in the fourth quarter


@pytest.mark.parametrize(
    ("unit", "amount", "start", "end"),
    [
        (RelativeUnit.DAYS, 14, dt.date(2026, 11, 16), dt.date(2026, 11, 30)),
        (RelativeUnit.DAYS, 1, dt.date(2026, 11, 29), dt.date(2026, 11, 30)),
        (RelativeUnit.WEEKS, 2, dt.date(2026, 11, 16), dt.date(2026, 11, 30)),
        (RelativeUnit.MONTHS, 3, dt.date(2026, 8, 30), dt.date(2026, 11, 30)),
        (RelativeUnit.THIS_WEEK, 1, dt.date(2026, 11, 23), dt.date(2026, 11, 30)),
        (RelativeUnit.THIS_MONTH, 1, dt.date(2026, 11, 1), dt.date(2026, 12, 1)),
        (RelativeUnit.LAST_MONTH, 1, dt.date(2026, 10, 1), dt.date(2026, 11, 1)),
        (RelativeUnit.THIS_QUARTER, 1, dt.date(2026, 10, 1), dt.date(2027, 1, 1)),
        (RelativeUnit.LAST_QUARTER, 1, dt.date(2026, 7, 1), dt.date(2026, 10, 1)),
        (RelativeUnit.THIS_YEAR, 1, dt.date(2026, 1, 1), dt.date(2027, 1, 1)),
        (RelativeUnit.LAST_YEAR, 1, dt.date(2025, 1, 1), dt.date(2026, 1, 1)),
    ],
)
def test_relative_dates_resolve_to_days_ending_with_today(
    unit: RelativeUnit, amount: int, start: dt.date, end: dt.date
) -> None:
    assert resolve_date(RelativeDate(unit, amount), TODAY) == DateRange(start, end)


def test_months_back_from_a_month_end_clamp_to_the_shorter_month() -> None:
    got = resolve_date(RelativeDate(RelativeUnit.MONTHS, 3), dt.date(2026, 5, 30))
    assert got == DateRange(dt.date(2026, 2, 28), dt.date(2026, 5, 31))


def test_quarters_across_the_new_year() -> None:
    got = resolve_date(RelativeDate(RelativeUnit.LAST_QUARTER), dt.date(2027, 2, 10))
    assert got == DateRange(dt.date(2026, 10, 1), dt.date(2027, 1, 1))


def test_resolve_keeps_absolute_ranges_and_the_rest() -> None:
    fixed = DateRange(dt.date(2026, 1, 1), None)
    criteria = SearchCriteria(
        text="invoice", document_date=fixed, created=RelativeDate(RelativeUnit.DAYS, 7)
    )
    got = resolve(criteria, TODAY)
    assert got.text == "invoice"
    assert got.document_date == fixed
    assert got.created == DateRange(dt.date(2026, 11, 23), dt.date(2026, 11, 30))
