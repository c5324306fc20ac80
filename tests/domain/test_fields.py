"""Typed fields: definitions, validation and normal forms (no database)."""

from __future__ import annotations

from typing import Any

import pytest

from backend.errors import ValidationFailed
from backend.fields import FieldDef, FieldType, parse_field_defs, validate_values

DEFS = parse_field_defs(
    [
        {"key": "number", "type": "text", "required": True, "max_length": 10},
        {"key": "amount", "type": "money", "required": True},
        {"key": "due", "type": "date"},
        {"key": "qty", "type": "number"},
        {"key": "severity", "type": "choice", "choices": ["low", "high"]},
    ]
)
VALID: dict[str, Any] = {"number": "A-1", "amount": {"amount": "10", "currency": "EUR"}}


def issues_of(values: dict[str, Any], *, partial: bool = False) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        validate_values(DEFS, values, path="indexValues", partial=partial)
    assert caught.value.code == "invalid"
    return {issue.field: issue.code for issue in caught.value.issues}


def one(key: str, value: object) -> object:
    return validate_values(DEFS, {**VALID, key: value}, path="v")[key]


# -- definitions -------------------------------------------------------------------------------


def test_parse_field_defs_reads_every_attribute() -> None:
    [fd] = parse_field_defs(
        [
            {
                "key": "severity",
                "label": "Severity",
                "type": "choice",
                "required": True,
                "choices": ["a", "b"],
                "max_length": 5,
            }
        ]
    )
    assert fd == FieldDef(
        key="severity",
        label="Severity",
        type=FieldType.CHOICE,
        required=True,
        choices=("a", "b"),
        max_length=5,
    )
    assert parse_field_defs([fd.to_json()]) == [fd]


def test_label_defaults_to_key() -> None:
    [fd] = parse_field_defs([{"key": "note", "type": "text"}])
    assert fd.label == "note"
    assert not fd.required


