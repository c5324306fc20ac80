"""Mail settings are refused when wrong; without an SMTP server mails land in a folder."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from pathlib import Path

import pytest

from backend.errors import SettingsError
from backend.notifications.mail import MailItem, instant_mail
from backend.notifications.mailer import FolderMailer, SmtpMailer, mailer_for
from backend.notifications.models import Event
from backend.settings import MailSettings, load_settings


def test_smtp_settings_are_parsed_and_checked() -> None:
    mail = load_settings(
        {
            "DOSSIER_SMTP_HOST": "mail.example.com",
            "DOSSIER_SMTP_PORT": "2525",
            "DOSSIER_SMTP_USER": "dossier",
            "DOSSIER_SMTP_PASSWORD": "s3cret-password",
            "DOSSIER_SMTP_STARTTLS": "false",
            "DOSSIER_MAIL_FROM": "Akten <akten@example.com>",
        }
    ).mail
    assert (mail.smtp_host, mail.smtp_port, mail.smtp_starttls) == ("mail.example.com", 2525, False)
    assert "s3cret" not in repr(mail)
    assert load_settings({}).mail == MailSettings()
    with pytest.raises(SettingsError, match="go together"):
        load_settings({"DOSSIER_SMTP_USER": "dossier"})
    with pytest.raises(SettingsError, match="DOSSIER_MAIL_FROM"):
        load_settings({"DOSSIER_MAIL_FROM": "nobody"})
    with pytest.raises(SettingsError, match="DOSSIER_SMTP_STARTTLS"):
        load_settings({"DOSSIER_SMTP_STARTTLS": "perhaps"})


async def test_without_smtp_mails_are_written_to_the_outbox_folder(tmp_path: Path) -> None:
    assert isinstance(mailer_for(MailSettings(smtp_host="mx.example"), tmp_path), SmtpMailer)
    mailer = mailer_for(MailSettings(), tmp_path)
    assert isinstance(mailer, FolderMailer)
    item = MailItem(Event.DOCUMENT_CREATED, "d1", "Angebot", "Offer", "Müller GmbH")
    message = instant_mail(
        "de",
        "Dossier <n@example.com>",
        "a@example.com",
        item,
        "https://dossier.example",
        "https://dossier.example/notifications/unsubscribe?token=t",
        dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
    )
    await mailer.send(message)
    [written] = list((tmp_path / "mail-outbox").glob("*.eml"))
    parsed = email.message_from_bytes(written.read_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == "Neues Dokument (Offer): Angebot"
