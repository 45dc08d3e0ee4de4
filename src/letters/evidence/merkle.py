"""The Merkle tree of RFC 6962 / RFC 9162 (Certificate Transparency): hashes,
roots, inclusion and consistency proofs, and their verification. Pure.

Leaf hash = SHA-256(0x00 ‖ leaf bytes), node hash = SHA-256(0x01 ‖ left ‖
right), empty tree = SHA-256(""). A tree of n leaves splits at the largest
power of two below n, so its left part is always a *perfect* subtree. Every
hash the algorithms need is therefore built from perfect subtrees, which a
:data:`NodeSource` supplies by ``(level, index)``: level 0 is the leaf hashes,
level L index i covers leaves ``[i·2^L, (i+1)·2^L)``. The log keeps those
nodes in its database, so proofs cost O(log² n) look-ups instead of O(n)
hashing; :class:`MemoryTree` keeps them in a dict for tests and for checking
a whole log.

>>> tree = MemoryTree([hash_leaf(bytes.fromhex(h)) for h in ("", "00", "10")])
>>> tree.root().hex()[:16]   # RFC 6962 reference value for 3 leaves: aeb6bcfe…
'aeb6bcfe274b70a1'
>>> proof = inclusion_proof(2, 3, tree.node)
>>> verify_inclusion(2, 3, hash_leaf(bytes.fromhex("10")), proof, tree.root())
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeSource = Callable[[int, int], bytes]
"""(level, index) → hash of the perfect subtree at that position."""


class ProofError(ValueError):
    """A proof does not verify; the message says why."""


def hash_leaf(data: bytes) -> bytes:
    """SHA-256(0x00 ‖ data).

    >>> hash_leaf(b"").hex()[:16]   # RFC 6962 reference: 6e340b9c…
    '6e340b9cffb37a98'
    """
    return hashlib.sha256(b"\x00" + data).digest()


def hash_children(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 ‖ left ‖ right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(size: int) -> int:
    """The largest power of two strictly below ``size`` (size ≥ 2): where RFC 6962 splits.

    >>> [split_point(n) for n in (2, 3, 4, 5, 8, 9)]
    [1, 2, 2, 4, 4, 8]
    """
    if size < 2:
        raise ValueError(f"a tree of {size} leaves has no split point")
    return 1 << ((size - 1).bit_length() - 1)


def subtree_root(start: int, end: int, node: NodeSource) -> bytes:
    """Root of the subtree over leaves ``[start, end)`` as the RFC tree shapes it.

    The ranges that occur in an RFC tree start at a multiple of the largest
    power of two not below their size, so a range whose size is a power of two
    is one stored perfect node.
    """
    size = end - start
    if size <= 0:
        raise ValueError(f"empty range [{start}, {end})")
    if size & (size - 1) == 0:
        level = size.bit_length() - 1
        return node(level, start >> level)
    middle = start + split_point(size)
    return hash_children(subtree_root(start, middle, node), subtree_root(middle, end, node))


def root(size: int, node: NodeSource) -> bytes:
    """Root hash of the first ``size`` leaves."""
    return EMPTY_ROOT if size == 0 else subtree_root(0, size, node)


def inclusion_proof(index: int, size: int, node: NodeSource) -> list[bytes]:
    """RFC 9162 §2.1.3.1 PATH(index, D[size]): sibling hashes from the leaf up."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
    siblings: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        middle = start + split_point(end - start)
        if index < middle:
            siblings.append(subtree_root(middle, end, node))
            end = middle
        else:
            siblings.append(subtree_root(start, middle, node))
            start = middle
    return siblings[::-1]


def consistency_proof(old_size: int, new_size: int, node: NodeSource) -> list[bytes]:
    """RFC 9162 §2.1.4.1 PROOF(old_size, D[new_size]); empty when there is nothing to prove."""
    if not 0 <= old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to {new_size}")
    if old_size in (0, new_size):
        return []
    hashes: list[bytes] = []
    start, end = 0, new_size
    old_root_is_known = True  # the verifier holds the old root; it needs no hash for it
    while old_size != end:
        middle = start + split_point(end - start)
        if old_size <= middle:
            hashes.append(subtree_root(middle, end, node))
            end = middle
        else:
            hashes.append(subtree_root(start, middle, node))
            start = middle
            old_root_is_known = False
    if not old_root_is_known:
        hashes.append(subtree_root(start, end, node))
    return hashes[::-1]


def _check_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise ProofError(f"{what} has {len(value)} bytes, not {HASH_SIZE}")


def _rise_past_lone_nodes(position: int, last: int) -> tuple[int, int]:
    """A right-most node without a sibling moves up unchanged (RFC 9162 §2.1.3.2:
    "right-shift both until LSB(fn) is set or fn is 0")."""
    while position & 1 == 0 and position != 0:
        position >>= 1
        last >>= 1
    return position, last


