"""A Merkle tree over a tenant's event hashes, exactly as in RFC 6962 §2.1 (Certificate
Transparency), so that inclusion proofs are the standard ones.

For leaves ``d[0..n)`` (each an event hash: 64 lowercase hex digits, used as its 32 bytes)::

    MTH([])     = SHA-256(b"")
    MTH([d0])   = SHA-256(0x00 || d0)                          leaf hash
    MTH(d[0:n]) = SHA-256(0x01 || MTH(d[0:k]) || MTH(d[k:n]))  node hash, n > 1,
                  k = the largest power of two smaller than n

The 0x00/0x01 prefixes keep a leaf from passing for a node. Roots and proof entries are lowercase
hex. :func:`merkle_root` follows the definition; :class:`MerkleAccumulator` computes the same root
while streaming, in O(log n) memory. Malformed leaves raise ``ValueError``; malformed proofs just
fail to verify.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

__all__ = [
    "EMPTY_ROOT",
    "MerkleAccumulator",
    "inclusion_proof",
    "merkle_root",
    "verify_inclusion",
]

#: The root of a tree without leaves: SHA-256 of the empty string.
EMPTY_ROOT = hashlib.sha256(b"").hexdigest()

_HASH = re.compile(r"[0-9a-f]{64}")


def _leaf_bytes(leaf_hex: str) -> bytes:
    if not isinstance(leaf_hex, str) or not _HASH.fullmatch(leaf_hex):
        raise ValueError(f"a Merkle leaf must be 64 lowercase hex digits, got {leaf_hex!r}")
    return bytes.fromhex(leaf_hex)


def _leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def _node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (for ``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def _subtree(leaf_hashes: Sequence[bytes], start: int, end: int) -> bytes:
    """MTH of ``leaf_hashes[start:end]`` (non-empty), by the recursive definition."""
    if end - start == 1:
        return leaf_hashes[start]
    middle = start + _split(end - start)
    return _node_hash(_subtree(leaf_hashes, start, middle), _subtree(leaf_hashes, middle, end))


def merkle_root(leaves: Sequence[str]) -> str:
    """The tree head of ``leaves`` (event hashes, in ``seq`` order); :data:`EMPTY_ROOT` for none."""
    if not leaves:
        return EMPTY_ROOT
    hashes = [_leaf_hash(_leaf_bytes(leaf)) for leaf in leaves]
    return _subtree(hashes, 0, len(hashes)).hex()


class MerkleAccumulator:
    """:func:`merkle_root` for a stream of leaves, keeping O(log n) hashes.

    The stack holds the roots of the perfect subtrees that make up the leaves so far, largest
    first, one per set bit of the leaf count; adding a leaf merges equal-sized neighbours, like
    carrying in binary addition. Folding the stack from the right gives the RFC 6962 root,
    because the definition splits off the largest power of two first."""

    __slots__ = ("_size", "_stack")

    def __init__(self) -> None:
        self._stack: list[bytes] = []
        self._size = 0

    @property
    def size(self) -> int:
        """How many leaves were added."""
        return self._size

    def add(self, leaf_hex: str) -> None:
        """Append one leaf (an event hash); ``ValueError`` if it is not 64 lowercase hex digits."""
        node = _leaf_hash(_leaf_bytes(leaf_hex))
        carry = self._size
        while carry & 1:  # each trailing 1 bit is a full subtree of the new one's size
            node = _node_hash(self._stack.pop(), node)
            carry >>= 1
        self._stack.append(node)
        self._size += 1

    def root(self) -> str:
        """The root over the leaves so far (O(log n)); the accumulator can keep growing."""
        if not self._stack:
            return EMPTY_ROOT
        node = self._stack[-1]
        for left in reversed(self._stack[:-1]):
            node = _node_hash(left, node)
        return node.hex()


def inclusion_proof(leaves: Sequence[str], index: int) -> list[str]:
    """The RFC 6962 §2.1.1 audit path of leaf ``index``: sibling subtree roots, bottom up."""
    if isinstance(index, bool) or not 0 <= index < len(leaves):
        raise ValueError(f"leaf index {index!r} is outside a tree of {len(leaves)} leaves")
    hashes = [_leaf_hash(_leaf_bytes(leaf)) for leaf in leaves]
    path: list[bytes] = []
    start, end = 0, len(hashes)
    while end - start > 1:  # descend towards the leaf; siblings are collected top down
        middle = start + _split(end - start)
        if index < middle:
            path.append(_subtree(hashes, middle, end))
            end = middle
        else:
            path.append(_subtree(hashes, start, middle))
            start = middle
    return [node.hex() for node in reversed(path)]


def verify_inclusion(
    leaf_hex: str, index: int, tree_size: int, proof: Sequence[str], root_hex: str
) -> bool:
    """Whether ``proof`` shows that leaf ``index`` of the tree of ``tree_size`` leaves with root
    ``root_hex`` is ``leaf_hex`` (the algorithm of RFC 9162 §2.1.3.2). Never raises."""
    if not isinstance(index, int) or not isinstance(tree_size, int) or not 0 <= index < tree_size:
        return False
    if not isinstance(root_hex, str) or not _HASH.fullmatch(root_hex):
        return False
    if not all(isinstance(p, str) and _HASH.fullmatch(p) for p in proof):
        return False
    try:
        node = _leaf_hash(_leaf_bytes(leaf_hex))
    except ValueError:
        return False
    position, last = index, tree_size - 1
    for sibling_hex in proof:
        if last == 0:
            return False  # the proof is longer than the path
        sibling = bytes.fromhex(sibling_hex)
        if position & 1 or position == last:
            node = _node_hash(sibling, node)
            while not position & 1 and position != 0:
                position >>= 1
                last >>= 1
        else:
            node = _node_hash(node, sibling)
        position >>= 1
        last >>= 1
    return last == 0 and node.hex() == root_hex
