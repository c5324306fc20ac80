"""Each directory module's ``__all__`` names everything public it defines."""

from __future__ import annotations

from types import ModuleType

import pytest

from backend.access import directory, directory_group, directory_sync, dn, ldap_connection


@pytest.mark.parametrize(
    "module", [dn, directory, directory_group, directory_sync, ldap_connection], ids=str
)
def test_all_names_everything_public_the_module_defines(module: ModuleType) -> None:
    defined = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and getattr(value, "__module__", None) == module.__name__
    }
    assert defined <= set(module.__all__)
    assert all(hasattr(module, name) for name in module.__all__)
