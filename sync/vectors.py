"""Shared merge test vectors: written to ``schema/sync-merge-vectors.json`` by ``./dev schema`` and
run by pytest and by Vitest (``pwa/src/sync/merge.test.ts``), so both merges agree.

``CASES`` state their expectations by hand; ``generated_cases`` adds seeded random cases whose
expectations the Python merge computes (the TypeScript merge must match them). In the JSON, a
key missing from a conflict's ``base``/``mine``/``theirs`` means "absent".
"""

from __future__ import annotations

import random
from typing import Any

from sync.merge import ABSENT, FieldConflict, merge

__all__ = ["CASES", "case_json", "generated_cases", "vectors"]

_A = ABSENT


def _case(
    name: str,
    base: dict[str, Any],
    mine: dict[str, Any],
    theirs: dict[str, Any],
    patch: dict[str, Any],
    conflicts: list[tuple[str, str | None, Any, Any, Any]],
    merged: bool,
) -> dict[str, Any]:
    return {
        "name": name,
        "base": base,
        "mine": mine,
        "theirs": theirs,
        "patch": patch,
        "conflicts": [FieldConflict(*c) for c in conflicts],
        "merged": merged,
    }


CASES: list[dict[str, Any]] = [
    _case("only mine changed", {"t": "a"}, {"t": "b"}, {"t": "a"}, {"t": "b"}, [], False),
    _case("only theirs changed", {"t": "a"}, {"t": "a"}, {"t": "c"}, {}, [], True),
    _case("equal changes", {"t": "a"}, {"t": "b"}, {"t": "b"}, {}, [], True),
    _case("nothing changed", {"t": "a"}, {"t": "a"}, {"t": "a"}, {}, [], False),
    _case("conflict", {"t": "a"}, {"t": "b"}, {"t": "c"}, {}, [("t", None, "a", "b", "c")], True),
    _case(
        "different fields merge",
        {"t": "a", "s": "x"},
        {"t": "b"},
        {"t": "a", "s": "y"},
        {"t": "b"},
        [],
        True,
    ),
    _case("set to null", {"t": "a"}, {"t": None}, {"t": "a"}, {"t": None}, [], False),
    _case("null is not absent", {}, {"t": None}, {}, {"t": None}, [], False),
    _case("new field", {}, {"t": "b"}, {}, {"t": "b"}, [], False),
    _case(
        "new field set there too", {}, {"t": "b"}, {"t": "c"}, {}, [("t", None, _A, "b", "c")], True
    ),
    _case("field removed there", {"t": "a"}, {"t": "b"}, {}, {}, [("t", None, "a", "b", _A)], True),
    _case("numbers by value", {"n": 1}, {"n": 2.0}, {"n": 2}, {}, [], True),
    _case(
        "booleans are not numbers",
        {"n": 0},
        {"n": True},
        {"n": 1},
        {},
        [("n", None, 0, True, 1)],
        True,
    ),
    _case(
        "lists compare whole",
        {"l": [1]},
        {"l": [1, 2]},
        {"l": [1, 3]},
        {},
        [("l", None, [1], [1, 2], [1, 3])],
        True,
    ),
    _case(
        "index values merge per key",
        {"iv": {"a": 1, "b": 1, "c": 1}},
        {"iv": {"a": 2, "b": 1}},
        {"iv": {"a": 1, "b": 3, "c": 1, "d": 4}},
        {"iv": {"a": 2, "b": 3, "d": 4}},
        [],
        True,
    ),
    _case(
        "index key conflict",
        {"iv": {"a": 1, "b": 1}},
        {"iv": {"a": 2, "b": 5}},
        {"iv": {"a": 3, "b": 1}},
        {"iv": {"a": 3, "b": 5}},
        [("iv", "a", 1, 2, 3)],
        True,
    ),
    _case(
        "index key removed here, changed there",
        {"iv": {"a": 1}},
        {"iv": {}},
        {"iv": {"a": 3}},
        {},
        [("iv", "a", 1, _A, 3)],
        True,
    ),
    _case(
        "index key added on both sides equally",
        {"iv": {}},
        {"iv": {"k": "v"}},
        {"iv": {"k": "v"}},
        {},
        [],
        True,
    ),
    _case(
        "index without base merges per key",
        {},
        {"iv": {"a": 1}},
        {"iv": {"b": 2}},
        {"iv": {"a": 1, "b": 2}},
        [],
        True,
    ),
    _case("index with null base", {"iv": None}, {"iv": {"a": 1}}, {"iv": {"a": 1}}, {}, [], True),
    _case(
        "object replaced by a scalar there",
        {"iv": {"a": 1}},
        {"iv": {"a": 2}},
        {"iv": "gone"},
        {},
        [("iv", None, {"a": 1}, {"a": 2}, "gone")],
        True,
    ),
    _case(
        "base field not patched changed there",
        {"t": "a", "s": 1},
        {"t": "b"},
        {"t": "a", "s": 2},
        {"t": "b"},
        [],
        True,
    ),
    _case(
        "conflicts ordered by field and key",
        {"z": 1, "a": {"y": 1, "b": 1}},
        {"z": 2, "a": {"y": 2, "b": 2}},
        {"z": 3, "a": {"y": 3, "b": 3}},
        {},
        [("a", "b", 1, 2, 3), ("a", "y", 1, 2, 3), ("z", None, 1, 2, 3)],
        True,
    ),
    _case(
        "nested objects compare by value",
        {"o": 1},
        {"o": {"x": {"y": [1]}}},
        {"o": 1},
        {"o": {"x": {"y": [1]}}},
        [],
        False,
    ),
]

