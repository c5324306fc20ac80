"""Composing and sending notification mails: items, envelopes and unsubscribe links."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage

from backend.access.policy import Action, Principal, Resource, can
from backend.documents.models import Document
from backend.jobs.models import JobFailed
from backend.notifications.mail import MailItem, digest_mail, instant_mail, locale_of
from backend.notifications.models import Event, Preferences
from backend.notifications.ports import MailFailed, MailSender, NotificationRepository
from backend.notifications.reading import Lookups
from backend.notifications.unsubscribe import ALL_MAIL, UnsubscribeToken, sign_unsubscribe
from backend.ports import Clock

__all__ = ["ALL_MAIL", "Mailing", "PushPolicy"]


@dataclass(frozen=True, slots=True)
class PushPolicy:
    base_url: str
    default_sender: str
    secret_key: str


class Mailing:
    def __init__(
        self,
        repo: NotificationRepository,
        lookups: Lookups,
        mailer: MailSender,
        clock: Clock,
        policy: PushPolicy,
    ) -> None:
        self._repo = repo
        self._lookups = lookups
        self._mailer = mailer
        self._clock = clock
        self._policy = policy

    async def item(self, principal: Principal, document: Document, event: Event) -> MailItem:
        """The document as a mail shows it to ``principal``: the customer's name only if they may
        read that dossier."""
        tenant_id = principal.tenant_id
        customer = None
        if can(principal, Action.READ, Resource(tenant_id, customer_id=document.customer_id)):
            customer = await self._lookups.customer_name(tenant_id, document.customer_id)
        return MailItem(
            event=event,
            document_id=document.id,
            title=document.title,
            type_name=await self._lookups.type_name(tenant_id, document.document_type_id),
            customer_name=customer,
        )

    async def envelope(
        self, principal: Principal, preferences: Preferences | None = None, *, known: bool = False
    ) -> tuple[str, str]:
        """(language, sender) of a mail to ``principal``; ``known``: ``preferences`` were read
        already (None meaning the user set none)."""
        if not known:
            preferences = await self._repo.preferences(principal.tenant_id, principal.user_id)
        locale = locale_of(
            preferences.locale if preferences else None,
            await self._lookups.tenant_locale(principal.tenant_id),
        )
        sender = await self._repo.mail_sender(principal.tenant_id) or self._policy.default_sender
        return locale, sender

    @property
    def base_url(self) -> str:
        """Where the PWA is: deep links in mails start here."""
        return self._policy.base_url

    async def send(self, message: EmailMessage) -> None:
        """Send a composed mail; :class:`JobFailed` if the mail server refused it."""
        try:
            await self._mailer.send(message)
        except MailFailed as failed:
            raise JobFailed(failed.reason, permanent=failed.permanent) from None

    def unsubscribe_url(self, principal: Principal, subscription_id: str) -> str:
        token = sign_unsubscribe(
            self._policy.secret_key,
            UnsubscribeToken(principal.tenant_id, principal.user_id, subscription_id),
        )
        return f"{self._policy.base_url}/notifications/unsubscribe?token={token}"

    async def send_instant(
        self,
        principal: Principal,
        item: MailItem,
        envelope: tuple[str, str],
        subscription_id: str | None,
    ) -> None:
        """Send one instant mail; :class:`JobFailed` if the mail server refused it."""
        locale, sender = envelope
        message = instant_mail(
            locale,
            sender,
            principal.email,
            item,
            self._policy.base_url,
            self.unsubscribe_url(principal, subscription_id or ALL_MAIL),
            self._clock(),
        )
        try:
            await self._mailer.send(message)
        except MailFailed as failed:
            raise JobFailed(failed.reason, permanent=failed.permanent) from None

    async def send_digest(self, principal: Principal, items: list[MailItem]) -> None:
        locale, sender = await self.envelope(principal)
        message = digest_mail(
            locale,
            sender,
            principal.email,
            items,
            self._policy.base_url,
            self.unsubscribe_url(principal, ALL_MAIL),
            self._clock(),
        )
        try:
            await self._mailer.send(message)
        except MailFailed as failed:
            raise JobFailed(failed.reason, permanent=failed.permanent) from None
