"""Distinguished names: every spelling of one DN compares equal, and nothing else does."""

from __future__ import annotations

import pytest

from backend.access.dn import InvalidDn, is_within, normalise_dn, rdn_value, tidy_dn


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("uid=anna,ou=people,dc=example,dc=org", "uid=anna,ou=people,dc=example,dc=org"),
        ("UID=Anna, OU=People , DC=Example,DC=Org", "uid=anna,ou=people,dc=example,dc=org"),
        ("uid=anna;ou=people", "uid=anna,ou=people"),
        ("cn=Anna   Müller,ou=x", "cn=anna müller,ou=x"),
        ("cn=J\\C3\\BCrgen Gro\\C3\\9F,dc=x", "cn=jürgen gross,dc=x"),
        ("cn=Jürgen Groß,dc=x", "cn=jürgen gross,dc=x"),
        ("cn=Łukasiewicz-Żółć,dc=x", "cn=łukasiewicz-żółć,dc=x"),
        ("cn=a\\,b,dc=x", "cn=a\\2cb,dc=x"),
        ("cn=a\\2Cb,dc=x", "cn=a\\2cb,dc=x"),
        ("cn=R&D (north) *\\\\ team,dc=x", "cn=r&d (north) *\\5c team,dc=x"),
        ("cn=R&D (north) *\\5C team,dc=x", "cn=r&d (north) *\\5c team,dc=x"),
        ("sn=X+cn=Y,dc=x", "cn=y+sn=x,dc=x"),
        ("cn=\\#hash,dc=x", "cn=\\23hash,dc=x"),
        ("cn=trailing\\ ,dc=x", "cn=trailing,dc=x"),
        ("2.5.4.3=oid,dc=x", "2.5.4.3=oid,dc=x"),
    ],
)
def test_spellings_of_one_dn_normalise_alike(spelling: str, canonical: str) -> None:
    assert normalise_dn(spelling) == canonical
    assert normalise_dn(canonical) == canonical


@pytest.mark.parametrize(
    "text", ["", "  ", "anna", "cn=x,", "=x,dc=y", "cn=x\\", "c n=x", "cn=\\FF"]
)
def test_what_is_not_a_dn_is_refused(text: str) -> None:
    with pytest.raises(InvalidDn):
        normalise_dn(text)


def test_within_compares_whole_rdns() -> None:
    base = normalise_dn("ou=Groups,dc=example,dc=org")
    assert is_within(normalise_dn("cn=sales, OU=groups,dc=example,dc=org"), base)
    assert is_within(base, base)
    assert not is_within(normalise_dn("cn=x,ou=xgroups,dc=example,dc=org"), base)
    assert not is_within(normalise_dn("cn=x,ou=groups\\,dc=example,dc=org,dc=net"), base)


def test_rdn_value_and_tidy_keep_the_spelling() -> None:
    dn = "CN=R&D (north) *\\5C team , OU=Groups,dc=example,dc=org"
    assert rdn_value(dn) == "R&D (north) *\\ team"
    assert tidy_dn(dn) == "CN=R&D (north) *\\5c team,OU=Groups,dc=example,dc=org"
    assert tidy_dn("cn=a\\,b+sn=c,dc=x") == "cn=a\\2cb+sn=c,dc=x"
