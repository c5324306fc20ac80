"""E-mail files (``message/rfc822``, ``.eml``): headers, body and attachments, within limits.

:func:`parse_mail` is a pure function of the bytes (the standard library's ``email`` package with
``policy.default``). Hostile mail is the normal case, so every part of the result is bounded:

- the MIME tree is walked to at most :data:`MAX_DEPTH` levels and :data:`MAX_PARTS` parts; what
  lies beyond is not read;
- at most ``max_attachments`` attachments and ``max_total_bytes`` of their decoded content are
  kept; every further one is listed in ``skipped`` with its name, size and a reason;
- header values, address lists and the body text are cut to fixed lengths.

A nested mail (a ``message/rfc822`` part, a forwarded mail) is one attachment, kept whole as an
``.eml`` file; its own attachments are the business of whoever opens it. Inline images referenced
by ``cid:`` belong to the HTML body, which shows no images (:mod:`backend.documents.mail_html`),
so they are dropped. Only a file that the ``email`` package cannot read at all is refused
(``PreviewRefused("corrupt_mail")``); a damaged mail gives what could be read.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import mimetypes
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from email.utils import parsedate_to_datetime
from typing import Final

from backend.documents.imaging import ImagePreview, PreviewRefused, Rendition
from backend.documents.mail_html import html_to_text, sanitize_html

__all__ = [
    "MAIL_TYPES",
    "MailAttachment",
    "ParsedMail",
    "SkippedAttachment",
    "mail_preview",
    "parse_mail",
]

MAIL_TYPES: Final = frozenset({"message/rfc822"})
MAX_DEPTH: Final = 20
MAX_PARTS: Final = 2000
MAX_HEADER: Final = 998  # the longest line RFC 5322 allows
MAX_ADDRESSES: Final = 500
MAX_TEXT: Final = 1_000_000
MAX_HTML_SOURCE: Final = 5_000_000
PREVIEW_CHARS: Final = 4000


@dataclass(frozen=True, slots=True)
class MailAttachment:
    position: int  # 0, 1, … in the order of the MIME tree; stable across parses of the same file
    filename: str
    data: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class SkippedAttachment:
    position: int
    filename: str
    size: int
    reason: str  # too_many_attachments, too_large, too_deep, or an upload error code


@dataclass(frozen=True, slots=True)
class ParsedMail:
    sender: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    date: dt.datetime | None
    subject: str
    message_id: str
    text: str  # the plain body, or the HTML body as text
    html: str | None  # the HTML body, sanitised
    attachments: tuple[MailAttachment, ...]
    skipped: tuple[SkippedAttachment, ...]
    defects: int  # MIME defects the parser noted (a damaged mail still gives what it could)


def parse_mail(
    data: bytes, *, max_attachments: int = 100, max_total_bytes: int = 100 << 20
) -> ParsedMail:
    """Read ``data`` as an e-mail; see the module docstring for the limits."""
    if not data.strip():
        raise PreviewRefused("corrupt_mail", "the file is empty")
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        return _parse(message, max_attachments, max_total_bytes)
    except PreviewRefused:
        raise
    except RecursionError as exc:
        raise PreviewRefused("corrupt_mail", "the MIME tree is nested too deeply") from exc
    except Exception as exc:  # the parser on hostile bytes: anything means "cannot read"
        raise PreviewRefused("corrupt_mail", f"{type(exc).__name__}: {exc}") from exc


def _parse(message: EmailMessage, max_attachments: int, max_total_bytes: int) -> ParsedMail:
    leaves, too_deep = _leaves(message)
    plain = _first(leaves, "text/plain")
    rich = _first(leaves, "text/html")
    html: str | None = None
    if rich is not None:
        html = sanitize_html(_text_of(rich)[:MAX_HTML_SOURCE])
    text = _text_of(plain) if plain is not None else html_to_text(html) if html else ""
    attachments: list[MailAttachment] = []
    skipped: list[SkippedAttachment] = []
    total = 0
    candidates = [p for p in leaves if p is not plain and p is not rich and _is_attachment(p)]
    for position, part in enumerate(candidates):
        filename = _filename(part, position)
        content = _content(part)
        if len(attachments) >= max_attachments:
            skipped.append(SkippedAttachment(position, filename, len(content), "too_many"))
        elif total + len(content) > max_total_bytes:
            skipped.append(SkippedAttachment(position, filename, len(content), "too_large"))
        else:
            total += len(content)
            attachments.append(MailAttachment(position, filename, content))
    if too_deep:
        skipped.append(SkippedAttachment(len(candidates), "", 0, "too_deep"))
    return ParsedMail(
        sender=_header(message, "from"),
        to=_addresses(message, "to"),
        cc=_addresses(message, "cc"),
        date=_date(message),
        subject=_header(message, "subject"),
        message_id=_header(message, "message-id"),
        text=text.replace("\r\n", "\n")[:MAX_TEXT],
        html=html,
        attachments=tuple(attachments),
        skipped=tuple(skipped),
        defects=sum(len(p.defects) for p in leaves) + len(message.defects),
    )


def _leaves(message: Message) -> tuple[list[Message], bool]:
    """The parts that carry content, in tree order; a nested mail is one leaf. True as the second
    value when the tree went deeper or wider than the limits."""
    found: list[Message] = []
    cut = False

    def walk(part: Message, depth: int) -> Iterator[Message]:
        nonlocal cut
        if part.get_content_maintype() == "multipart" and part.is_multipart():
            if depth >= MAX_DEPTH:
                cut = True
                return
            for sub in part.get_payload():
                if isinstance(sub, Message):
                    yield from walk(sub, depth + 1)
        else:
            yield part

    for leaf in walk(message, 0):
        if len(found) >= MAX_PARTS:
            cut = True
            break
        found.append(leaf)
    return found, cut


def _first(leaves: list[Message], content_type: str) -> Message | None:
    """The body of that type: the first such part that is not an attachment."""
    for part in leaves:
        if part.get_content_type() == content_type and not _declared_attachment(part):
            return part
    return None


def _declared_attachment(part: Message) -> bool:
    return part.get_content_disposition() == "attachment" or bool(part.get_filename())


def _is_attachment(part: Message) -> bool:
    if part.get_content_type() == "message/rfc822" or _declared_attachment(part):
        return True
    if part.get_content_maintype() == "image" and part.get("content-id"):
        return False  # an inline image of the HTML body, which shows no images
    # A part of another type with neither name nor disposition is still a file the sender sent.
    return part.get_content_maintype() not in {"text", "multipart"}


def _content(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822":
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if isinstance(inner, Message):
            return inner.as_bytes(policy=email.policy.default)
        return b""
    decoded = part.get_payload(decode=True)
    return decoded if isinstance(decoded, bytes) else b""


def _text_of(part: Message) -> str:
    raw = part.get_payload(decode=True)
    data = raw if isinstance(raw, bytes) else b""
    charset = part.get_content_charset() or "utf-8"
    try:
        return data.decode(charset, errors="replace")
    except LookupError:  # an unknown charset name
        return data.decode("utf-8", errors="replace")


def _filename(part: Message, position: int) -> str:
    """A name the archive accepts: the sender's without path or control characters, else one
    made from the type."""
    try:
        given = part.get_filename() or ""
    except Exception:  # a header the policy cannot decode
        given = ""
    name = "".join(ch for ch in given if unicodedata.category(ch)[0] != "C")
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip().lstrip(".")
    if part.get_content_type() == "message/rfc822":
        stem = name.rsplit(".", 1)[0] if name.lower().endswith(".eml") else name
        if not stem:
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            subject = _header(inner, "subject") if isinstance(inner, Message) else ""
            stem = subject.replace("/", "_").replace("\\", "_").strip().lstrip(".")
        return f"{(stem or f'message-{position + 1}')[:200]}.eml"
    if name:
        stem, dot, extension = name.rpartition(".")
        return f"{stem[:200]}.{extension[:20]}" if dot and stem else name[:220]
    extension = mimetypes.guess_extension(part.get_content_type()) or ".bin"
    return f"attachment-{position + 1}{extension}"


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # a header value the policy refuses to parse
        value = message.get_all(name, failobj=[""])[0] if message.get_all(name) else None
    text = " ".join(str(value).split()) if value is not None else ""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cc")[:MAX_HEADER]


def _addresses(message: Message, name: str) -> tuple[str, ...]:
    try:
        addresses = getattr(message.get(name), "addresses", None)
    except Exception:  # a malformed address list: the raw text below
        addresses = None
    if addresses is not None:
        return tuple(str(a)[:MAX_HEADER] for a in addresses[:MAX_ADDRESSES])
    raw = _header(message, name)
    return tuple(a.strip() for a in raw.split(",") if a.strip())[:MAX_ADDRESSES]


def _date(message: Message) -> dt.datetime | None:
    raw = _header(message, "date")
    if not raw:
        return None
    try:
        value = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def mail_preview(mail: ParsedMail) -> ImagePreview:
    """What lists show of a mail: its headers and the beginning of its text (a ``text``
    rendition, served as plain text like every text preview)."""
    lines = [
        f"From: {mail.sender}",
        f"To: {', '.join(mail.to)}",
        *([f"Cc: {', '.join(mail.cc)}"] if mail.cc else []),
        *([f"Date: {mail.date.isoformat()}"] if mail.date else []),
        f"Subject: {mail.subject}",
        *(
            [f"Attachments: {count}"]
            if (count := len(mail.attachments) + len(mail.skipped))
            else []
        ),
        "",
        mail.text[:PREVIEW_CHARS],
    ]
    body = "\n".join(lines).encode()
    rendition = Rendition(
        kind="text", mime_type="text/plain; charset=utf-8", data=body, width=0, height=0
    )
    return ImagePreview(renditions=(rendition,), page_count=1, width=0, height=0)
