"""Domain errors on the GraphQL wire.

Expected errors of mutations are part of the schema: each mutation returns a union of its result
and the error types below, all implementing ``Error { code, message }``. Errors raised by queries
(unknown id, not signed in) travel as GraphQL errors whose ``extensions.code`` is the same stable
code. Anything unexpected is masked as ``internal_error`` and logged.
"""

from __future__ import annotations

import logging
from typing import Any

import strawberry
from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from backend import errors as domain

__all__ = [
    "ConflictError",
    "DomainErrorCodes",
    "ErrorType",
    "FieldIssueType",
    "ForbiddenError",
    "NotFoundError",
    "PageError",
    "UnavailableError",
    "UploadError",
    "ValidationError",
    "as_error",
]

log = logging.getLogger("dossier.graphql")


@strawberry.interface(name="Error", description="An expected failure with a stable code.")
class ErrorType:
    code: str
    message: str


@strawberry.type(name="FieldIssue")
class FieldIssueType:
    field: str = strawberry.field(description="Dotted path of the input, e.g. indexValues.amount.")
    code: str
    message: str


@strawberry.type
class ValidationError(ErrorType):
    issues: list[FieldIssueType]


@strawberry.type
class NotFoundError(ErrorType):
    pass


@strawberry.type
class ConflictError(ErrorType):
    pass


@strawberry.type
class ForbiddenError(ErrorType):
    pass


@strawberry.type
class UploadError(ErrorType):
    pass


@strawberry.type(
    description="A page that cannot be shown: page_out_of_range, preview_pending, no_pages, "
    "or the renderer's refusal (pdf_too_complex, pdf_render_timeout, corrupt_pdf)."
)
class PageError(ErrorType):
    pass


@strawberry.type(description="A service Dossier depends on (the company directory) is unavailable.")
class UnavailableError(ErrorType):
    pass


def as_error(exc: domain.DossierError) -> ErrorType:
    if isinstance(exc, domain.ValidationFailed):
        return ValidationError(
            code=exc.code,
            message=exc.message,
            issues=[
                FieldIssueType(field=i.field, code=i.code, message=i.message) for i in exc.issues
            ],
        )
    if isinstance(exc, domain.NotFound):
        return NotFoundError(code=exc.code, message=exc.message)
    if isinstance(exc, domain.Conflict):
        return ConflictError(code=exc.code, message=exc.message)
    if isinstance(exc, domain.Forbidden):
        return ForbiddenError(code=exc.code, message=exc.message)
    if isinstance(exc, domain.UploadRejected):
        return UploadError(code=exc.code, message=exc.message)
    if isinstance(exc, domain.PageUnavailable):
        return PageError(code=exc.code, message=exc.message)
    if isinstance(exc, domain.DirectoryUnavailable):
        return UnavailableError(code=exc.code, message=exc.message)
    raise exc  # not expected in a mutation result (e.g. Unauthenticated): a top-level error


def _with_code(error: GraphQLError, code: str) -> GraphQLError:
    error.extensions = {**(error.extensions or {}), "code": code}
    return error


class DomainErrorCodes(MaskErrors):
    """Gives every GraphQL error a stable ``extensions.code`` and masks unexpected ones."""

    def __init__(self) -> None:
        super().__init__(error_message="Unexpected error.")

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed: list[GraphQLError] = []
        for error in errors:
            original: Any = error.original_error
            if isinstance(original, domain.ValidationFailed):
                # Queries have no error types in their results: the issues travel here.
                processed.append(_with_code(error, original.code))
                error.extensions = {
                    **(error.extensions or {}),
                    "issues": [
                        {"field": i.field, "code": i.code, "message": i.message}
                        for i in original.issues
                    ],
                }
            elif isinstance(original, domain.DossierError):
                processed.append(_with_code(error, original.code))
            elif original is None or isinstance(original, GraphQLError):
                code = (error.extensions or {}).get("code") or "invalid_query"
                processed.append(_with_code(error, str(code)))
            else:
                log.error("unexpected error in GraphQL resolver", exc_info=original)
                processed.append(_with_code(self.anonymise_error(error), "internal_error"))
        return processed
