"""Reading groups from a real OpenLDAP server (tests/ldap_server.py)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ldap3
import pytest

from backend.access import directory
from backend.access.directory import LOOKUP_CHUNK, DirectoryGroup, read_groups
from backend.errors import DirectoryGroupNotFound, DirectoryUnavailable, ValidationFailed
from tests.ldap_server import (
    BASE_DN,
    GROUP_BASE,
    PEOPLE,
    READER_PASSWORD,
    SIZE_LIMIT,
    LdapDirectory,
    free_port,
)

ANNA = "anna.mueller@example.org"
JURGEN = "juergen.gross@example.org"
ZOFIA = "zofia@example.org"
PAWEL = "pawel@example.org"
KARL = f"uid=karl,{PEOPLE}"
SPECIAL = f"cn=R&D (north) *\\\\ team,{GROUP_BASE}"


def group(cn: str) -> str:
    return f"cn={cn},{GROUP_BASE}"


def chain_text(exc: BaseException | None) -> str:
    """Everything a logged traceback of ``exc`` would print of it and the errors behind it."""
    text = ""
    while exc is not None:
        text += f"{exc!s} {exc!r} {vars(exc)!r}\n"
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    return text


def by_name(groups: list[DirectoryGroup]) -> dict[str, DirectoryGroup]:
    return {g.name: g for g in groups}


def test_every_group_under_the_base_is_read_in_name_order(ldap_directory: LdapDirectory) -> None:
    groups = read_groups(ldap_directory.settings())
    names = [g.name for g in groups]
    for seeded in ("all-staff", "cycle-a", "cycle-b", "dangling", "field", "sales", "service"):
        assert seeded in names
    assert "R&D (north) *\\ team" in names
    assert "apollo" not in names  # ou=projects is outside the group base
    assert names == sorted(names, key=str.casefold)
    assert len(groups) > SIZE_LIMIT  # more than one answer holds: the search pages


def test_small_pages_read_the_same_groups(
    ldap_directory: LdapDirectory, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = read_groups(ldap_directory.settings())
    monkeypatch.setattr(directory, "PAGE_SIZE", 2)
    assert read_groups(ldap_directory.settings()) == whole


def test_members_are_lower_cased_e_mails_and_those_without_one_are_reported(
    ldap_directory: LdapDirectory,
) -> None:
    sales = by_name(read_groups(ldap_directory.settings()))["sales"]
    assert sales == DirectoryGroup(
        dn=group("sales"),
        name="sales",
        member_emails=(ANNA, JURGEN),
        members_without_email=(KARL,),
    )


def test_unique_members_lose_their_optional_uid(ldap_directory: LdapDirectory) -> None:
    (service,) = read_groups(ldap_directory.settings(), [group("service")])
    assert service.member_emails == (ANNA, ZOFIA)
    assert service.unresolved_members == ()


def test_posix_member_uids_are_looked_up_and_never_act_as_wildcards(
    ldap_directory: LdapDirectory,
) -> None:
    (field,) = read_groups(ldap_directory.settings(), [group("field")])
    assert field.member_emails == (ANNA, PAWEL)  # "ANNA" finds anna: uids ignore case
    assert field.unresolved_members == ("memberUid=*", "memberUid=ghost")


def test_nested_groups_are_followed_and_a_cycle_ends(ldap_directory: LdapDirectory) -> None:
    groups = by_name(read_groups(ldap_directory.settings()))
    assert groups["all-staff"].member_emails == (ANNA, JURGEN, PAWEL, ZOFIA)
    assert groups["all-staff"].members_without_email == (KARL,)
    assert groups["all-staff"].unresolved_members == ("memberUid=*", "memberUid=ghost")
    assert groups["cycle-a"].member_emails == (ANNA, JURGEN)
    assert groups["cycle-b"].member_emails == (ANNA, JURGEN)


def test_a_member_that_names_no_entry_is_reported(ldap_directory: LdapDirectory) -> None:
    (dangling,) = read_groups(ldap_directory.settings(), [group("dangling")])
    assert dangling.member_emails == (PAWEL,)
    assert dangling.unresolved_members == (f"uid=gone,{PEOPLE}",)


def test_filter_characters_in_names_are_escaped(ldap_directory: LdapDirectory) -> None:
    special, parent = read_groups(ldap_directory.settings(), [SPECIAL, group("special-parent")])
    assert special.name == "R&D (north) *\\ team"
    assert special.member_emails == (JURGEN,)
    assert parent.member_emails == (JURGEN,)  # found through an OR filter of escaped DNs


def test_chosen_groups_come_in_the_order_asked_whatever_their_spelling(
    ldap_directory: LdapDirectory,
) -> None:
    groups = read_groups(
        ldap_directory.settings(),
        [group("service"), "CN=Sales , OU=Groups,DC=Example,DC=Org", group("service")],
    )
    assert [g.name for g in groups] == ["service", "sales"]
    assert groups[1].dn == group("sales")  # the directory's spelling


@pytest.mark.parametrize(
    "dn", [group("nobody"), GROUP_BASE, f"uid=nope,{GROUP_BASE}", f"cn=x,cn=nobody,{GROUP_BASE}"]
)
def test_a_dn_that_is_no_group_is_not_found(ldap_directory: LdapDirectory, dn: str) -> None:
    with pytest.raises(DirectoryGroupNotFound) as caught:
        read_groups(ldap_directory.settings(), [group("sales"), dn])
    assert caught.value.code == "directory_group_not_found"
    assert caught.value.ident == dn


def test_dns_outside_the_group_base_or_malformed_are_refused(
    ldap_directory: LdapDirectory,
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        read_groups(
            ldap_directory.settings(),
            [group("sales"), f"cn=apollo,ou=projects,{BASE_DN}", "sales"],
        )
    assert [(i.field, i.code) for i in caught.value.issues] == [
        ("dns[1]", "outside_group_base"),
        ("dns[2]", "invalid_dn"),
    ]


@pytest.mark.parametrize(
    ("changes", "issues"),
    [
        ({"url": ""}, [("url", "required")]),
        ({"url": "http://127.0.0.1"}, [("url", "invalid_scheme")]),
        ({"group_base": " "}, [("groupBase", "required")]),
        ({"group_base": "groups"}, [("groupBase", "invalid_dn")]),
        ({"bind_password": None}, [("bindPassword", "required")]),
        ({"bind_dn": None}, [("bindDn", "required")]),
        ({"group_filter": "objectClass=*"}, [("groupFilter", "invalid_filter")]),
        ({"mail_attribute": "e-mail address"}, [("mailAttribute", "invalid_attribute")]),
        ({"url": "ldaps://127.0.0.1", "start_tls": True}, [("startTls", "tls_twice")]),
        ({"timeout_seconds": 0}, [("timeoutSeconds", "out_of_range")]),
        ({"url": "", "group_base": ""}, [("url", "required"), ("groupBase", "required")]),
    ],
)
def test_unusable_settings_are_refused_before_connecting(
    ldap_directory: LdapDirectory, changes: dict[str, object], issues: list[tuple[str, str]]
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        read_groups(ldap_directory.settings(**changes))
    assert caught.value.code == "invalid"
    assert [(i.field, i.code) for i in caught.value.issues] == issues


def test_a_wrong_password_is_unavailable_and_not_repeated(ldap_directory: LdapDirectory) -> None:
    password = "wrong-Passw0rd-xyz"
    with pytest.raises(DirectoryUnavailable) as caught:
        read_groups(ldap_directory.settings(bind_password=password))
    assert caught.value.code == "directory_unavailable"
    assert ldap_directory.url in caught.value.message
    assert "invalidCredentials" in caught.value.message
    assert password not in caught.value.message
    assert READER_PASSWORD not in caught.value.message
    assert password not in chain_text(caught.value)


def test_an_anonymous_bind_reads_what_anonymous_may_read(ldap_directory: LdapDirectory) -> None:
    (sales,) = read_groups(
        ldap_directory.settings(bind_dn=None, bind_password=None), [group("sales")]
    )
    assert sales.member_emails == (ANNA, JURGEN)


def test_nothing_listening_is_unavailable_at_once(ldap_directory: LdapDirectory) -> None:
    url = f"ldap://127.0.0.1:{free_port()}"
    started = time.monotonic()
    with pytest.raises(DirectoryUnavailable) as caught:
        read_groups(ldap_directory.settings(url=url))
    assert time.monotonic() - started < 2
    assert url in caught.value.message
    assert READER_PASSWORD not in chain_text(caught.value)


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A port that accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        accepted: list[socket.socket] = []
        stop = threading.Event()

        def accept() -> None:
            listener.settimeout(0.1)
            while not stop.is_set():
                try:
                    accepted.append(listener.accept()[0])
                except TimeoutError:
                    continue

        thread = threading.Thread(target=accept, daemon=True)
        thread.start()
        try:
            yield f"ldap://127.0.0.1:{listener.getsockname()[1]}"
        finally:
            stop.set()
            thread.join()
            for conn in accepted:
                conn.close()


def test_a_directory_that_does_not_answer_times_out(
    ldap_directory: LdapDirectory, silent_server: str
) -> None:
    started = time.monotonic()
    with pytest.raises(DirectoryUnavailable) as caught:
        read_groups(ldap_directory.settings(url=silent_server, timeout_seconds=0.5))
    assert time.monotonic() - started < 5
    assert silent_server in caught.value.message


def test_start_tls_and_ldaps_read_with_the_directory_s_ca(ldap_directory: LdapDirectory) -> None:
    ca_file = str(ldap_directory.ca_file)
    plain = read_groups(ldap_directory.settings(), [group("sales")])
    assert (
        read_groups(ldap_directory.settings(start_tls=True, ca_file=ca_file), [group("sales")])
        == plain
    )
    assert (
        read_groups(
            ldap_directory.settings(url=ldap_directory.ldaps_url, ca_file=ca_file), [group("sales")]
        )
        == plain
    )


@pytest.mark.parametrize("start_tls", [True, False])
def test_an_untrusted_certificate_is_refused(
    ldap_directory: LdapDirectory, start_tls: bool
) -> None:
    url = ldap_directory.url if start_tls else ldap_directory.ldaps_url
    with pytest.raises(DirectoryUnavailable) as caught:
        read_groups(ldap_directory.settings(url=url, start_tls=start_tls))  # the system's CAs
    assert "certificate verify failed" in caught.value.message
    assert READER_PASSWORD not in chain_text(caught.value)


def test_a_certificate_for_another_host_is_refused(ldap_directory: LdapDirectory) -> None:
    url = ldap_directory.ldaps_url.replace("127.0.0.1", "localhost")  # the certificate names the IP
    with pytest.raises(DirectoryUnavailable) as caught:
        read_groups(ldap_directory.settings(url=url, ca_file=str(ldap_directory.ca_file)))
    assert "localhost" in caught.value.message


def test_a_missing_ca_file_is_unavailable(ldap_directory: LdapDirectory, tmp_path: Path) -> None:
    missing = tmp_path / "no-ca.pem"
    with pytest.raises(DirectoryUnavailable) as caught:
        read_groups(ldap_directory.settings(start_tls=True, ca_file=str(missing)))
    assert ldap_directory.url in caught.value.message
    assert str(missing) in caught.value.message


def test_a_missing_group_base_is_unavailable(ldap_directory: LdapDirectory) -> None:
    with pytest.raises(DirectoryUnavailable) as caught:
        read_groups(ldap_directory.settings(group_base=f"ou=nowhere,{BASE_DN}"))
    assert "ou=nowhere" in caught.value.message


def test_the_group_filter_and_mail_attribute_are_the_settings(
    ldap_directory: LdapDirectory,
) -> None:
    groups = read_groups(ldap_directory.settings(group_filter="(cn=sales)", mail_attribute="uid"))
    assert groups == [
        DirectoryGroup(dn=group("sales"), name="sales", member_emails=("anna", "jurgen", "karl"))
    ]


def test_members_are_looked_up_in_batches(
    ldap_directory: LdapDirectory, monkeypatch: pytest.MonkeyPatch
) -> None:
    members = 2 * LOOKUP_CHUNK + 20
    for n in range(members):
        ldap_directory.add(
            f"uid=bulk-{n:03},{PEOPLE}",
            ["inetOrgPerson"],
            {
                "uid": f"bulk-{n:03}",
                "cn": f"Bulk {n}",
                "sn": "Bulk",
                "mail": f"bulk-{n:03}@example.org",
            },
        )
    ldap_directory.add(
        group("bulk"),
        ["groupOfNames"],
        {"cn": "bulk", "member": [f"uid=bulk-{n:03},{PEOPLE}" for n in range(members)]},
    )
    searches: list[str] = []
    search = ldap3.Connection.search

    def counted(self: ldap3.Connection, search_base: str, *args: Any, **kwargs: Any) -> Any:
        searches.append(search_base)
        return search(self, search_base, *args, **kwargs)

    monkeypatch.setattr(ldap3.Connection, "search", counted)
    (bulk,) = read_groups(ldap_directory.settings(), [group("bulk")])
    assert len(bulk.member_emails) == members
    # The root DSE, the group, and a few paged searches per chunk of DNs: not one per member.
    assert len(searches) <= 2 + 3 * (members // LOOKUP_CHUNK + 1) * (LOOKUP_CHUNK // SIZE_LIMIT)
    assert len(searches) < members / 2
