"""The mail "a conflict waits" (English, Polish, German): a change the user made lost a merge
and is kept until they decide. Not a subscription's mail, so it has no unsubscribe link: it
concerns the user's own work and comes once per push that lost something.

A pure function: it only builds an :class:`~email.message.EmailMessage`."""

from __future__ import annotations

import datetime as dt
import html
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from backend.notifications.mail import locale_of

__all__ = ["conflict_mail", "conflicts_url"]

_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "subject": "A conflict waits for your decision: {name}",
        "subject_unnamed": "A conflict waits for your decision",
        "body": "A change you made while offline collided with someone else's. "
        "Your value is kept until you choose which one stays.",
        "open": "Resolve the conflict",
        "why": "You get this mail because a change of yours in Dossier is waiting for you.",
    },
    "pl": {
        "subject": "Konflikt czeka na Twoją decyzję: {name}",
        "subject_unnamed": "Konflikt czeka na Twoją decyzję",
        "body": "Zmiana wprowadzona przez Ciebie offline koliduje ze zmianą innej osoby. "
        "Twoja wartość jest zachowana, dopóki nie wybierzesz, która zostaje.",
        "open": "Rozwiąż konflikt",
        "why": "Otrzymujesz tę wiadomość, ponieważ Twoja zmiana w Dossier czeka na decyzję.",
    },
    "de": {
        "subject": "Ein Konflikt wartet auf Ihre Entscheidung: {name}",
        "subject_unnamed": "Ein Konflikt wartet auf Ihre Entscheidung",
        "body": "Eine Änderung, die Sie offline gemacht haben, kollidiert mit der einer anderen "
        "Person. Ihr Wert bleibt erhalten, bis Sie entscheiden, welcher gilt.",
        "open": "Konflikt lösen",
        "why": "Sie erhalten diese E-Mail, weil eine Ihrer Änderungen in Dossier auf Sie wartet.",
    },
}


def conflicts_url(base_url: str) -> str:
    return f"{base_url}/conflicts"


def conflict_mail(
    locale: str, sender: str, to: str, customer_name: str, base_url: str, at: dt.datetime
) -> EmailMessage:
    """``customer_name``: the dossier's name ('' when unknown: the subject then names none)."""
    texts = _TEXTS[locale_of(locale)]
    subject = (
        texts["subject"].format(name=customer_name) if customer_name else texts["subject_unnamed"]
    )
    url = conflicts_url(base_url)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = to
    message["Date"] = format_datetime(at)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        "\n".join(
            [subject, "", texts["body"], "", f"{texts['open']}: {url}", "", "-- ", texts["why"]]
        )
        + "\n"
    )
    message.add_alternative(
        '<!doctype html><html><body style="font-family:sans-serif">'
        f"<p>{html.escape(subject)}</p><p>{html.escape(texts['body'])}</p>"
        f'<p><a href="{html.escape(url)}">{html.escape(texts["open"])}</a></p>'
        f'<p style="color:#666;font-size:small">{html.escape(texts["why"])}</p>'
        "</body></html>",
        subtype="html",
    )
    return message
