"""The RFC 6962 Merkle tree over event hashes: roots, the streaming accumulator, inclusion proofs."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence

import pytest

from backend.audit import merkle
from backend.audit.merkle import (
    EMPTY_ROOT,
    MerkleAccumulator,
    inclusion_proof,
    merkle_root,
    verify_inclusion,
)


def leaves(n: int) -> list[str]:
    return [hashlib.sha256(f"event {i}".encode()).hexdigest() for i in range(n)]


def _h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _reference_root(items: Sequence[bytes]) -> bytes:
    """RFC 6962 §2.1 MTH, transcribed with slices, independent of the module."""
    if not items:
        return _h(b"")
    if len(items) == 1:
        return _h(b"\x00" + items[0])
    k = 1
    while k * 2 < len(items):
        k *= 2
    return _h(b"\x01" + _reference_root(items[:k]) + _reference_root(items[k:]))


def _reference_path(m: int, items: Sequence[bytes]) -> list[bytes]:
    """RFC 6962 §2.1.1 PATH(m, D[n]), transcribed."""
    if len(items) == 1:
        return []
    k = 1
    while k * 2 < len(items):
        k *= 2
    if m < k:
        return [*_reference_path(m, items[:k]), _reference_root(items[k:])]
    return [*_reference_path(m - k, items[k:]), _reference_root(items[:k])]


def test_all_names_everything_public_the_module_defines() -> None:
    defined = {
        name
        for name, value in vars(merkle).items()
        if not name.startswith("_") and getattr(value, "__module__", None) == merkle.__name__
    }
    assert defined <= set(merkle.__all__)
    assert all(hasattr(merkle, name) for name in merkle.__all__)


def test_small_trees_by_hand() -> None:
    d = [bytes.fromhex(leaf) for leaf in leaves(3)]
    l0, l1, l2 = (_h(b"\x00" + x) for x in d)
    assert merkle_root([]) == EMPTY_ROOT == hashlib.sha256(b"").hexdigest()
    assert merkle_root(leaves(1)) == l0.hex()
    assert merkle_root(leaves(2)) == _h(b"\x01" + l0 + l1).hex()
    assert merkle_root(leaves(3)) == _h(b"\x01" + _h(b"\x01" + l0 + l1) + l2).hex()


def test_a_pinned_root() -> None:
    # Catches an accidental change of prefixes, split rule or leaf encoding.
    assert merkle_root(leaves(7)) == (
        "0c81987f75d6996491309991da68af48923adde91de36c6936de0364747d588d"
    )


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 8, 13, 64, 100])
def test_the_root_follows_the_definition(n: int) -> None:
    assert merkle_root(leaves(n)) == _reference_root([bytes.fromhex(x) for x in leaves(n)]).hex()


def test_the_accumulator_equals_the_root_for_every_size_up_to_70() -> None:
    items = leaves(70)
    accumulator = MerkleAccumulator()
    assert (accumulator.size, accumulator.root()) == (0, EMPTY_ROOT)
    for n in range(1, 71):
        accumulator.add(items[n - 1])
        assert accumulator.size == n
        assert accumulator.root() == merkle_root(items[:n]), n


@pytest.mark.parametrize("seed", range(4))
def test_the_accumulator_equals_the_root_for_random_larger_sizes(seed: int) -> None:
    n = random.Random(seed).randrange(71, 5000)
    items = leaves(n)
    accumulator = MerkleAccumulator()
    for item in items:
        accumulator.add(item)
    assert accumulator.root() == merkle_root(items)
    assert len(accumulator._stack) == n.bit_count()  # O(log n) memory


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 33, 70])
def test_every_leaf_has_a_proof_that_verifies(n: int) -> None:
    items = leaves(n)
    root = merkle_root(items)
    raw = [bytes.fromhex(x) for x in items]
    for index, leaf in enumerate(items):
        proof = inclusion_proof(items, index)
        assert proof == [p.hex() for p in _reference_path(index, raw)]
        assert verify_inclusion(leaf, index, n, proof, root)
        if n > 1:
            assert not verify_inclusion(items[(index + 1) % n], index, n, proof, root)


@pytest.mark.parametrize("n", [2, 5, 8, 13])
def test_proofs_fail_for_anything_else(n: int) -> None:
    items = leaves(n)
    root = merkle_root(items)
    for index, leaf in enumerate(items):
        proof = inclusion_proof(items, index)
        other = leaves(n + 1)[n]
        assert not verify_inclusion(other, index, n, proof, root)
        assert not verify_inclusion(leaf, (index + 1) % n, n, proof, root)
        assert not verify_inclusion(leaf, index, n, proof, merkle_root(items[:-1]))
        assert not verify_inclusion(leaf, index, n, proof[:-1], root)
        assert not verify_inclusion(leaf, index, n, [*proof, root], root)
        flipped = [p if i else ("0" if p[0] != "0" else "1") + p[1:] for i, p in enumerate(proof)]
        assert not verify_inclusion(leaf, index, n, flipped, root)


@pytest.mark.parametrize(
    ("leaf", "index", "size", "proof", "root"),
    [
        ("zz" * 32, 0, 1, [], EMPTY_ROOT),
        ("AB" * 32, 0, 1, [], EMPTY_ROOT),
        ("ab" * 32, -1, 1, [], EMPTY_ROOT),
        ("ab" * 32, 1, 1, [], EMPTY_ROOT),
        ("ab" * 32, 0, 0, [], EMPTY_ROOT),
        ("ab" * 32, 0, 2, ["not hex"], EMPTY_ROOT),
        ("ab" * 32, 0, 1, [], "short"),
    ],
)
def test_verification_never_raises_on_malformed_input(
    leaf: str, index: int, size: int, proof: list[str], root: str
) -> None:
    assert verify_inclusion(leaf, index, size, proof, root) is False


@pytest.mark.parametrize("bad", ["", "ab", "AB" * 32, "g" * 64, "ab" * 33])
def test_malformed_leaves_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="64 lowercase hex"):
        merkle_root([bad])
    with pytest.raises(ValueError, match="64 lowercase hex"):
        MerkleAccumulator().add(bad)


@pytest.mark.parametrize("index", [-1, 3, 100])
def test_a_proof_needs_an_index_inside_the_tree(index: int) -> None:
    with pytest.raises(ValueError, match="outside a tree of 3 leaves"):
        inclusion_proof(leaves(3), index)
