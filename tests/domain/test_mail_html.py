"""The HTML body of a mail as shown: nothing in it can run, load or track; its text for search."""

from __future__ import annotations

import pytest

from backend.documents.mail_html import html_to_text, sanitize_html

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src="https://tracker.example.com/p.gif" width="1" height="1">',
    '<img src="cid:logo@example.com">',
    '<p onclick="steal()" onmouseover="steal()">x</p>',
    '<a href="javascript:steal()">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<div style="background:url(https://tracker.example.com/bg.png)">x</div>',
    "<style>body{background:url(https://tracker.example.com/s.png)}</style>",
    '<link rel="stylesheet" href="https://tracker.example.com/s.css">',
    '<iframe src="https://evil.example.com"></iframe>',
    '<form action="https://evil.example.com"><input name="password"></form>',
    '<svg><image href="https://tracker.example.com/i.png"/></svg>',
    '<object data="https://evil.example.com/x.swf"></object>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example.com">',
    '<table background="https://tracker.example.com/t.png"><tr><td>x</td></tr></table>',
]


@pytest.mark.parametrize("html", HOSTILE)
def test_nothing_that_runs_or_loads_survives(html: str) -> None:
    clean = sanitize_html(f"<p>before</p>{html}<p>after</p>").lower()
    for marker in ("script", "tracker.example.com", "evil.example.com", "cid:", "javascript:"):
        assert marker not in clean
    for marker in ("onclick", "onmouseover", "style", "<img", "<iframe", "<form", "<input"):
        assert marker not in clean
    assert "before" in clean
    assert "after" in clean


def test_formatting_and_plain_links_stay() -> None:
    clean = sanitize_html(
        "<h1>Offer</h1><p>Dear <b>Anna</b>,</p><ul><li>one</li></ul>"
        '<a href="https://example.com/offer">offer</a> <a href="mailto:a@example.com">mail</a>'
    )
    assert "<h1>Offer</h1>" in clean
    assert "<b>Anna</b>" in clean
    assert "<li>one</li>" in clean
    assert 'href="https://example.com/offer"' in clean
    assert 'href="mailto:a@example.com"' in clean
    assert 'rel="noopener noreferrer nofollow"' in clean


def test_html_as_text_keeps_lines_and_drops_scripts() -> None:
    text = html_to_text(
        "<html><head><title>t</title><style>p{}</style></head><body><p>Hello&nbsp;Anna,</p>"
        "<div>order <b>4711</b></div><script>var x = 1;</script><table><tr><td>a</td>"
        "<td>b</td></tr></table></body></html>"
    )
    assert text.splitlines() == ["Hello Anna,", "", "order 4711", "", "a b"]
