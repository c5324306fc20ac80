"""The demo's plan, checked without a database: deterministic, exactly as large as asked, and
valid for the tenant's schemas and the upload checks before the seeder sends anything."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from backend.demo.business import timeline
from backend.demo.catalog import COVER_SCHEMA, DOCUMENT_TYPES, REGISTERS
from backend.demo.documents import plan_documents
from backend.demo.files import render
from backend.demo.people import CustomerProfile, make_customers
from backend.demo.plans import DocumentPlan
from backend.documents.content import inspect_content
from backend.fields import parse_field_defs, validate_values

TODAY = dt.date(2025, 6, 30)


def plan(
    seed: int, customers: int, documents: int
) -> tuple[list[CustomerProfile], list[DocumentPlan]]:
    rng = random.Random(seed)
    profiles = make_customers(rng, customers, TODAY)
    return profiles, plan_documents(profiles, timeline(rng, profiles, documents, TODAY), TODAY)


def test_same_seed_gives_the_same_plan() -> None:
    assert plan(7, 20, 300) == plan(7, 20, 300)
    assert plan(7, 20, 300) != plan(8, 20, 300)


@pytest.mark.parametrize(("customers", "documents"), [(60, 1500), (3, 10), (1, 1), (5, 0)])
def test_plan_has_exactly_the_documents_asked_for(customers: int, documents: int) -> None:
    profiles, plans = plan(7, customers, documents)

    assert len(profiles) == customers
    assert len(plans) == documents
    assert all(TODAY - dt.timedelta(days=730) <= p.day <= TODAY for p in plans)
    assert [p.day for p in plans] == sorted(p.day for p in plans)


def test_no_customers_no_documents() -> None:
    assert plan(7, 0, 50) == ([], [])


def test_customers_are_unique_and_follow_the_cover_schema() -> None:
    profiles, _ = plan(7, 60, 0)
    schema = parse_field_defs(COVER_SCHEMA)

    assert len({p.erp_number for p in profiles}) == 60
    assert len({p.name for p in profiles}) == 60
    assert sum(not p.name.isascii() for p in profiles) >= 30
    for p in profiles:
        validate_values(schema, p.key_data, path="keyData")
        for address in (p.billing, p.delivery):
            assert 45 < (address.latitude or 0) < 60
            assert 5 < (address.longitude or 0) < 23
            assert address.country == p.country.code
        assert p.contacts
        assert all(c.email.isascii() for c in p.contacts)


def test_documents_fit_their_types_and_registers() -> None:
    _, plans = plan(7, 60, 1500)
    fields = {t.key: parse_field_defs(t.fields) for t in DOCUMENT_TYPES}
    registers = {key for key, _ in REGISTERS}

    assert {p.type_key for p in plans} == set(fields)
    for p in plans:
        validate_values(fields[p.type_key], p.index_values, path="indexValues")
        assert set(p.registers or ()) <= registers
        for revision in p.revisions:
            if revision.patch and revision.patch.index_values:
                merged = {**p.index_values, **revision.patch.index_values}
                validate_values(fields[p.type_key], merged, path="indexValues")
    assert sum(bool(r.file) for p in plans for r in p.revisions) >= 20
    assert sum(bool(r.patch) for p in plans for r in p.revisions) >= 20


def test_every_planned_file_passes_the_upload_checks(caplog: pytest.LogCaptureFixture) -> None:
    _, plans = plan(11, 12, 80)

    for p in plans:
        inspect_content(p.filename, render(p.file), 10 << 20)
        for revision in p.revisions:
            if revision.file is not None:
                inspect_content(revision.filename, render(revision.file), 10 << 20)
    assert not [r for r in caplog.records if "missing" in r.getMessage()]  # glyphs in the font
