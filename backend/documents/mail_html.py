"""The HTML body of an e-mail, made safe to show, and turned into plain text for search.

:func:`sanitize_html` keeps formatting and links only (nh3, the Ammonia sanitiser): no script, no
style sheets, no event handlers, no forms, and no images at all, so that opening a mail never loads
a remote image or a tracking pixel. Links keep only ``http``, ``https`` and ``mailto`` targets and
get ``rel="noopener noreferrer nofollow"``.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Final

import nh3

__all__ = ["html_to_text", "sanitize_html"]

#: Ammonia's defaults less everything that fetches something when shown (``img``) or only makes
#: sense with images (``map``, ``area``).
_TAGS: Final = frozenset(nh3.ALLOWED_TAGS) - {"img", "map", "area"}
_ATTRIBUTES: Final = {
    tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items() if tag in _TAGS
}
_SCHEMES: Final = {"http", "https", "mailto"}
_BLOCKS: Final = frozenset(
    {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr"}
    | {"table", "ul", "ol", "dl", "dt", "dd", "section", "article", "header", "footer", "title"}
)
_HIDDEN: Final = frozenset({"script", "style", "head", "template", "noscript"})


def sanitize_html(html: str) -> str:
    """``html`` with everything that could run, load or track removed (see the module doc)."""
    return nh3.clean(
        html,
        tags=set(_TAGS),
        attributes=_ATTRIBUTES,
        url_schemes=set(_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")
        elif tag == "td":
            self.parts.append("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._hidden or not data:
            return
        # Runs of white space become one space, kept at the edges: "order <b>4711</b>".
        edge = (" " if data[0].isspace() else "", " " if data[-1].isspace() else "")
        self.parts.append(f"{edge[0]}{' '.join(data.split())}{edge[1]}" if data.strip() else " ")


def html_to_text(html: str) -> str:
    """The readable text of ``html``: block elements become line breaks, scripts and styles go."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    text: list[str] = []
    for line in lines:
        if line or (text and text[-1]):
            text.append(line)
    return "\n".join(text).strip()
