"""The global custody log as an RFC 9162 (Certificate Transparency v2) Merkle tree.

Leaves are custody-event bodies; a leaf hash is SHA-256(0x00 || body) and an interior node is
SHA-256(0x01 || left || right) (RFC 9162 2.1.1). The distinct prefixes stop an interior node
being passed off as a leaf, or the reverse (second-preimage resistance).

Proof generators take trusted leaf hashes and raise `ValueError` on impossible arguments.
Verifiers take untrusted input from an export bundle and answer `False` for anything wrong,
never raise. Standard library only: the court's standalone verifier imports this module.
"""

import hashlib
import hmac
from collections.abc import Iterable, Sequence

HASH_SIZE = 32
# RFC 9162 2.1.1: MTH({}) = HASH(), the hash of the empty string.
EMPTY_ROOT = hashlib.sha256(b"").digest()

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


class CompactRange:
    """The roots of the perfect subtrees covering leaves [0, size), largest first.

    With these, one per set bit of `size`, the log can be extended and its root computed without
    reading old leaves: what a log head row needs to keep.
    """

    __slots__ = ("_size", "_hashes")

    def __init__(self, size: int = 0, hashes: Iterable[bytes] = ()) -> None:
        self._size = size
        self._hashes = list(hashes)
        if size < 0 or len(self._hashes) != size.bit_count():
            raise ValueError(f"a compact range of {size} leaves has {size.bit_count()} hashes")

    @property
    def size(self) -> int:
        return self._size

    @property
    def hashes(self) -> tuple[bytes, ...]:
        return tuple(self._hashes)

    def append(self, leaf: bytes) -> None:
        """Add one leaf hash; each trailing 1 bit of the size is a subtree that now pairs up."""
        merged = leaf
        size = self._size
        while size & 1:
            merged = node_hash(self._hashes.pop(), merged)
            size >>= 1
        self._hashes.append(merged)
        self._size += 1

    def root(self) -> bytes:
        """MTH of the leaves so far: fold the subtree roots from the right (RFC 9162 2.1.1)."""
        if not self._hashes:
            return EMPTY_ROOT
        root = self._hashes[-1]
        for subtree in reversed(self._hashes[:-1]):
            root = node_hash(subtree, root)
        return root


def root_from_leaf_hashes(leaf_hashes: Sequence[bytes]) -> bytes:
    return _subtree_root(leaf_hashes, 0, len(leaf_hashes))


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


def verify_inclusion(
    leaf: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 2.1.3.2, step for step."""
    if not _are_hashes(leaf, root, *proof):
        return False
    if not 0 <= index < tree_size:
        return False
    fn, sn = index, tree_size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            return False  # The proof is longer than the path to the root.
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            # A right-edge node with no right sibling is promoted unchanged up the tree.
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and hmac.compare_digest(r, root)


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Does the tree of `new_size` leaves extend the tree of `old_size` leaves unchanged?

    RFC 9162 2.1.4.2 covers 0 < old_size < new_size. The edges are decided here: the empty tree
    (whose root must be EMPTY_ROOT) and equal sizes (equal roots) need an empty proof.
    """
    if not _are_hashes(old_root, new_root, *proof):
        return False
    if not 0 <= old_size <= new_size:
        return False
    if old_size == 0:
        return not proof and hmac.compare_digest(old_root, EMPTY_ROOT)
    if old_size == new_size:
        return not proof and hmac.compare_digest(old_root, new_root)
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        # The old tree is a perfect subtree of the new one: its root starts the path.
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False  # The proof is longer than the path to the root.
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and hmac.compare_digest(fr, old_root) and hmac.compare_digest(sr, new_root)


def _subtree_root(leaf_hashes: Sequence[bytes], start: int, end: int) -> bytes:
    """MTH(D[start:end]); the RFC defines it on any list of leaves, aligned or not."""
    subtree = CompactRange()
    for index in range(start, end):
        subtree.append(leaf_hashes[index])
    return subtree.root()


def _largest_power_of_two_below(n: int) -> int:
    """k of RFC 9162 2.1.1: the largest power of two smaller than n, for n > 1."""
    return 1 << ((n - 1).bit_length() - 1)


def _are_hashes(*values: object) -> bool:
    return all(isinstance(value, bytes) and len(value) == HASH_SIZE for value in values)
