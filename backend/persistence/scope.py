"""The tenant a database statement runs for: the second wall behind every ``WHERE tenant = …``.

On PostgreSQL every table with a ``tenant`` column has row-level security enabled and forced
(:mod:`backend.persistence.walls`); its policy lets a statement see and write only the rows of the
tenant in the setting ``dossier.tenant`` (or all, with ``dossier.system`` on), which the engine
keeps equal to :func:`current_tenant` for every statement (per connection outside transactions,
``SET LOCAL`` inside them). Unset, a statement sees nothing; :data:`SYSTEM` sees every tenant and
is for the operator's command line, sign-in (finding a user by e-mail) and session lookup (by an
unguessable token hash).

:func:`tenant_scoped` applies the scope in one place, the repositories: each method whose first
argument is a tenant id (or carries ``tenant_id``) runs for that tenant. A method asked for another
tenant than the one its caller already runs for raises :class:`TenantScopeViolation`.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

__all__ = [
    "SYSTEM",
    "TenantScopeViolation",
    "across_tenants",
    "current_tenant",
    "system_scope",
    "tenant_scope",
    "tenant_scoped",
]

SYSTEM = "*"
_current: ContextVar[str] = ContextVar("dossier_tenant_scope", default="")

C = TypeVar("C", bound=type)


class TenantScopeViolation(RuntimeError):
    """Code running for one tenant asked the database for another's rows (a bug, never input)."""


def current_tenant() -> str:
    """The tenant id statements run for now; ``""`` for none, :data:`SYSTEM` for all."""
    return _current.get()


@contextlib.contextmanager
def tenant_scope(tenant_id: str) -> Iterator[None]:
    """Run the block for ``tenant_id``. Inside another tenant's scope that is a violation; inside
    no scope or the system scope it narrows."""
    outer = _current.get()
    if outer not in ("", SYSTEM, tenant_id):
        raise TenantScopeViolation(f"running for tenant {outer}, asked for {tenant_id}")
    token = _current.set(tenant_id)
    try:
        yield
    finally:
        _current.reset(token)


@contextlib.contextmanager
def system_scope() -> Iterator[None]:
    """Run the block for all tenants (operator commands, sign-in and session lookup only)."""
    token = _current.set(SYSTEM)
    try:
        yield
    finally:
        _current.reset(token)


TenantOf = Callable[[tuple[Any, ...], dict[str, Any]], str | None]


F = TypeVar("F", bound=Callable[..., Any])


def across_tenants(method: F) -> F:
    """For the few repository methods that look across tenants by a key no one can guess or
    that names its tenant itself (a session's token hash, an e-mail at sign-in): run them in the
    system scope. :func:`tenant_scoped` leaves them as they are."""

    @functools.wraps(method)
    async def system(*args: Any, **kwargs: Any) -> Any:
        with system_scope():
            return await method(*args, **kwargs)

    system.__dossier_across_tenants__ = True  # type: ignore[attr-defined]
    return system  # type: ignore[return-value]


def _tenant_of(method: Callable[..., Any]) -> TenantOf | None:
    params = list(inspect.signature(method).parameters.values())[1:]  # after self
    if not params:
        return None
    first = params[0].name

    def tenant_of(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
        value = args[0] if args else kwargs.get(first)
        if first == "tenant_id":
            return None if value is None else str(value)
        found = getattr(value, "tenant_id", None)
        return found if isinstance(found, str) else None

    return tenant_of


def tenant_scoped(cls: C) -> C:
    """Class decorator for repositories: every public coroutine method runs in the scope of the
    tenant its first argument names (``tenant_id``, or an object's ``tenant_id``)."""
    for name, method in list(vars(cls).items()):
        if name.startswith("_") or not inspect.iscoroutinefunction(method):
            continue
        if getattr(method, "__dossier_across_tenants__", False):
            continue
        tenant_of = _tenant_of(method)
        if tenant_of is None:
            continue

        def wrap(method: Callable[..., Any], tenant_of: TenantOf) -> Callable[..., Any]:
            @functools.wraps(method)
            async def scoped(self: Any, *args: Any, **kwargs: Any) -> Any:
                tenant_id = tenant_of(args, kwargs)
                if tenant_id is None:
                    return await method(self, *args, **kwargs)
                with tenant_scope(tenant_id):
                    return await method(self, *args, **kwargs)

            return scoped

        setattr(cls, name, wrap(method, tenant_of))
    return cls