_SCALARS: list[Any] = ["a", "b", 1, 2, 1.5, True, False, None, [1], [1, 2]]


def _value(rng: random.Random, depth: int = 0) -> Any:
    if depth == 0 and rng.random() < 0.25:
        return {k: _value(rng, 1) for k in rng.sample(["k1", "k2", "k3"], rng.randint(0, 3))}
    return rng.choice(_SCALARS)


def _side(rng: random.Random, fields: list[str]) -> dict[str, Any]:
    return {f: _value(rng) for f in fields if rng.random() < 0.8}


def _vary(rng: random.Random, base: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    side = {k: v for k, v in base.items() if rng.random() < 0.9}
    for f in fields:
        if rng.random() < 0.4:
            value = base.get(f)
            if isinstance(value, dict) and rng.random() < 0.7:
                changed = dict(value)
                for k in ("k1", "k2", "k3"):
                    roll = rng.random()
                    if roll < 0.3:
                        changed[k] = _value(rng, 1)
                    elif roll < 0.45:
                        changed.pop(k, None)
                side[f] = changed
            else:
                side[f] = _value(rng)
    return side


def generated_cases(count: int = 150, seed: int = 21) -> list[dict[str, Any]]:
    rng = random.Random(seed)  # noqa: S311 - test data, not security
    cases = []
    for n in range(count):
        fields = ["f1", "f2", "f3"]
        base = _side(rng, fields)
        mine = {f: v for f, v in _vary(rng, base, fields).items() if rng.random() < 0.7}
        theirs = _vary(rng, base, fields)
        result = merge(base, mine, theirs)
        cases.append(
            {
                "name": f"generated {n}",
                "base": base,
                "mine": mine,
                "theirs": theirs,
                "patch": result.patch,
                "conflicts": result.conflicts,
                "merged": result.merged,
            }
        )
    return cases


def _conflict_json(found: FieldConflict) -> dict[str, Any]:
    sides = {"base": found.base, "mine": found.mine, "theirs": found.theirs}
    return {
        "field": found.field,
        "key": found.key,
        **{side: value for side, value in sides.items() if value is not ABSENT},
    }


def case_json(case: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": case["name"],
        "base": case["base"],
        "mine": case["mine"],
        "theirs": case["theirs"],
        "expected": {
            "patch": case["patch"],
            "conflicts": [_conflict_json(c) for c in case["conflicts"]],
            "merged": case["merged"],
        },
    }


def vectors() -> dict[str, Any]:
    return {
        "description": "Three-way merge vectors (sync/merge.py, pwa/src/sync/merge.ts). "
        "Generated by ./dev schema from sync/vectors.py; do not edit.",
        "cases": [case_json(c) for c in [*CASES, *generated_cases()]],
    }
