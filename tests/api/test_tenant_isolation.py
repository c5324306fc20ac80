"""Invariant 1, tenant isolation: every query and mutation that takes an id, generated from the
GraphQL schema itself, refuses the ids of another tenant exactly as it refuses an unknown id.

For each field of Query and Mutation (and each field nested under Query that takes arguments,
e.g. ``Dossier.documents(filter:)``) and each argument path leading to an ``ID`` (directly, in a
list, or inside an input object), one case is generated: every required argument is filled with
tenant A's own objects, except the id under test, which gets tenant B's object of the same kind.
Signed in as A's admin, the call is made twice: with B's id and with a random unknown UUID. Both
answers must be identical once the probed id is masked (same error code, same shape, same message),
must be a refusal (a ``not_found``-like error, or for filters an empty result), must not contain
anything of B, and nothing may have been written for A or B.

A field that cannot be filled automatically (an id whose kind is unknown, a required argument of
an unknown scalar type, ...) becomes a case that FAILS naming it, so a field added later is never
silently skipped: extend the mappings below.

The download endpoint and the CSV export of the audit trail are covered at the end.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import pytest_asyncio
from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    Undefined,
)

from backend.access.policy import ScopeKind
from backend.graphql.schema import build_schema
from backend.notifications.models import DeviceDraft, SubscriptionDraft
from backend.runtime import Runtime
from backend.search.criteria import SearchCriteria
from backend.views.models import Audience, Placement, ViewDraft
from tests.api.conftest import Api, browser, sign_in
from tests.factories import (
    TenantContext,
    blob_files,
    count_rows,
    make_tenant_context,
    pdf_bytes,
    unique,
)
from tests.owner import OwnerSql
from tests.push_service import Browser

SCHEMA: GraphQLSchema = build_schema()._schema

# -- the explicit mapping: which object kind an id argument names -------------------------------

#: Object kinds both tenants provide (see :class:`World`).
KINDS = (
    "customer",
    "document",
    "register",
    "document_type",
    "user",
    "tenant",
    "version",
    "group",
    "grant",
    "view",
    "subscription",
    "push_device",
    "address",
    "device",
)

#: Ids whose kind follows from their name, wherever they appear (argument or input field).
KIND_BY_NAME: dict[str, str] = {
    "customerId": "customer",
    "customerIds": "customer",
    "addressId": "address",
    "addressIds": "address",
    "documentId": "document",
    "registerId": "register",
    "registerIds": "register",
    "documentTypeId": "document_type",
    "documentTypeIds": "document_type",
    "actorId": "user",
    "userId": "user",
    "groupId": "group",
    "versionId": "version",
    "deviceId": "device",
}

#: Ids whose kind depends on the field (bare ``id`` arguments), by ``Type.field.argument``.
KIND_BY_PATH: dict[str, str] = {
    "Query.customer.id": "customer",
    "Query.document.id": "document",
    "Mutation.updateCustomer.id": "customer",
    "Mutation.updateDocumentMetadata.id": "document",
    "Mutation.deleteDocument.id": "document",
    "Mutation.deleteGroup.id": "group",
    "Mutation.revokeAccess.id": "grant",
    "Query.view.id": "view",
    "Mutation.updateView.id": "view",
    "Mutation.moveView.id": "view",
    "Mutation.deleteView.id": "view",
    "Mutation.grantAccess.input.subjectId": "user",  # with subjectKind USER (VALUES_BY_PATH)
    "Mutation.grantAccess.input.scopeId": "customer",  # with scopeKind CUSTOMER
    "Mutation.subscribe.input.targetId": "register",  # with targetKind REGISTER
    "Mutation.updateSubscription.id": "subscription",
    "Mutation.unsubscribe.id": "subscription",
    "Mutation.renamePushDevice.id": "push_device",
    "Mutation.removePushDevice.id": "push_device",
}

#: Values of required scalar and enum arguments that must match the id under test, by path.
VALUES_BY_PATH: dict[str, Any] = {
    "Mutation.grantAccess.input.role": "viewer",
    "Mutation.grantAccess.input.subjectKind": "USER",
    "Mutation.grantAccess.input.scopeKind": "CUSTOMER",
    # a view across customers, so that the customers it names are looked up
    "Mutation.createView.input.placement": "GLOBAL",
    "Mutation.updateView.input.audience.kind": "GROUP",  # so that the group is looked up
    "Mutation.subscribe.input.targetKind": "REGISTER",
}

#: Ids whose kind depends on a companion enum argument: ``auditTrail(target, targetId)``. One case
#: per enum value; a new enum value missing here fails its case.
COMPANION_KINDS: dict[str, tuple[str, dict[str, str]]] = {
    "Query.auditTrail.targetId": (
        "target",
        {
            "DOCUMENT": "document",
            "DOSSIER": "customer",  # a dossier is named by its customer's id
            "CUSTOMER": "customer",
            "USER": "user",
            "TENANT": "tenant",
        },
    ),
}

#: Values for required arguments of these scalar types (ids and uploads are handled apart).
SCALAR_VALUES: dict[str, Any] = {
    "String": "tenant isolation probe",
    "Int": 1,
    "Float": 1.0,
    "Boolean": False,
    "Date": "2024-01-15",
    "DateTime": "2024-01-15T09:00:00+00:00",
    "JSON": {},
}

#: Error codes that mean the call never reached the object lookup: never an acceptable refusal
#: (a case answering with one of them is broken, not isolated).
NOT_A_REFUSAL = {"invalid_query", "internal_error", "unauthenticated", "forbidden", "csrf_failed"}

PROBE = "__probe_id__"
P256DH = Browser("isolation", "https://push.example.net/").p256dh
MAX_ROUTE_DEPTH = 3

# -- generation ---------------------------------------------------------------------------------


class CannotFill(Exception):
    """A required argument or an id this module does not know how to fill."""


def unwrap(gtype: Any) -> Any:
    while isinstance(gtype, GraphQLNonNull | GraphQLList):
        gtype = gtype.of_type
    return gtype


def required(arg: GraphQLArgument | GraphQLInputField) -> bool:
    return isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined


def id_paths(
    gtype: Any, prefix: tuple[str, ...], seen: frozenset[str]
) -> Iterator[tuple[str, ...]]:
    """Paths (argument name, input field, ...) of every ``ID`` leaf under an argument type."""
    named = unwrap(gtype)
    if isinstance(named, GraphQLScalarType) and named.name == "ID":
        yield prefix
    elif isinstance(named, GraphQLInputObjectType) and named.name not in seen:
        for name, sub in named.fields.items():
            yield from id_paths(sub.type, (*prefix, name), seen | {named.name})


@dataclass(frozen=True)
class Hop:
    """One field of the route from the root to the field under test."""

    owner: str  # "Query", "Dossier", ...
    name: str
    field: GraphQLField


@dataclass
class Case:
    name: str
    operation: str  # "query" or "mutation"
    route: tuple[Hop, ...]
    arg_path: tuple[str, ...]  # argument of the last hop, then input fields
    kind: str = ""
    companion: dict[str, Any] = field(default_factory=dict)  # extra arguments of the last hop
    problem: str = ""  # why this case cannot be generated: the test fails with it

    @property
    def key(self) -> str:
        last = self.route[-1]
        return ".".join((last.owner, last.name, *self.arg_path))


def routes(root: GraphQLObjectType) -> Iterator[tuple[Hop, ...]]:
    """Every field reachable from ``root`` through single objects (breadth first, each object
    type by its shortest route). Mutations: only their own fields (their results are the query
    types, reached from Query)."""
    queue: list[tuple[GraphQLObjectType, tuple[Hop, ...]]] = [(root, ())]
    seen = {root.name}
    while queue:
        owner, route = queue.pop(0)
        for name, fld in owner.fields.items():
            hops = (*route, Hop(owner.name, name, fld))
            yield hops
            target = fld.type.of_type if isinstance(fld.type, GraphQLNonNull) else fld.type
            if (
                root is SCHEMA.query_type
                and isinstance(target, GraphQLObjectType)
                and target.name not in seen
                and len(hops) < MAX_ROUTE_DEPTH
            ):
                seen.add(target.name)
                queue.append((target, hops))


def kind_of(key: str) -> str:
    if key in KIND_BY_PATH:
        return KIND_BY_PATH[key]
    name = key.rsplit(".", 1)[-1]
    if name in KIND_BY_NAME:
        return KIND_BY_NAME[name]
    raise CannotFill(f"{key}: unknown id kind; add it to KIND_BY_NAME or KIND_BY_PATH")


def generate() -> list[Case]:
    cases: list[Case] = []
    for operation, root in (("query", SCHEMA.query_type), ("mutation", SCHEMA.mutation_type)):
        assert root is not None
        for route in routes(root):
            hop = route[-1]
            for arg_name, arg in hop.field.args.items():
                for path in id_paths(arg.type, (arg_name,), frozenset()):
                    case = Case("", operation, route, path)
                    if case.key in COMPANION_KINDS:
                        enum_arg, kinds = COMPANION_KINDS[case.key]
                        enum_type = unwrap(hop.field.args[enum_arg].type)
                        assert isinstance(enum_type, GraphQLEnumType), case.key
                        for value in enum_type.values:
                            sub = Case(
                                f"{case.key}[{enum_arg}={value}]",
                                operation,
                                route,
                                path,
                                kind=kinds.get(value, ""),
                                companion={enum_arg: value},
                            )
                            if value not in kinds:
                                sub.problem = f"{case.key}: no kind for {enum_arg}={value}"
                            cases.append(sub)
                        continue
                    case.name = case.key
                    try:
                        case.kind = kind_of(case.key)
                    except CannotFill as exc:
                        case.problem = str(exc)
                    cases.append(case)
    for case in cases:
        if not case.problem:
            try:
                build(case)  # fails early for required arguments nobody can fill
            except CannotFill as exc:
                case.problem = f"{case.name}: {exc}"
    return cases


# -- building one operation ---------------------------------------------------------------------


@dataclass
class Built:
    query: str
    variables: dict[str, Any]
    upload_path: str | None  # "variables.v0_input.file" when a file must be sent


def build(case: Case, ids: dict[str, str] | None = None) -> Built:
    """The operation for ``case``; ids not under test come from ``ids`` (kind -> A's id), the id
    under test is :data:`PROBE`. Without ``ids`` (generation time) ids are placeholders."""
    uploads: list[str] = []
    definitions: list[str] = []
    variables: dict[str, Any] = {}

    def own_id(key: str) -> str:
        kind = kind_of(key)
        return ids[kind] if ids else f"<{kind}>"

    def value(gtype: Any, key: str, var_path: str, probe: tuple[str, ...] | None) -> Any:
        if isinstance(gtype, GraphQLNonNull):
            return value(gtype.of_type, key, var_path, probe)
        if key in VALUES_BY_PATH:
            return VALUES_BY_PATH[key]
        if isinstance(gtype, GraphQLList):
            return [value(gtype.of_type, key, f"{var_path}.0", probe)]
        if isinstance(gtype, GraphQLScalarType):
            if gtype.name == "ID":
                return PROBE if probe == () else own_id(key)
            if gtype.name == "Upload":
                uploads.append(var_path)
                return None
            if gtype.name in SCALAR_VALUES:
                return SCALAR_VALUES[gtype.name]
            raise CannotFill(f"{key}: no value for required scalar {gtype.name}")
        if isinstance(gtype, GraphQLEnumType):
            return next(iter(gtype.values))
        if isinstance(gtype, GraphQLInputObjectType):
            result = {}
            for name, sub in gtype.fields.items():
                sub_probe = probe[1:] if probe and probe[0] == name else None
                if required(sub) or sub_probe is not None:
                    result[name] = value(sub.type, f"{key}.{name}", f"{var_path}.{name}", sub_probe)
            return result
        raise CannotFill(f"{key}: cannot fill type {gtype}")

    calls: list[str] = []
    for depth, hop in enumerate(case.route):
        last = depth == len(case.route) - 1
        args: list[str] = []
        for name, arg in hop.field.args.items():
            probe = case.arg_path[1:] if last and case.arg_path[0] == name else None
            if last and name in case.companion:
                variables[f"v{depth}_{name}"] = case.companion[name]
            elif not (required(arg) or probe is not None):
                continue
            else:
                var = f"v{depth}_{name}"
                variables[var] = value(
                    arg.type, f"{hop.owner}.{hop.name}.{name}", f"variables.{var}", probe
                )
            definitions.append(f"$v{depth}_{name}: {arg.type}")
            args.append(f"{name}: $v{depth}_{name}")
        calls.append(f"{hop.name}({', '.join(args)})" if args else hop.name)
    if len(uploads) > 1:
        raise CannotFill(f"more than one upload: {uploads}")
    body = select(case.route[-1].field.type, 0)
    for call in reversed(calls):
        body = f"{call} {{ {body} }}" if body else call
    header = f"{case.operation}({', '.join(definitions)})" if definitions else case.operation
    return Built(f"{header} {{ {body} }}", variables, uploads[0] if uploads else None)


def select(gtype: Any, depth: int) -> str:
    """A selection showing everything a leak could be seen in: ``__typename``, the scalars, one
    level of nested objects; for unions every member, errors with their code and issues."""
    named = unwrap(gtype)
    if isinstance(named, GraphQLScalarType | GraphQLEnumType):
        return ""
    if isinstance(named, GraphQLUnionType):
        parts = ["__typename", "... on Error { code message }"]
        if any(member.name == "ValidationError" for member in named.types):
            parts.append("... on ValidationError { issues { field code message } }")
        for member in named.types:
            if not any(i.name == "Error" for i in member.interfaces):
                parts.append(f"... on {member.name} {{ {select(member, depth)} }}")
        return " ".join(parts)
    if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
        parts = ["__typename"]
        for name, fld in named.fields.items():
            if any(required(a) for a in fld.args.values()):
                continue
            leaf = unwrap(fld.type)
            if isinstance(leaf, GraphQLScalarType | GraphQLEnumType):
                parts.append(name)
            elif depth < 1 and isinstance(leaf, GraphQLObjectType):
                parts.append(f"{name} {{ {select(leaf, depth + 1)} }}")
        return " ".join(parts)
    raise CannotFill(f"cannot select {named}")


CASES = generate()
ERROR_TYPES = {t.name for t in SCHEMA.get_implementations(SCHEMA.type_map["Error"]).objects}  # type: ignore[arg-type]

# -- the two tenants ----------------------------------------------------------------------------


@dataclass
class World:
    """Tenant A (signed in as its admin) and tenant B, each with one object of every kind."""

    a: TenantContext
    b: TenantContext
    admin: Api
    ids_a: dict[str, str]
    ids_b: dict[str, str]
    secrets_b: list[str]  # everything of B that must never show up in A's answers


async def objects(ctx: TenantContext) -> tuple[dict[str, str], list[str]]:
    customer = await ctx.customer()
    document = await ctx.document(customer, "letter")  # filed in Correspondence by default
    [versions] = await ctx.runtime.services().documents.versions_of(ctx.principal, [document.id])
    group = await ctx.runtime.services().access.create_group(ctx.principal, unique("g"), "Team")
    viewer, _ = await ctx.user("none")
    grant = await ctx.grant(viewer, "viewer", ScopeKind.CUSTOMER, customer.id)
    view = await ctx.runtime.services().views.create(
        ctx.principal,
        ViewDraft(unique("view"), Audience.tenant(), Placement.GLOBAL, SearchCriteria()),
    )
    notifications = ctx.runtime.services().notifications
    subscription = await notifications.subscribe(
        ctx.principal, SubscriptionDraft("customer", customer.id)
    )
    device = await notifications.register_device(
        ctx.principal,
        DeviceDraft(
            f"https://push.example.net/{unique('d')}", P256DH, "AAAAAAAAAAAAAAAAAAAAAA", "Phone"
        ),
    )
    [[address]] = await ctx.runtime.services().customers.addresses(ctx.principal, [customer.id])

    async def keep_session() -> None:
        return None

    browser_device = await ctx.runtime.services().devices.seen(
        ctx.principal, unique("browser"), "Firefox on Linux", keep_session
    )
    ids = {
        "customer": customer.id,
        "document": document.id,
        "register": ctx.registers["correspondence"].id,
        "document_type": ctx.types["letter"].id,
        "user": ctx.admin.id,
        "tenant": ctx.tenant.id,
        "version": versions[0].id,
        "group": group.id,
        "grant": grant.id,
        "view": view.id,
        "subscription": subscription.id,
        "push_device": device.id,
        "address": address.id,
        "device": browser_device.id,
    }
    assert set(ids) == set(KINDS)
    secrets = [
        *ids.values(),
        *(r.id for r in ctx.registers.values()),
        *(t.id for t in ctx.types.values()),
        customer.name,
        customer.erp_number,
        document.title,
        ctx.admin.email,
        ctx.tenant.slug,
        versions[0].sha256,
        group.key,
        viewer.email,
        view.name,
    ]
    return ids, secrets


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def world(runtime: Runtime) -> AsyncIterator[World]:
    a = await make_tenant_context(runtime)
    b = await make_tenant_context(runtime)
    ids_a, _ = await objects(a)
    ids_b, secrets_b = await objects(b)
    async with browser(runtime) as client:
        admin = await sign_in(client, a)
        yield World(a, b, admin, ids_a, ids_b, secrets_b)


# -- what a call may reveal and write -----------------------------------------------------------

TABLES = (
    "access_grant",
    "access_role",
    "user_group",
    "group_member",
    "customer",
    "customer_address",
    "customer_contact",
    "customer_visit",
    "document",
    "document_version",
    "document_history",
    "document_register",
    "document_index_value",
    "document_tombstone",
    "blob",
    "saved_view",
)


async def count_audit(runtime: Runtime, tenant_id: str) -> int:
    rows = await OwnerSql(runtime).fetch(
        "SELECT count(*) AS n FROM audit_event WHERE tenant = {}", tenant_id
    )
    return int(rows[0]["n"])


async def footprint(world: World) -> dict[str, int]:
    counts: dict[str, int] = {}
    for label, ctx in (("A", world.a), ("B", world.b)):
        for table in TABLES:
            counts[f"{label}.{table}"] = await count_rows(ctx.runtime, table, ctx.tenant.id)
        counts[f"{label}.audit_event"] = await count_audit(ctx.runtime, ctx.tenant.id)
        counts[f"{label}.blob files"] = len(blob_files(ctx.runtime, ctx.tenant.id))
    return counts


def masked(body: Any, probe: str) -> Any:
    """The answer with the probed id (and its echoes in messages) replaced by a marker."""
    return json.loads(json.dumps(body).replace(probe, "<probe>"))


def leaks(body: Any, secrets: list[str], probe: str) -> list[str]:
    text = json.dumps(body, ensure_ascii=False).lower()
    return [s for s in secrets if s != probe and s.lower() in text]


def at(data: Any, route: tuple[Hop, ...]) -> Any:
    for hop in route:
        if not isinstance(data, dict):
            return None
        data = data.get(hop.name)
    return data


def has_items(value: Any) -> bool:
    if isinstance(value, list):
        return bool(value)
    if isinstance(value, dict):
        return any(has_items(v) for v in value.values())
    return False


def outcome(body: dict[str, Any], case: Case) -> str:
    """``error:<code>`` (top-level GraphQL error), ``<Type>:<code>`` (union member implementing
    Error), ``empty`` (a list answer without items), or ``answer`` (anything else)."""
    if body.get("errors"):
        codes = sorted({str((e.get("extensions") or {}).get("code")) for e in body["errors"]})
        return "error:" + ",".join(codes)
    result = at(body.get("data"), case.route)
    if isinstance(result, dict) and result.get("__typename") in ERROR_TYPES:
        return f"{result['__typename']}:{result.get('code')}"
    return "answer" if result is None or has_items(result) else "empty"


async def call(world: World, case: Case, probe: str) -> dict[str, Any]:
    built = build(case, world.ids_a)
    variables = json.loads(json.dumps(built.variables).replace(PROBE, probe))
    if built.upload_path is None:
        return await world.admin.gql(built.query, variables)
    return await world.admin.upload(
        built.query,
        variables,
        built.upload_path,
        "probe.pdf",
        pdf_bytes("probe"),
        "application/pdf",
    )


# -- the generated cases ------------------------------------------------------------------------


def test_generation_finds_every_known_id_argument() -> None:
    """Guards the generator itself: these are the id arguments the schema had when this module was
    written; new ones are picked up automatically, none of these may silently disappear."""
    names = {c.name for c in CASES}
    expected = {
        "Query.customer.id",
        "Query.dossier.customerId",
        "Query.document.id",
        "Query.auditTrail.actorId",
        "Query.auditTrail.targetId[target=DOCUMENT]",
        "Dossier.documents.filter.registerId",
        "Dossier.documents.filter.documentTypeId",
        "Mutation.updateCustomer.id",
        "Mutation.uploadDocument.input.customerId",
        "Mutation.uploadDocument.input.documentTypeId",
        "Mutation.uploadDocument.input.registerIds",
        "Mutation.addVersion.documentId",
        "Mutation.updateDocumentMetadata.id",
        "Mutation.assignRegisters.documentId",
        "Mutation.assignRegisters.registerIds",
        "Mutation.setLegalHold.documentId",
        "Mutation.liftLegalHold.documentId",
        "Mutation.deleteDocument.id",
        "Query.grants.userId",
        "Query.grants.groupId",
        "Mutation.deleteGroup.id",
        "Mutation.addGroupMember.groupId",
        "Mutation.addGroupMember.userId",
        "Mutation.removeGroupMember.groupId",
        "Mutation.removeGroupMember.userId",
        "Mutation.grantAccess.input.subjectId",
        "Mutation.grantAccess.input.scopeId",
        "Mutation.revokeAccess.id",
        "Mutation.setUserRole.userId",
        "Query.view.id",
        "Query.views.groupId",
        "Mutation.createView.input.criteria.customerIds",
        "Mutation.createView.input.criteria.documentTypeIds",
        "Mutation.createView.input.criteria.registerIds",
        "Mutation.updateView.id",
        "Mutation.updateView.input.audience.groupId",
        "Mutation.moveView.id",
        "Mutation.deleteView.id",
        "Query.planRoute.customerIds",
        "Query.planRoute.addressIds",
        "Mutation.setAddressPosition.addressId",
        "Mutation.recordVisit.input.customerId",
    }
    assert expected <= names, sorted(expected - names)


def test_every_field_taking_an_id_has_a_case() -> None:
    """Fields taking ids that the generator cannot route to (e.g. nested under a list, or deeper
    than MAX_ROUTE_DEPTH) must not be skipped silently."""
    covered = {(c.route[-1].owner, c.route[-1].name) for c in CASES}
    # Live subscriptions answer only with events of the subscriber's tenant, whatever id they
    # are given: tests/notifications/test_live_updates.py covers them over a real WebSocket.
    live = SCHEMA.subscription_type.name if SCHEMA.subscription_type else None
    missing = [
        f"{gtype.name}.{name}"
        for gtype in SCHEMA.type_map.values()
        if isinstance(gtype, GraphQLObjectType)
        and not gtype.name.startswith("__")
        and gtype.name != live
        for name, fld in gtype.fields.items()
        if any(next(id_paths(a.type, (n,), frozenset()), None) for n, a in fld.args.items())
        and (gtype.name, name) not in covered
    ]
    assert not missing, f"fields taking an id without an isolation case: {missing}"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_ids_of_another_tenant_are_refused_like_unknown_ids(world: World, case: Case) -> None:
    if case.problem:
        pytest.fail(f"cannot generate a tenant-isolation call: {case.problem}")
    b_id = world.ids_b[case.kind]
    unknown = str(uuid.uuid4())

    # Control (reads only, before counting): with A's own id the operation is valid and answers.
    if case.operation == "query":
        own = await call(world, case, world.ids_a[case.kind])
        assert "errors" not in own, (build(case, world.ids_a).query, own)
        assert at(own["data"], case.route) is not None, own

    before = await footprint(world)
    foreign = await call(world, case, b_id)
    missing = await call(world, case, unknown)
    after = await footprint(world)

    query = build(case, world.ids_a).query
    got = outcome(foreign, case)
    assert masked(foreign, b_id) == masked(missing, unknown), (
        f"{case.name}: B's id answered differently from an unknown id\nquery: {query}\n"
        f"with B's id:  {json.dumps(foreign)}\nwith unknown: {json.dumps(missing)}"
    )
    assert got != "answer", f"{case.name}: B's id was not refused: {json.dumps(foreign)}"
    assert got.rsplit(":", 1)[-1] not in NOT_A_REFUSAL, (
        f"{case.name}: the call failed before any lookup ({got}); the case is broken\n"
        f"query: {query}\n{json.dumps(foreign)}"
    )
    assert not leaks(foreign, world.secrets_b, b_id), (
        f"{case.name}: B's data in the answer: {leaks(foreign, world.secrets_b, b_id)}"
    )
    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    assert not changed, f"{case.name}: refused calls wrote rows: {changed}"


# -- the HTTP endpoints -------------------------------------------------------------------------


async def test_download_of_another_tenants_version_is_not_found(world: World) -> None:
    client = world.admin.client
    b_version = world.ids_b["version"]
    unknown = str(uuid.uuid4())
    before = await footprint(world)
    foreign = await client.get(f"/files/{b_version}")
    missing = await client.get(f"/files/{unknown}")
    assert (await footprint(world)) == before
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json()["error"]["code"] == "not_found"
    assert masked(foreign.json(), b_version) == masked(missing.json(), unknown)
    assert not leaks(foreign.text, world.secrets_b, b_version)
    own = await client.get(f"/files/{world.ids_a['version']}")
    assert own.status_code == 200  # control: the route works for A's own version


@pytest.mark.parametrize(
    ("target", "kind"),
    [
        ("document", "document"),
        ("dossier", "customer"),
        ("customer", "customer"),
        ("user", "user"),
        ("tenant", "tenant"),
    ],
)
async def test_audit_export_for_another_tenants_object_is_empty(
    world: World, target: str, kind: str
) -> None:
    client = world.admin.client
    b_id = world.ids_b[kind]
    unknown = str(uuid.uuid4())
    before = await footprint(world)
    foreign = await client.get("/audit/export.csv", params={"target": target, "target_id": b_id})
    missing = await client.get("/audit/export.csv", params={"target": target, "target_id": unknown})
    assert (await footprint(world)) == before
    assert foreign.status_code == missing.status_code == 200, foreign.text
    # No event (of B, nor of A about B's object); the body is the same as for an unknown id.
    assert foreign.text.splitlines()[0].startswith("seq,occurred_at,")
    assert foreign.text.splitlines()[1:] == []
    assert foreign.text == missing.text
    assert not leaks(foreign.text, world.secrets_b, b_id)
    if target == "document":  # control: A's own document has its creation event
        own = await client.get(
            "/audit/export.csv", params={"target": target, "target_id": world.ids_a[kind]}
        )
        assert "document.create" in own.text
