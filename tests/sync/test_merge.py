from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.merge import ABSENT, FieldConflict, merge, same


def test_a_field_changed_only_by_me_is_taken() -> None:
    result = merge({"title": "a"}, {"title": "b"}, {"title": "a", "status": "open"})
    assert result.patch == {"title": "b"}
    assert result.conflicts == []
    assert not result.merged


def test_a_field_changed_only_by_them_stays() -> None:
    result = merge({"title": "a"}, {"title": "a"}, {"title": "c"})
    assert result.patch == {}
    assert result.conflicts == []
    assert result.merged


def test_equal_changes_on_both_sides_are_not_conflicts() -> None:
    result = merge({"title": "a"}, {"title": "b"}, {"title": "b"})
    assert (result.patch, result.conflicts, result.merged) == ({}, [], True)


def test_different_changes_of_one_field_conflict_and_theirs_stays() -> None:
    result = merge(
        {"title": "a", "status": "x"}, {"title": "b", "status": "y"}, {"title": "c", "status": "x"}
    )
    assert result.patch == {"status": "y"}
    assert result.conflicts == [FieldConflict("title", None, "a", "b", "c")]


def test_index_values_merge_per_key() -> None:
    base = {"index_values": {"amount": 1, "project": "n", "old": True}}
    mine = {"index_values": {"amount": 2, "project": "n"}}
    theirs = {"index_values": {"amount": 1, "project": "s", "old": True, "new": "x"}}
    result = merge(base, mine, theirs)
    assert result.patch == {"index_values": {"amount": 2, "project": "s", "new": "x"}}
    assert result.conflicts == []
    assert result.merged


def test_a_key_changed_on_both_sides_conflicts_by_key() -> None:
    base = {"index_values": {"amount": 1}}
    result = merge(base, {"index_values": {}}, {"index_values": {"amount": 3}})
    assert result.patch == {}
    assert result.conflicts == [FieldConflict("index_values", "amount", 1, ABSENT, 3)]


def test_null_is_a_value_and_absent_is_another() -> None:
    assert not same(None, ABSENT)
    result = merge({}, {"status": None}, {})
    assert result.patch == {"status": None}
    result = merge({"status": None}, {"status": "x"}, {})
    assert result.conflicts == [FieldConflict("status", None, None, "x", ABSENT)]


def test_values_compare_as_json() -> None:
    assert same(1, 1.0)
    assert not same(True, 1)
    assert not same("1", 1)
    assert same({"a": [1, {"b": None}]}, {"a": [1.0, {"b": None}]})
    assert not same({"a": 1}, {"a": 1, "b": 2})
    assert not same([1], [1, 2])


def test_a_base_field_changed_on_the_server_makes_it_merged() -> None:
    result = merge({"title": "a", "status": "x"}, {"title": "b"}, {"title": "a", "status": "y"})
    assert result.patch == {"title": "b"}
    assert result.merged


_scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["a", "b"]))
_values = st.one_of(_scalars, st.dictionaries(st.sampled_from(["k1", "k2"]), _scalars, max_size=2))
_fields = st.dictionaries(st.sampled_from(["f1", "f2", "f3"]), _values, max_size=3)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(base=_fields, mine=_fields, theirs=_fields)
def test_merge_properties(
    base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]
) -> None:
    result = merge(base, mine, theirs)
    # A change made on exactly what the server has applies whole, without conflict.
    clean = merge(theirs, mine, theirs)
    assert clean.conflicts == []
    assert not clean.merged
    assert same({**theirs, **clean.patch}, {**theirs, **mine})
    # Sending back what one saw changes nothing.
    assert merge(base, {k: base[k] for k in mine if k in base}, theirs).conflicts == []
    # Conflicts are symmetric in mine and theirs, for the fields both have.
    common = mine.keys() & theirs.keys()
    swapped = merge(base, {k: theirs[k] for k in common}, {k: mine[k] for k in common})
    assert {(c.field, c.key) for c in result.conflicts if c.field in common} == {
        (c.field, c.key) for c in swapped.conflicts
    }
    # The patch never touches a conflicting value, and writes only what changes.
    merged = {**theirs, **result.patch}
    for c in result.conflicts:
        current = merged.get(c.field, ABSENT)
        value = (
            current.get(c.key, ABSENT)
            if c.key is not None and isinstance(current, dict)
            else current
        )
        assert same(value, c.theirs)
    assert all(not same(v, theirs.get(k, ABSENT)) for k, v in result.patch.items())
