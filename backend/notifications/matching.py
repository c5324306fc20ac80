"""Which subscriptions an event on a document reaches, and what each user gets from them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from backend.access.policy import Principal, Resource
from backend.documents.models import Document
from backend.notifications.models import Channel, Event, Rhythm, Subscription, TargetKind
from backend.notifications.ports import NotificationRepository

__all__ = ["Matcher", "Plan", "ViewAnswers", "ViewContains", "matches", "plan"]


def matches(
    subscription: Subscription,
    event: Event,
    customer_id: str,
    document_type_id: str,
    register_ids: Iterable[str],
) -> bool:
    """Whether ``subscription`` asks to hear about ``event`` on a document of ``customer_id`` and
    ``document_type_id`` filed in ``register_ids``. A view subscription needs its view's search
    (:meth:`Matcher.in_view`), so it never matches here."""
    if event not in subscription.events:
        return False
    kind, target = subscription.target_kind, subscription.target_id
    if kind is TargetKind.CUSTOMER:
        return target == customer_id
    if kind is TargetKind.DOCUMENT_TYPE:
        return target == document_type_id
    if kind is TargetKind.REGISTER:
        in_dossier = subscription.customer_id in (None, customer_id)
        return in_dossier and target in set(register_ids)
    return False


ViewAnswers = dict[tuple[str, str | None], bool]
"""One event's view searches answered so far, by (view id, time zone)."""
ViewContains = Callable[[Principal, str, Document, ViewAnswers], Awaitable[bool]]
"""``(principal, view_id, document, seen)`` → whether the view, run by the principal now, lists
it; ``seen`` holds one event's answers by (view id, time zone), shared by its readers."""


class Matcher:
    """The subscriptions one event reaches. Access is decided by the caller; a view subscription
    also needs its holder's principal, because the view's search runs as them."""

    def __init__(self, repo: NotificationRepository, view_contains: ViewContains) -> None:
        self._repo = repo
        self._view_contains = view_contains

    async def direct(
        self, event: Event, document: Document, resource: Resource
    ) -> list[Subscription]:
        """Subscriptions to the document's customer, type or one of its registers."""
        candidates = await self._repo.candidates(
            document.tenant_id,
            document.customer_id,
            document.document_type_id,
            sorted(resource.register_ids),
        )
        return [
            s
            for s in candidates
            if matches(
                s, event, document.customer_id, document.document_type_id, resource.register_ids
            )
        ]

    async def to_views(self, event: Event, tenant_id: str) -> list[Subscription]:
        """Subscriptions to saved views that ask for ``event`` (not yet matched)."""
        return await self._repo.view_subscriptions(tenant_id, event.value)

    async def in_view(
        self,
        principal: Principal,
        subscription: Subscription,
        document: Document,
        seen: ViewAnswers,
    ) -> bool:
        """Whether ``subscription``'s view, run by its holder ``principal`` (who may read
        ``document``) now, lists ``document``; ``seen``: this event's answers so far."""
        return await self._view_contains(principal, subscription.target_id, document, seen)


@dataclass(frozen=True, slots=True)
class Plan:
    """What one user gets for one event, however many of their subscriptions matched."""

    subscription_id: str
    push: bool
    instant_mail: bool
    digest_hour: int | None
    """Set when the event goes into a digest (no instant mail asked for)."""


def plan(subscriptions: list[Subscription]) -> Plan:
    """Merge one user's matching subscriptions: push if any asks for it; an instant mail if any
    asks for one, else the digest at the earliest hour asked for."""
    push = any(Channel.PUSH in s.channels for s in subscriptions)
    mailing = [s for s in subscriptions if Channel.EMAIL in s.channels]
    instant = any(s.rhythm is Rhythm.INSTANT for s in mailing)
    digests = [s.digest_hour for s in mailing if s.rhythm is Rhythm.DIGEST]
    first = next(
        (s for s in mailing if s.rhythm is Rhythm.INSTANT), mailing[0] if mailing else None
    )
    return Plan(
        subscription_id=(first or subscriptions[0]).id,
        push=push,
        instant_mail=instant,
        digest_hour=None if instant or not digests else min(digests),
    )
