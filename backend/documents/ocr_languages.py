"""Which languages OCR reads: Tesseract codes joined with ``+`` (``deu+eng``), a tenant setting.

Only the language packs Dossier installs are accepted (Debian ``tesseract-ocr-eng``, ``-deu``,
``-pol``). A tenant that has chosen none reads in the languages of its locale, plus English, which
business documents mix in. The first language weighs most when Tesseract is unsure.
"""

from __future__ import annotations

from typing import Final

__all__ = ["OCR_LANGUAGES", "default_ocr_languages", "ocr_languages_of", "parse_ocr_languages"]

OCR_LANGUAGES: Final = ("eng", "deu", "pol")
_BY_LOCALE: Final = {"de": "deu+eng", "pl": "pol+eng", "en": "eng"}


def default_ocr_languages(locale: str) -> str:
    """The languages a tenant of ``locale`` reads with until it chooses others."""
    return _BY_LOCALE.get(locale, "eng")


def ocr_languages_of(chosen: str | None, locale: str) -> str:
    """The languages in use: the tenant's choice, else its locale's."""
    return chosen or default_ocr_languages(locale)


def parse_ocr_languages(value: str) -> str:
    """``value`` checked and normalised (``" DEU + eng "`` → ``deu+eng``); ``ValueError`` with a
    message fit for the user when a code is unknown, repeated or missing."""
    codes = [code.strip().lower() for code in value.split("+")]
    if not value.strip() or any(not code for code in codes):
        raise ValueError("give one or more of eng, deu, pol joined by +, e.g. deu+eng")
    unknown = [code for code in codes if code not in OCR_LANGUAGES]
    if unknown:
        raise ValueError(f"unknown OCR language {unknown[0]!r}: one of {', '.join(OCR_LANGUAGES)}")
    if len(set(codes)) != len(codes):
        raise ValueError("name each language once")
    return "+".join(codes)