def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root that ``proof`` leads to from ``leaf`` (RFC 9162 §2.1.3.2)."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of {size} leaves")
    _check_hash(leaf, "the leaf hash")
    position, last = index, size - 1
    result = leaf
    for number, sibling in enumerate(proof):
        _check_hash(sibling, f"proof hash {number}")
        if last == 0:
            raise ProofError(f"the proof has {len(proof)} hashes, more than the tree needs")
        if position & 1 or position == last:
            result = hash_children(sibling, result)
            position, last = _rise_past_lone_nodes(position, last)
        else:
            result = hash_children(result, sibling)
        position >>= 1
        last >>= 1
    if last != 0:
        raise ProofError(f"the proof has {len(proof)} hashes, fewer than the tree needs")
    return result


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], expected_root: bytes
) -> None:
    """Raise :class:`ProofError` unless ``proof`` shows leaf ``index`` in the tree ``expected_root``."""
    if root_from_inclusion_proof(index, size, leaf, proof) != expected_root:
        raise ProofError(f"the proof for entry {index} does not lead to the root of size {size}")


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Raise :class:`ProofError` unless the tree ``old_root`` is a prefix of ``new_root``
    (RFC 9162 §2.1.4.2)."""
    if not 0 <= old_size <= new_size:
        raise ProofError(f"size {old_size} is larger than size {new_size}: the log shrank")
    if old_size == new_size:
        if proof:
            raise ProofError("a proof between equal sizes must be empty")
        if old_root != new_root:
            raise ProofError(f"two different roots for the same size {old_size}")
        return
    if old_size == 0:
        if proof:
            raise ProofError("a proof from the empty tree must be empty")
        return
    if not proof:
        raise ProofError(f"an empty proof cannot link size {old_size} to {new_size}")
    for number, value in enumerate(proof):
        _check_hash(value, f"proof hash {number}")
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)  # the old tree is one perfect node of the new one
    position, last = old_size - 1, new_size - 1
    while position & 1:
        position >>= 1
        last >>= 1
    old_hash = new_hash = path[0]
    for sibling in path[1:]:
        if last == 0:
            raise ProofError(f"the proof has {len(proof)} hashes, more than needed")
        if position & 1 or position == last:
            old_hash = hash_children(sibling, old_hash)
            new_hash = hash_children(sibling, new_hash)
            position, last = _rise_past_lone_nodes(position, last)
        else:
            new_hash = hash_children(new_hash, sibling)
        position >>= 1
        last >>= 1
    if last != 0:
        raise ProofError(f"the proof has {len(proof)} hashes, fewer than needed")
    if old_hash != old_root:
        raise ProofError(f"the proof does not lead to the root of size {old_size}")
    if new_hash != new_root:
        raise ProofError(f"the proof does not lead to the root of size {new_size}")


# ---------------------------------------------------------------- building


@dataclass(frozen=True, slots=True)
class Node:
    """A perfect subtree completed by an append: level ≥ 1, index, hash."""

    level: int
    index: int
    hash: bytes


def frontier_positions(size: int) -> list[tuple[int, int]]:
    """(level, index) of the perfect subtrees that cover the first ``size`` leaves,
    largest first: one per set bit of ``size``.

    >>> frontier_positions(6)   # leaves 0-3 and 4-5
    [(2, 0), (1, 2)]
    """
    positions = []
    start = 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            positions.append((level, start >> level))
            start += 1 << level
    return positions


@dataclass(slots=True)
class Frontier:
    """The right edge of a growing tree: enough to append a leaf and compute the
    root in O(log n) without the rest of the tree (a "compact range").

    >>> frontier = Frontier()
    >>> [frontier.append(hash_leaf(bytes([n]))) != [] for n in range(4)]
    [False, True, False, True]
    >>> frontier.size, len(frontier.hashes)
    (4, 1)
    """

    size: int = 0
    hashes: list[bytes] = field(default_factory=list)  # one per set bit of size, largest first

    @classmethod
    def at(cls, size: int, node: NodeSource) -> Frontier:
        return cls(size, [node(level, index) for level, index in frontier_positions(size)])

    def append(self, leaf: bytes) -> list[Node]:
        """Add a leaf; return the perfect subtrees (level ≥ 1) this completes."""
        completed: list[Node] = []
        value, level, index = leaf, 0, self.size
        # Each trailing 1 bit of the old size is a perfect subtree of the
        # current level waiting for a right sibling of the same size.
        while self.size >> level & 1:
            value = hash_children(self.hashes.pop(), value)
            level += 1
            index >>= 1
            completed.append(Node(level, index, value))
        self.hashes.append(value)
        self.size += 1
        return completed

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        result = self.hashes[-1]
        for value in reversed(self.hashes[:-1]):
            result = hash_children(value, result)
        return result


class MemoryTree:
    """Every perfect subtree of a list of leaf hashes, in memory."""

    def __init__(self, leaves: Iterable[bytes] = ()) -> None:
        self.nodes: dict[tuple[int, int], bytes] = {}
        self.frontier = Frontier()
        for leaf in leaves:
            self.append(leaf)

    def append(self, leaf: bytes) -> list[Node]:
        self.nodes[(0, self.frontier.size)] = leaf
        completed = self.frontier.append(leaf)
        for made in completed:
            self.nodes[(made.level, made.index)] = made.hash
        return completed

    @property
    def size(self) -> int:
        return self.frontier.size

    def node(self, level: int, index: int) -> bytes:
        return self.nodes[(level, index)]

    def root(self, size: int | None = None) -> bytes:
        return self.frontier.root() if size is None else root(size, self.node)
