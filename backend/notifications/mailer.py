"""Handing mails over: to an SMTP server (aiosmtplib; STARTTLS and authentication as configured),
or, when none is configured, into a folder of ``.eml`` files (the embedded default)."""

from __future__ import annotations

import asyncio
import ssl
import uuid
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib

from backend.notifications.ports import MailFailed
from backend.settings import MailSettings

__all__ = ["FolderMailer", "SmtpMailer", "mailer_for"]


class SmtpMailer:
    def __init__(self, settings: MailSettings) -> None:
        assert settings.smtp_host is not None
        self._settings = settings

    async def send(self, message: EmailMessage) -> None:
        s = self._settings
        context = ssl.create_default_context(cafile=s.smtp_ca_file) if s.smtp_ca_file else None
        try:
            await aiosmtplib.send(
                message,
                hostname=s.smtp_host,
                port=s.smtp_port,
                start_tls=s.smtp_starttls,
                username=s.smtp_user,
                password=s.smtp_password,
                tls_context=context,
                timeout=s.smtp_timeout_seconds,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            raise MailFailed(f"recipient refused: {exc}", permanent=True) from None
        except aiosmtplib.SMTPAuthenticationError as exc:
            raise MailFailed(f"authentication failed: {exc.code}") from None
        except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
            raise MailFailed(f"{type(exc).__name__}: {exc}"[:300]) from None


class FolderMailer:
    """Writes each mail to ``folder`` as ``<uuid>.eml``: nothing leaves the machine."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    async def send(self, message: EmailMessage) -> None:
        self._folder.mkdir(parents=True, exist_ok=True)
        path = self._folder / f"{uuid.uuid4()}.eml"
        await asyncio.to_thread(path.write_bytes, message.as_bytes())


def mailer_for(settings: MailSettings, data_dir: Path) -> SmtpMailer | FolderMailer:
    if settings.smtp_host:
        return SmtpMailer(settings)
    return FolderMailer(data_dir / "mail-outbox")
