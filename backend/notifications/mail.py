"""The notification e-mails: multipart text + HTML, in English, Polish or German, with deep links
into the PWA and one-click unsubscribe headers (RFC 2369, RFC 8058).

Pure functions: they only build :class:`~email.message.EmailMessage` objects."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from backend.notifications.models import Event

__all__ = ["LOCALES", "MailItem", "digest_mail", "document_url", "instant_mail", "locale_of"]

LOCALES = ("en", "pl", "de")

_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        Event.DOCUMENT_CREATED: "New {type}: {title}",
        Event.VERSION_ADDED: "New version of {type}: {title}",
        Event.STATUS_CHANGED: "Status changed, {type}: {title}",
        "customer": "Customer: {name}",
        "open": "Open the document",
        "digest": "Dossier: {count} updates",
        "digest_intro": "What arrived in the dossiers you follow:",
        "why": "You get this mail because you subscribed to notifications in Dossier.",
        "unsubscribe": "Unsubscribe",
        "other": "Other documents",
    },
    "pl": {
        Event.DOCUMENT_CREATED: "Nowy dokument ({type}): {title}",
        Event.VERSION_ADDED: "Nowa wersja ({type}): {title}",
        Event.STATUS_CHANGED: "Zmiana statusu ({type}): {title}",
        "customer": "Klient: {name}",
        "open": "Otwórz dokument",
        "digest": "Dossier: {count} nowości",
        "digest_intro": "Co pojawiło się w obserwowanych teczkach:",
        "why": "Otrzymujesz tę wiadomość, ponieważ subskrybujesz powiadomienia w Dossier.",
        "unsubscribe": "Wypisz się",
        "other": "Pozostałe dokumenty",
    },
    "de": {
        Event.DOCUMENT_CREATED: "Neues Dokument ({type}): {title}",
        Event.VERSION_ADDED: "Neue Version ({type}): {title}",
        Event.STATUS_CHANGED: "Status geändert ({type}): {title}",
        "customer": "Kunde: {name}",
        "open": "Dokument öffnen",
        "digest": "Dossier: {count} Neuigkeiten",
        "digest_intro": "Neu in den Akten, denen Sie folgen:",
        "why": "Sie erhalten diese E-Mail, weil Sie Benachrichtigungen in Dossier abonniert haben.",
        "unsubscribe": "Abbestellen",
        "other": "Weitere Dokumente",
    },
}


def locale_of(*candidates: str | None) -> str:
    """The first supported language among ``candidates`` (``de-AT`` counts as ``de``)."""
    for candidate in candidates:
        short = (candidate or "").split("-")[0].split("_")[0].lower()
        if short in LOCALES:
            return short
    return "en"


@dataclass(frozen=True, slots=True)
class MailItem:
    """One event as a mail shows it; only what the recipient may read (checked before)."""

    event: Event
    document_id: str
    title: str
    type_name: str
    customer_name: str | None
    """None when the recipient may read the document but not its customer's dossier."""


def document_url(base_url: str, document_id: str) -> str:
    return f"{base_url}/documents/{document_id}"


def _line(texts: dict[str, str], item: MailItem) -> str:
    return texts[item.event].format(type=item.type_name, title=item.title)


def _envelope(
    subject: str, sender: str, to: str, unsubscribe_url: str, at: dt.datetime
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = to
    message["Date"] = format_datetime(at)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    return message


def _html(body: str, texts: dict[str, str], unsubscribe_url: str) -> str:
    return (
        '<!doctype html><html><body style="font-family:sans-serif">'
        f"{body}"
        f'<p style="color:#666;font-size:small">{html.escape(texts["why"])} '
        f'<a href="{html.escape(unsubscribe_url)}">{html.escape(texts["unsubscribe"])}</a></p>'
        "</body></html>"
    )


def instant_mail(
    locale: str,
    sender: str,
    to: str,
    item: MailItem,
    base_url: str,
    unsubscribe_url: str,
    at: dt.datetime,
) -> EmailMessage:
    texts = _TEXTS[locale_of(locale)]
    url = document_url(base_url, item.document_id)
    subject = _line(texts, item)
    message = _envelope(subject, sender, to, unsubscribe_url, at)
    lines = [subject]
    if item.customer_name:
        lines.append(texts["customer"].format(name=item.customer_name))
    text = "\n".join(
        [*lines, "", f"{texts['open']}: {url}", "", "-- ", texts["why"], unsubscribe_url]
    )
    message.set_content(text + "\n")
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    body += f'<p><a href="{html.escape(url)}">{html.escape(texts["open"])}</a></p>'
    message.add_alternative(_html(body, texts, unsubscribe_url), subtype="html")
    return message


def digest_mail(
    locale: str,
    sender: str,
    to: str,
    items: list[MailItem],
    base_url: str,
    unsubscribe_url: str,
    at: dt.datetime,
) -> EmailMessage:
    """One mail for the day's items, grouped by customer (in order of first appearance)."""
    texts = _TEXTS[locale_of(locale)]
    groups: dict[str, list[MailItem]] = {}
    for item in items:
        groups.setdefault(item.customer_name or texts["other"], []).append(item)
    message = _envelope(texts["digest"].format(count=len(items)), sender, to, unsubscribe_url, at)
    text_lines = [texts["digest_intro"], ""]
    body = f"<p>{html.escape(texts['digest_intro'])}</p>"
    for heading, group in groups.items():
        text_lines.append(heading)
        body += f"<h3>{html.escape(heading)}</h3><ul>"
        for item in group:
            url = document_url(base_url, item.document_id)
            text_lines.append(f"  - {_line(texts, item)}\n    {url}")
            body += f'<li><a href="{html.escape(url)}">{html.escape(_line(texts, item))}</a></li>'
        body += "</ul>"
        text_lines.append("")
    message.set_content("\n".join([*text_lines, "-- ", texts["why"], unsubscribe_url]) + "\n")
    message.add_alternative(_html(body, texts, unsubscribe_url), subtype="html")
    return message
