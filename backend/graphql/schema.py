"""The GraphQL schema: queries and mutations merged from the per-aggregate modules, with limits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLError
from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as alias_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from backend.graphql.access import AccessMutation, AccessQuery
from backend.graphql.accounts import AccountMutation, AccountQuery
from backend.graphql.audit import AuditCheckpointQuery, AuditMutation, AuditQuery
from backend.graphql.catalog import CatalogMutation, CatalogQuery
from backend.graphql.customers import CustomerMutation, CustomerQuery
from backend.graphql.devices import DeviceMutation, DeviceQuery
from backend.graphql.documents import DocumentMutation, DocumentQuery
from backend.graphql.dossiers import DossierQuery
from backend.graphql.errors import (
    ConflictError,
    DomainErrorCodes,
    ForbiddenError,
    NotFoundError,
    PageError,
    UnavailableError,
    UploadError,
    ValidationError,
)
from backend.graphql.geo import GeoMutation, GeoQuery
from backend.graphql.inbox import InboxMutation, InboxQuery
from backend.graphql.live import LiveSubscription
from backend.graphql.notifications import NotificationMutation, NotificationQuery
from backend.graphql.renditions import RenditionMutation
from backend.graphql.search import SearchQuery
from backend.graphql.views import ViewMutation, ViewQuery
from backend.graphql.visits import VisitMutation
from backend.settings import LimitSettings

__all__ = ["build_schema"]

Query = merge_types(
    "Query",
    (
        AccessQuery,
        AccountQuery,
        AuditQuery,
        AuditCheckpointQuery,
        CatalogQuery,
        CustomerQuery,
        DeviceQuery,
        DossierQuery,
        DocumentQuery,
        ViewQuery,
        GeoQuery,
        NotificationQuery,
        InboxQuery,
        SearchQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        AccessMutation,
        AccountMutation,
        AuditMutation,
        CatalogMutation,
        CustomerMutation,
        DeviceMutation,
        DocumentMutation,
        GeoMutation,
        NotificationMutation,
        InboxMutation,
        RenditionMutation,
        ViewMutation,
        VisitMutation,
    ),
)


class DossierSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Expected errors are answers, not incidents; DomainErrorCodes logs the unexpected ones.
        # Errors raised before execution (syntax, validation, limits) get their code here.
        for error in errors:
            if not (error.extensions or {}).get("code"):
                error.extensions = {**(error.extensions or {}), "code": "invalid_query"}


def build_schema(
    limits: LimitSettings | None = None, *, introspection: bool = True
) -> strawberry.Schema:
    limits = limits or LimitSettings()
    # Rule classes are made once: ValidationCache keys on them, so new classes per request
    # (what QueryDepthLimiter and MaxAliasesLimiter instances make) would never hit the cache.
    rules: list[type[ASTValidationRule]] = [
        depth_validator(limits.graphql_max_depth, None),
        alias_validator(limits.graphql_max_aliases),
    ]
    if not introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        lambda: AddValidationRules(rules),
        lambda: MaxTokensLimiter(max_token_count=limits.graphql_max_tokens),
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        DomainErrorCodes,
    ]
    extra_types: list[Any] = [
        ValidationError,
        NotFoundError,
        ConflictError,
        ForbiddenError,
        UploadError,
        UnavailableError,
        PageError,
    ]
    return DossierSchema(
        query=Query,
        mutation=Mutation,
        subscription=LiveSubscription,
        extensions=extensions,
        types=extra_types,
    )
