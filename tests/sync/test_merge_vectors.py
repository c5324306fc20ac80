"""The shared merge vectors (schema/sync-merge-vectors.json), also run by Vitest against the
TypeScript merge. Hand-written cases state their expectations; this checks the Python merge
against every case in the committed file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sync.merge import merge, same
from sync.vectors import CASES, case_json

VECTORS = Path(__file__).resolve().parents[2] / "schema" / "sync-merge-vectors.json"
CASES_ON_FILE: list[dict[str, Any]] = json.loads(VECTORS.read_text())["cases"]


def test_the_file_holds_every_hand_written_case_as_stated() -> None:
    on_file = {case["name"]: case for case in CASES_ON_FILE}
    for case in CASES:
        assert on_file[case["name"]] == json.loads(json.dumps(case_json(case)))


@pytest.mark.parametrize("case", CASES_ON_FILE, ids=[c["name"] for c in CASES_ON_FILE])
def test_the_python_merge_meets_each_vector(case: dict[str, Any]) -> None:
    result = merge(case["base"], case["mine"], case["theirs"])
    got = case_json(
        {**case, "patch": result.patch, "conflicts": result.conflicts, "merged": result.merged}
    )["expected"]
    assert same(got, case["expected"]), (got, case["expected"])
