"""Criteria as versioned JSON: a round trip keeps everything (relative dates included), and
anything malformed is refused with a stable code per field."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from backend.errors import ValidationFailed
from backend.search.criteria import (
    DateRange,
    GroupBy,
    IndexCondition,
    RelativeDate,
    RelativeUnit,
    SearchCriteria,
    SearchSort,
    SortKey,
)
from backend.views.codec import criteria_from_json, criteria_to_json

FULL = SearchCriteria(
    text="Reklamation Łódź",
    customer_ids=("3f6c1d6e-2a4b-4c8d-9e0f-1a2b3c4d5e6f",),
    document_type_ids=("0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9",),
    register_ids=("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",),
    statuses=("active", "draft"),
    document_date=RelativeDate(RelativeUnit.MONTHS, 3),
    created=DateRange(dt.date(2026, 1, 1), None),
    index=(
        IndexCondition("amount", minimum="100.00", maximum={"amount": "900", "currency": "EUR"}),
        IndexCondition("severity", equals="high"),
    ),
    sort=SearchSort(SortKey.INDEX, descending=False, index_field="amount"),
    group_by=GroupBy.MONTH,
)


def _codes(data: Any) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as failed:
        criteria_from_json(data)
    return {i.field: i.code for i in failed.value.issues}


@pytest.mark.parametrize(
    "criteria",
    [
        FULL,
        SearchCriteria(),
        SearchCriteria(document_date=RelativeDate(RelativeUnit.THIS_QUARTER)),
        SearchCriteria(created=RelativeDate(RelativeUnit.DAYS, 14)),
        SearchCriteria(document_date=DateRange(None, dt.date(2026, 12, 1))),
    ],
)
def test_criteria_survive_a_round_trip_through_json_text(criteria: SearchCriteria) -> None:
    text = json.dumps(criteria_to_json(criteria))
    assert criteria_from_json(json.loads(text)) == criteria


def test_the_stored_form_is_versioned_and_keeps_relative_dates_as_written() -> None:
    data = criteria_to_json(FULL)
    assert data["v"] == 1
    assert data["documentDate"] == {"unit": "months", "amount": 3}
    assert data["created"] == {"start": "2026-01-01", "end": None}
    assert data["sort"] == {"key": "index", "descending": False, "indexField": "amount"}


def test_missing_keys_take_their_defaults() -> None:
    assert criteria_from_json({"v": 1}) == SearchCriteria()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ([], {"criteria": "invalid_type"}),
        ({"text": "x"}, {"criteria.v": "unsupported_version"}),
        ({"v": 2}, {"criteria.v": "unsupported_version"}),
        ({"v": 1, "colour": "red"}, {"criteria.colour": "unknown_key"}),
        ({"v": 1, "text": 3}, {"criteria.text": "invalid_type"}),
        ({"v": 1, "text": "x" * 501}, {"criteria.text": "too_long"}),
        ({"v": 1, "customerIds": "abc"}, {"criteria.customerIds": "invalid_type"}),
        ({"v": 1, "registerIds": [1]}, {"criteria.registerIds.0": "invalid_type"}),
        ({"v": 1, "statuses": ["lost"]}, {"criteria.statuses.0": "unknown_status"}),
        (
            {"v": 1, "documentDate": {"unit": "fortnights", "amount": 2}},
            {"criteria.documentDate.unit": "invalid_value"},
        ),
        (
            {"v": 1, "documentDate": {"unit": "days", "amount": 0}},
            {"criteria.documentDate.amount": "out_of_range"},
        ),
        (
            {"v": 1, "documentDate": {"unit": "days", "amount": 3651}},
            {"criteria.documentDate.amount": "out_of_range"},
        ),
        (
            {"v": 1, "created": {"unit": "months", "amount": 121}},
            {"criteria.created.amount": "out_of_range"},
        ),
        (
            {"v": 1, "created": {"unit": "this_quarter", "amount": 2}},
            {"criteria.created.amount": "out_of_range"},
        ),
        (
            {"v": 1, "created": {"unit": "days", "amount": "14"}},
            {"criteria.created.amount": "invalid_type"},
        ),
        (
            {"v": 1, "created": {"unit": "days", "amount": True}},
            {"criteria.created.amount": "invalid_type"},
        ),
        (
            {"v": 1, "created": {"unit": "days", "amount": 3, "start": "2026-01-01"}},
            {"criteria.created.start": "unknown_key"},
        ),
        ({"v": 1, "created": {"start": "yesterday"}}, {"criteria.created.start": "invalid_type"}),
        ({"v": 1, "created": {}}, {"criteria.created": "required"}),
        (
            {"v": 1, "created": {"start": "2026-02-01", "end": "2026-01-01"}},
            {"criteria.created.end": "invalid_range"},
        ),
        ({"v": 1, "index": [{"field": "amount"}]}, {"criteria.index.0": "required"}),
        (
            {"v": 1, "index": [{"field": "amount", "equals": 1, "min": 0}]},
            {"criteria.index.0": "invalid_value"},
        ),
        (
            {"v": 1, "index": [{"field": "Amount!", "equals": 1}]},
            {"criteria.index.0.field": "unknown_field"},
        ),
        (
            {"v": 1, "index": [{"field": "amount", "equals": [1]}]},
            {"criteria.index.0.equals": "invalid_type"},
        ),
        ({"v": 1, "index": [{"field": "a", "equals": 1}] * 21}, {"criteria.index": "too_many"}),
        ({"v": 1, "sort": {"key": "colour"}}, {"criteria.sort.key": "invalid_value"}),
        ({"v": 1, "sort": {"key": "index"}}, {"criteria.sort.indexField": "required"}),
        (
            {"v": 1, "sort": {"key": "title", "indexField": "amount"}},
            {"criteria.sort.indexField": "invalid_value"},
        ),
        ({"v": 1, "sort": {"descending": "yes"}}, {"criteria.sort.descending": "invalid_type"}),
        ({"v": 1, "groupBy": "week"}, {"criteria.groupBy": "invalid_value"}),
        (
            {"v": 1, "customerIds": ["3f6c1d6e-2a4b-4c8d-9e0f-1a2b3c4d5e6f"] * 101},
            {"criteria.customerIds": "too_many"},
        ),
    ],
)
def test_malformed_criteria_are_refused_with_a_stable_code(
    data: Any, expected: dict[str, str]
) -> None:
    assert _codes(data) == expected


def test_every_problem_is_reported_at_once() -> None:
    codes = _codes({"v": 1, "text": 1, "colour": 2, "groupBy": 3})
    assert codes == {
        "criteria.text": "invalid_type",
        "criteria.colour": "unknown_key",
        "criteria.groupBy": "invalid_type",
    }
