"""The global custody log as an RFC 9162 (Certificate Transparency v2) Merkle tree: proofs.

Leaves are custody-event bodies; a leaf hash is SHA-256(0x00 || body) and an interior node is
SHA-256(0x01 || left || right) (RFC 9162 2.1.1). Hashing, roots and the proof verifiers are
defined once, in `tafteesh.evidence.verifier` (the standalone module shipped to courts); this
module adds what only the log's keeper needs: the compact range a log head row stores, and the
inclusion and consistency proofs it hands out.

Proof generators take trusted leaf hashes and raise `ValueError` on impossible arguments.
"""

from collections.abc import Iterable, Sequence

from tafteesh.evidence.verifier import (
    EMPTY_ROOT,
    HASH_SIZE,
    MerkleAccumulator,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "CompactRange",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root_from_leaf_hashes",
    "verify_consistency",
    "verify_inclusion",
]


class CompactRange(MerkleAccumulator):
    """The roots of the perfect subtrees covering leaves [0, size), largest first.

    With these, one per set bit of `size`, the log can be extended and its root computed without
    reading old leaves: what a log head row needs to keep. Appending and the root are the
    verifier's own `MerkleAccumulator`; this adds saving and restoring the state.
    """

    __slots__ = ()

    def __init__(self, size: int = 0, hashes: Iterable[bytes] = ()) -> None:
        super().__init__()
        restored = list(hashes)
        if size < 0 or len(restored) != size.bit_count():
            raise ValueError(f"a compact range of {size} leaves has {size.bit_count()} hashes")
        self._size = size
        self._hashes = restored

    @property
    def hashes(self) -> tuple[bytes, ...]:
        return tuple(self._hashes)


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """PATH(index, D[n]) of RFC 9162 2.1.3.1, for the tree of all `leaf_hashes`."""
    if not 0 <= index < len(leaf_hashes):
        raise ValueError(f"leaf {index} is not in a tree of {len(leaf_hashes)} leaves")
    proof: list[bytes] = []
    start, end = 0, len(leaf_hashes)
    # Walk down from the root; each step records the sibling subtree, so the proof comes out
    # root-first and is reversed at the end into the leaf-first order the RFC specifies.
    while end - start > 1:
        split = start + _largest_power_of_two_below(end - start)
        if index < split:
            proof.append(_subtree_root(leaf_hashes, split, end))
            end = split
        else:
            proof.append(_subtree_root(leaf_hashes, start, split))
            start = split
    proof.reverse()
    return proof


def consistency_proof(leaf_hashes: Sequence[bytes], old_size: int, new_size: int) -> list[bytes]:
    """PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of RFC 9162 2.1.4.1, over the first n leaves.

    Sizes 0 and m == n give the empty proof: the empty tree is a prefix of every tree, and a
    tree is consistent with itself.
    """
    if not 0 <= old_size <= new_size <= len(leaf_hashes):
        raise ValueError(
            f"no consistency proof from {old_size} to {new_size} leaves "
            f"in a log of {len(leaf_hashes)}"
        )
    if old_size in (0, new_size):
        return []
    proof: list[bytes] = []
    start, end, m = 0, new_size, old_size
    # b of SUBPROOF: true while the subtree's left edge is the old tree's own root, which the
    # verifier already holds and so need not be sent.
    old_root_known = True
    while m != end - start:
        split = _largest_power_of_two_below(end - start)
        if m <= split:
            proof.append(_subtree_root(leaf_hashes, start + split, end))
            end = start + split
        else:
            proof.append(_subtree_root(leaf_hashes, start, start + split))
            start += split
            m -= split
            old_root_known = False
    if not old_root_known:
        proof.append(_subtree_root(leaf_hashes, start, end))
    proof.reverse()
    return proof


def _subtree_root(leaf_hashes: Sequence[bytes], start: int, end: int) -> bytes:
    """MTH(D[start:end]); the RFC defines it on any list of leaves, aligned or not."""
    return root_from_leaf_hashes(leaf_hashes[index] for index in range(start, end))


def _largest_power_of_two_below(n: int) -> int:
    """k of RFC 9162 2.1.1: the largest power of two smaller than n, for n > 1."""
    return 1 << ((n - 1).bit_length() - 1)
