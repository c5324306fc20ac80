"""Every module of the engine names what it exports, and the names exist."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import sync

MODULES = sorted(m.name for m in pkgutil.iter_modules(sync.__path__))


@pytest.mark.parametrize("name", MODULES)
def test_all_names_exist(name: str) -> None:
    module = importlib.import_module(f"sync.{name}")
    exported = getattr(module, "__all__", None)
    assert exported, f"sync.{name} has no __all__"
    assert sorted(exported) == sorted(set(exported))
    for item in exported:
        assert hasattr(module, item), f"sync.{name}.{item}"
