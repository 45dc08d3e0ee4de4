"""The Merkle tree against RFC 6962 known answers, an independent reference
implementation, and systematically mutated proofs."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from letters.evidence import merkle
from letters.evidence.merkle import (
    EMPTY_ROOT,
    Frontier,
    MemoryTree,
    ProofError,
    consistency_proof,
    frontier_positions,
    hash_leaf,
    inclusion_proof,
    verify_consistency,
    verify_inclusion,
)

# evidence-design.md: the RFC 6962 reference leaves and the roots of their first k.
LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
ROOTS = {
    0: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}
# Inclusion paths and consistency proofs published with the RFC 6962 reference
# implementation (Certificate Transparency's C++ ReferenceMerklePath /
# ReferenceSnapshotConsistency, reproduced in transparency-dev/merkle's tests).
PATHS = [
    (0, 1, []),
    (1, 2, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"]),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]

TREE = MemoryTree(hash_leaf(leaf) for leaf in LEAVES)


def root_of(k: int) -> bytes:
    return bytes.fromhex(ROOTS[k])


# ------------------------------------------------ an independent reference
# Straight from the RFC's recursive definitions, on lists of leaf data.


def ref_root(leaves: list[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + ref_root(leaves[:k]) + ref_root(leaves[k:])).digest()


def ref_path(m: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    if m < k:
        return [*ref_path(m, leaves[:k]), ref_root(leaves[k:])]
    return [*ref_path(m - k, leaves[k:]), ref_root(leaves[:k])]


def ref_subproof(m: int, leaves: list[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [ref_root(leaves)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return [*ref_subproof(m, leaves[:k], complete), ref_root(leaves[k:])]
    return [*ref_subproof(m - k, leaves[k:], False), ref_root(leaves[:k])]


# ------------------------------------------------ known answers


@pytest.mark.parametrize("size", range(9))
def test_roots_match_the_rfc_vectors(size: int) -> None:
    assert TREE.root(size).hex() == ROOTS[size]
    assert MemoryTree(hash_leaf(leaf) for leaf in LEAVES[:size]).root().hex() == ROOTS[size]


def test_empty_tree_is_the_hash_of_nothing() -> None:
    assert EMPTY_ROOT.hex() == ROOTS[0]


@pytest.mark.parametrize(("index", "size", "expected"), PATHS)
def test_inclusion_paths_match_the_reference(index: int, size: int, expected: list[str]) -> None:
    assert [h.hex() for h in inclusion_proof(index, size, TREE.node)] == expected


@pytest.mark.parametrize(("old", "new", "expected"), CONSISTENCY)
def test_consistency_proofs_match_the_reference(old: int, new: int, expected: list[str]) -> None:
    assert [h.hex() for h in consistency_proof(old, new, TREE.node)] == expected


# ------------------------------------------------ every proof of sizes 1..8 and its mutations


def refused(verify: Callable[..., None], *arguments: object) -> bool:
    try:
        verify(*arguments)
    except ProofError:
        return True
    return False


def flipped(value: bytes, bit: int = 0) -> bytes:
    return bytes([value[0] ^ (1 << bit)]) + value[1:]


def inclusion_mutations(
    index: int, size: int, proof: list[bytes]
) -> list[tuple[str, int, int, list[bytes], bytes]]:
    """(what, index, size, proof, root) that must all be refused.

    A proof of a tree of ``size`` presented for another size is checked
    against that other tree's root: the size is signed together with the root
    in a checkpoint, so that is the only way a verifier meets a wrong size.
    """
    root = root_of(size)
    cases = [
        (f"flip hash {n}", index, size, [*proof[:n], flipped(h), *proof[n + 1 :]], root)
        for n, h in enumerate(proof)
    ]
    cases.append(("extra hash", index, size, [*proof, proof[-1] if proof else EMPTY_ROOT], root))
    if proof:
        cases.append(("truncated", index, size, proof[:-1], root))
    for other in range(1, 9):
        if other != size and index < other:
            cases.append((f"size {other}", index, other, proof, root_of(other)))
    for other in range(size):
        if other != index:
            cases.append((f"index {other}", other, size, proof, root))
    return cases


@pytest.mark.parametrize("size", range(1, 9))
def test_every_inclusion_proof_verifies_and_every_mutation_fails(size: int) -> None:
    for index in range(size):
        leaf = hash_leaf(LEAVES[index])
        proof = inclusion_proof(index, size, TREE.node)
        verify_inclusion(index, size, leaf, proof, root_of(size))
        with pytest.raises(ProofError):
            verify_inclusion(index, size, flipped(leaf), proof, root_of(size))
        with pytest.raises(ProofError):
            verify_inclusion(index, size, leaf, proof, flipped(root_of(size), 7))
        for name, bad_index, bad_size, bad_proof, root in inclusion_mutations(index, size, proof):
            assert refused(verify_inclusion, bad_index, bad_size, leaf, bad_proof, root), (
                f"{name} accepted for leaf {index} of {size}"
            )


@pytest.mark.parametrize("new", range(1, 9))
def test_every_consistency_proof_verifies_and_every_mutation_fails(new: int) -> None:
    for old in range(1, new + 1):
        proof = consistency_proof(old, new, TREE.node)
        verify_consistency(old, new, root_of(old), root_of(new), proof)
        mutations = [[*proof[:n], flipped(h), *proof[n + 1 :]] for n, h in enumerate(proof)] + [
            [*proof, root_of(1)]
        ]
        if proof:
            mutations.append(proof[:-1])
        for bad in mutations:
            with pytest.raises(ProofError):
                verify_consistency(old, new, root_of(old), root_of(new), bad)
        if old < new:
            with pytest.raises(ProofError):
                verify_consistency(old, new, flipped(root_of(old)), root_of(new), proof)
            with pytest.raises(ProofError):
                verify_consistency(old, new, root_of(old), flipped(root_of(new)), proof)
            with pytest.raises(ProofError):
                verify_consistency(old - 1 or new, new, root_of(old), root_of(new), proof)
        with pytest.raises(ProofError):
            verify_consistency(new, old - 1, root_of(new), root_of(old - 1), proof)


def test_proofs_are_refused_outside_the_tree() -> None:
    with pytest.raises(ValueError, match="not in a tree of 8"):
        inclusion_proof(8, 8, TREE.node)
    with pytest.raises(ProofError, match="outside a tree of 3"):
        verify_inclusion(3, 3, hash_leaf(b""), [], root_of(3))
    with pytest.raises(ProofError, match="has 31 bytes"):
        verify_inclusion(0, 2, hash_leaf(b""), [b"x" * 31], root_of(2))


def test_equal_and_empty_sizes() -> None:
    verify_consistency(0, 5, EMPTY_ROOT, root_of(5), [])
    verify_consistency(5, 5, root_of(5), root_of(5), [])
    with pytest.raises(ProofError, match="two different roots"):
        verify_consistency(5, 5, root_of(5), root_of(4), [])
    with pytest.raises(ProofError, match="shrank"):
        verify_consistency(6, 5, root_of(6), root_of(5), [])


# ------------------------------------------------ many sizes, against the reference


def test_all_proofs_up_to_70_leaves_match_the_reference() -> None:
    data = [bytes([n, n ^ 0x5A]) for n in range(70)]
    tree = MemoryTree()
    for size in range(1, len(data) + 1):
        tree.append(hash_leaf(data[size - 1]))
        prefix = data[:size]
        assert tree.root() == ref_root(prefix)
        for index in range(size):
            proof = inclusion_proof(index, size, tree.node)
            assert proof == ref_path(index, prefix)
            verify_inclusion(index, size, hash_leaf(data[index]), proof, tree.root())
        for old in range(1, size + 1):
            proof = consistency_proof(old, size, tree.node)
            assert proof == ref_subproof(old, prefix, True)
            verify_consistency(old, size, ref_root(data[:old]), tree.root(), proof)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 700), st.data())
def test_random_large_trees(size: int, data: st.DataObject) -> None:
    leaves = [hash_leaf(n.to_bytes(4, "big")) for n in range(size)]
    tree = MemoryTree(leaves)
    index = data.draw(st.integers(0, size - 1))
    old = data.draw(st.integers(1, size))
    proof = inclusion_proof(index, size, tree.node)
    verify_inclusion(index, size, leaves[index], proof, tree.root())
    if proof:
        position = data.draw(st.integers(0, len(proof) - 1))
        bad = [*proof[:position], flipped(proof[position], 3), *proof[position + 1 :]]
        with pytest.raises(ProofError):
            verify_inclusion(index, size, leaves[index], bad, tree.root())
    consistency = consistency_proof(old, size, tree.node)
    verify_consistency(old, size, tree.root(old), tree.root(), consistency)
    if consistency:
        with pytest.raises(ProofError):
            verify_consistency(old, size, tree.root(old), tree.root(), consistency[1:])


# ------------------------------------------------ the frontier used for appends


def test_frontier_positions_are_the_binary_digits() -> None:
    assert frontier_positions(0) == []
    assert frontier_positions(1) == [(0, 0)]
    assert frontier_positions(7) == [(2, 0), (1, 2), (0, 6)]
    assert frontier_positions(8) == [(3, 0)]


def test_appending_completes_the_nodes_a_tree_has() -> None:
    tree = MemoryTree()
    completed = [[(n.level, n.index) for n in tree.append(hash_leaf(leaf))] for leaf in LEAVES]
    # Leaf 1 completes (1,0); leaf 3 completes (1,1) and (2,0); leaf 7 three nodes.
    assert completed == [
        [],
        [(1, 0)],
        [],
        [(1, 1), (2, 0)],
        [],
        [(1, 2)],
        [],
        [(1, 3), (2, 1), (3, 0)],
    ]
    assert tree.node(3, 0).hex() == ROOTS[8]


def test_a_frontier_rebuilt_from_stored_nodes_continues_the_same_tree() -> None:
    for size in range(9):
        frontier = Frontier.at(size, TREE.node)
        assert frontier.root().hex() == ROOTS[size]
        for leaf in LEAVES[size:]:
            frontier.append(hash_leaf(leaf))
        assert frontier.root().hex() == ROOTS[8]


def test_split_point() -> None:
    assert [merkle.split_point(n) for n in (2, 3, 4, 5, 7, 8, 9, 28937)] == [
        1,
        2,
        2,
        4,
        4,
        4,
        8,
        16384,
    ]
    with pytest.raises(ValueError, match="no split point"):
        merkle.split_point(1)