@pytest.mark.parametrize(
    ("raw", "field", "code"),
    [
        ([{"key": "Bad", "type": "text"}], "fields.0.key", "invalid_key"),
        ([{"key": "", "type": "text"}], "fields.0.key", "invalid_key"),
        ([{"type": "text"}], "fields.0.key", "invalid_key"),
        (
            [{"key": "a", "type": "text"}, {"key": "a", "type": "date"}],
            "fields.1.key",
            "invalid_key",
        ),
        ([{"key": "a", "type": "blob"}], "fields.0.type", "invalid_type"),
        ([{"key": "a"}], "fields.0.type", "invalid_type"),
        ([{"key": "a", "type": "choice"}], "fields.0.choices", "required"),
    ],
)
def test_malformed_definitions_are_refused(
    raw: list[dict[str, Any]], field: str, code: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_field_defs(raw)
    [issue] = caught.value.issues
    assert (issue.field, issue.code) == (field, code)


# -- values ------------------------------------------------------------------------------------


def test_valid_values_come_back_normalised() -> None:
    result = validate_values(
        DEFS,
        {
            "number": "  A-1  ",
            "amount": {"amount": "1234.5", "currency": "PLN"},
            "due": "2030-02-28",
            "qty": 3,
            "severity": "high",
        },
        path="indexValues",
    )
    assert result == {
        "number": "A-1",
        "amount": {"amount": "1234.50", "currency": "PLN"},
        "due": "2030-02-28",
        "qty": 3,
        "severity": "high",
    }


@pytest.mark.parametrize(
    ("amount", "normal"),
    [
        ("12", "12.00"),
        ("12.5", "12.50"),
        ("0.1", "0.10"),
        (12, "12.00"),
        (0.1, "0.10"),
        (12.25, "12.25"),
        ("-3.5", "-3.50"),
        ("1e3", "1000.00"),
        ("999999999999999.99", "999999999999999.99"),
    ],
)
def test_money_amount_is_normalised_to_two_places(amount: object, normal: str) -> None:
    assert one("amount", {"amount": amount, "currency": "EUR"}) == {
        "amount": normal,
        "currency": "EUR",
    }


@pytest.mark.parametrize(
    "money",
    [
        "12.50 EUR",
        12.5,
        {"amount": "12.5"},
        {"amount": "12.5", "currency": "eur"},
        {"amount": "12.5", "currency": "EURO"},
        {"amount": "12.5", "currency": 978},
        {"amount": "twelve", "currency": "EUR"},
        {"amount": "", "currency": "EUR"},
        {"amount": True, "currency": "EUR"},
        {"amount": None, "currency": "EUR"},
        {"amount": "NaN", "currency": "EUR"},
        {"amount": "Infinity", "currency": "EUR"},
        {"amount": float("inf"), "currency": "EUR"},
        {"amount": "1e15", "currency": "EUR"},
        {"amount": "-1000000000000000", "currency": "EUR"},
    ],
)
def test_bad_money_is_refused(money: object) -> None:
    assert issues_of({**VALID, "amount": money}) == {"indexValues.amount": "invalid_value"}


@pytest.mark.parametrize("value", ["2030-02-28", "2024-02-29", "0001-01-01", "9999-12-31"])
def test_good_dates(value: str) -> None:
    assert one("due", value) == value


@pytest.mark.parametrize(
    "value", ["2030-02-30", "2023-02-29", "30.01.2030", "2030/01/30", "tomorrow", 20300130, []]
)
def test_bad_dates_are_refused(value: object) -> None:
    assert issues_of({**VALID, "due": value}) == {"indexValues.due": "invalid_value"}


@pytest.mark.parametrize("value", [0, -4, 2.5, 10**12])
def test_good_numbers(value: float) -> None:
    assert one("qty", value) == value


@pytest.mark.parametrize("value", [True, False, "3", float("nan"), float("inf"), [1], {"n": 1}])
def test_bad_numbers_are_refused(value: object) -> None:
    assert issues_of({**VALID, "qty": value}) == {"indexValues.qty": "invalid_value"}


def test_choices_must_match_exactly() -> None:
    assert one("severity", "low") == "low"
    for bad in ("LOW", "medium", " low", 1):
        assert issues_of({**VALID, "severity": bad}) == {"indexValues.severity": "invalid_value"}


def test_text_must_be_text_and_not_too_long() -> None:
    assert one("number", "0123456789") == "0123456789"
    assert one("number", "  0123456789  ") == "0123456789"  # length counts after stripping
    assert issues_of({**VALID, "number": "0123456789X"}) == {"indexValues.number": "invalid_value"}
    assert issues_of({**VALID, "number": 42}) == {"indexValues.number": "invalid_value"}


def test_unknown_fields_are_refused() -> None:
    assert issues_of({**VALID, "colour": "red"}) == {"indexValues.colour": "unknown_field"}


def test_required_fields_are_reported_together_with_other_issues() -> None:
    assert issues_of({"qty": "many", "colour": "red"}) == {
        "indexValues.number": "required",
        "indexValues.amount": "required",
        "indexValues.qty": "invalid_value",
        "indexValues.colour": "unknown_field",
    }


def test_a_bad_required_value_is_reported_once() -> None:
    issues = issues_of({"number": "A-1", "amount": "ten"})
    assert issues == {"indexValues.amount": "invalid_value"}


def test_required_text_of_only_spaces_counts_as_missing() -> None:
    """A required text field that is blank after stripping must not be stored as ""."""
    assert issues_of({**VALID, "number": "   "}) == {"indexValues.number": "required"}


@pytest.mark.parametrize("empty", [None, ""])
def test_none_or_empty_clears_a_field(empty: object) -> None:
    result = validate_values(DEFS, {**VALID, "due": empty, "qty": empty}, path="v")
    assert "due" not in result
    assert "qty" not in result


def test_clearing_a_required_field_is_refused() -> None:
    assert issues_of({**VALID, "number": None}) == {"indexValues.number": "required"}


def test_partial_skips_required_but_not_other_checks() -> None:
    assert validate_values(DEFS, {"qty": 2}, path="v", partial=True) == {"qty": 2}
    assert validate_values(DEFS, {"number": None}, path="v", partial=True) == {}
    assert issues_of({"qty": "x"}, partial=True) == {"indexValues.qty": "invalid_value"}


def test_empty_definitions_accept_only_nothing() -> None:
    assert validate_values([], {}, path="v") == {}
    with pytest.raises(ValidationFailed):
        validate_values([], {"anything": 1}, path="v")


def test_issue_messages_name_the_field() -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate_values(DEFS, {**VALID, "due": "soon"}, path="indexValues")
    assert "indexValues.due" in caught.value.message
    assert "YYYY-MM-DD" in caught.value.issues[0].message
