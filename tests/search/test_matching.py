"""Words matched and ranked in Python (SQLite within a few dossiers) as the index does it."""

from __future__ import annotations

from backend.search.matching import pattern_text, rank
from backend.search.query import parse_query


def match(pattern: str, title: str | None, keys: str | None, body: str | None) -> bool:
    return rank(pattern, title, keys, body) is not None


def test_every_word_must_occur_and_only_the_last_is_a_prefix() -> None:
    pattern = pattern_text(parse_query("Rechnung lief"))
    assert pattern == "rechnung lief*"
    assert match(pattern, "Rechnung", "", "Lieferschein Nr. 4")
    assert not match(pattern, "Rechnungen", "", "Lieferschein")
    assert not match(pattern, "Rechnung", "", "Anlieferung")
    assert match(pattern_text(parse_query("lodz zazolc")), "Zażółć", "Łódź Handel", None)
    assert match(pattern_text(parse_query("grosse")), "Größe", None, None)
    assert not match(pattern_text(parse_query("k_100")), "k100", None, None)


def test_a_word_in_the_title_ranks_above_one_in_the_keys_above_one_in_the_text() -> None:
    pattern = pattern_text(parse_query("pumpe"))
    title = rank(pattern, "Pumpe defekt", "Kunde 4711", "Bericht über den Einsatz")
    keys = rank(pattern, "Bericht", "Pumpe Kunde 4711", "über den Einsatz")
    body = rank(pattern, "Bericht", "Kunde 4711", "Die Pumpe war defekt")
    assert title > keys > body > 0
    assert rank(pattern, "Bericht", None, "nichts") is None
