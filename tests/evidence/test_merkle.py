"""RFC 9162 Merkle log: known answers, corrupted proofs, and every proof for trees up to 70 leaves.

Known answers are the RFC 6962 vectors of github.com/transparency-dev/merkle (successor of the
certificate-transparency-go merkle package): testonly/constants.go (leaves, roots),
testonly/reference_test.go and proof/verify_test.go (proofs), rfc6962/rfc6962_test.go (hashes).
The corruption probes port corruptInclusionProof / corruptConsistencyProof from verify_test.go.
"""

import random

import pytest

from tafteesh.evidence.merkle import (
    EMPTY_ROOT,
    CompactRange,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

LEAF_INPUTS = [
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
LEAF_HASHES = [leaf_hash(data) for data in LEAF_INPUTS]

# ROOTS[n] is the root of the tree of the first n leaves.
ROOTS = [
    bytes.fromhex(h)
    for h in (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]

# testonly/constants.go NodeHashes()[0]: the leaf level.
EXPECTED_LEAF_HASHES = [
    bytes.fromhex(h)
    for h in (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    )
]


def _h(*hexes: str) -> list[bytes]:
    return [bytes.fromhex(h) for h in hexes]


# (leaf index, tree size, proof)
INCLUSION_VECTORS = [
    (0, 1, []),
    (0, 2, _h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7")),
    (1, 2, _h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")),
    (2, 3, _h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
    (
        1,
        5,
        _h(
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ),
    ),
    (
        0,
        8,
        _h(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ),
    ),
    (
        5,
        8,
        _h(
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
]

# (old size, new size, proof)
CONSISTENCY_VECTORS = [
    (1, 1, []),
    (
        1,
        8,
        _h(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ),
    ),
    (
        2,
        5,
        _h(
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ),
    ),
    (
        6,
        8,
        _h(
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
    (
        6,
        7,
        _h(
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
]

SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


def _flip_bit(value: bytes, bit: int) -> bytes:
    return bytes([value[0] ^ (1 << bit)]) + value[1:]


def test_leaf_and_node_hashes_match_rfc6962_vectors() -> None:
    assert EMPTY_ROOT == ROOTS[0]
    assert leaf_hash(b"") != EMPTY_ROOT
    assert leaf_hash(b"L123456").hex() == (
        "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
    )
    assert node_hash(b"N123", b"N456").hex() == (
        "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"
    )
    assert LEAF_HASHES == EXPECTED_LEAF_HASHES


@pytest.mark.parametrize("size", range(9))
def test_root_matches_vector_for_each_tree_size(size: int) -> None:
    assert root_from_leaf_hashes(LEAF_HASHES[:size]) == ROOTS[size]


@pytest.mark.parametrize(("index", "size", "expected"), INCLUSION_VECTORS)
def test_inclusion_proof_matches_vector_and_verifies(
    index: int, size: int, expected: list[bytes]
) -> None:
    assert inclusion_proof(LEAF_HASHES[:size], index) == expected
    assert verify_inclusion(LEAF_HASHES[index], index, size, expected, ROOTS[size])


@pytest.mark.parametrize(("old_size", "new_size", "expected"), CONSISTENCY_VECTORS)
def test_consistency_proof_matches_vector_and_verifies(
    old_size: int, new_size: int, expected: list[bytes]
) -> None:
    assert consistency_proof(LEAF_HASHES, old_size, new_size) == expected
    assert verify_consistency(old_size, new_size, ROOTS[old_size], ROOTS[new_size], expected)


def _corrupted_inclusion_probes(
    leaf: bytes, index: int, size: int, proof: list[bytes], root: bytes
) -> list[tuple[str, bytes, int, int, list[bytes], bytes]]:
    """Each probe is (description, *arguments of verify_inclusion)."""
    probes = [
        ("index - 1", leaf, index - 1, size, proof, root),
        ("index + 1", leaf, index + 1, size, proof, root),
        ("index ^ 2", leaf, index ^ 2, size, proof, root),
        ("size * 2", leaf, index, size * 2, proof, root),
        ("size // 2", leaf, index, size // 2, proof, root),
        ("wrong leaf", b"WrongLeaf", index, size, proof, root),
        ("other leaf", leaf_hash(b"WrongLeaf"), index, size, proof, root),
        ("empty root", leaf, index, size, proof, EMPTY_ROOT),
        ("random root", leaf, index, size, proof, SOME_HASH),
        ("root bit flipped", leaf, index, size, proof, _flip_bit(root, 0)),
        ("trailing garbage", leaf, index, size, [*proof, b""], root),
        ("trailing root", leaf, index, size, [*proof, root], root),
        ("preceding garbage", leaf, index, size, [b"", *proof], root),
        ("preceding root", leaf, index, size, [root, *proof], root),
    ]
    for i in range(len(proof)):
        flipped = [*proof[:i], _flip_bit(proof[i], 3), *proof[i + 1 :]]
        probes.append((f"proof[{i}] bit 3 flipped", leaf, index, size, flipped, root))
    if proof:
        probes.append(("last hash removed", leaf, index, size, proof[:-1], root))
    if len(proof) > 1:
        probes.append(("hash inserted", leaf, index, size, [proof[0], SOME_HASH, *proof[1:]], root))
    return probes


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION_VECTORS)
def test_corrupted_inclusion_proofs_are_refused(index: int, size: int, proof: list[bytes]) -> None:
    probes = _corrupted_inclusion_probes(LEAF_HASHES[index], index, size, proof, ROOTS[size])
    accepted = [desc for desc, *args in probes if verify_inclusion(*args)]
    assert accepted == []


def _corrupted_consistency_probes(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: list[bytes]
) -> list[tuple[str, int, int, bytes, bytes, list[bytes]]]:
    """Each probe is (description, *arguments of verify_consistency)."""
    probes = [
        ("old size - 1", old_size - 1, new_size, old_root, new_root, proof),
        ("old size + 1", old_size + 1, new_size, old_root, new_root, proof),
        ("old size ^ 2", old_size ^ 2, new_size, old_root, new_root, proof),
        ("new size * 2", old_size, new_size * 2, old_root, new_root, proof),
        ("new size // 2", old_size, new_size // 2, old_root, new_root, proof),
        ("wrong old root", old_size, new_size, b"WrongRoot", new_root, proof),
        ("wrong new root", old_size, new_size, old_root, b"WrongRoot", proof),
        ("old root bit flipped", old_size, new_size, _flip_bit(old_root, 0), new_root, proof),
        ("new root bit flipped", old_size, new_size, old_root, _flip_bit(new_root, 0), proof),
        ("swapped roots", old_size, new_size, new_root, old_root, proof),
        ("empty proof", old_size, new_size, old_root, new_root, []),
        ("trailing garbage", old_size, new_size, old_root, new_root, [*proof, b""]),
        ("trailing old root", old_size, new_size, old_root, new_root, [*proof, old_root]),
        ("trailing new root", old_size, new_size, old_root, new_root, [*proof, new_root]),
        ("preceding garbage", old_size, new_size, old_root, new_root, [b"", *proof]),
        ("preceding old root", old_size, new_size, old_root, new_root, [old_root, *proof]),
        ("preceding new root", old_size, new_size, old_root, new_root, [new_root, *proof]),
        ("preceding proof[0]", old_size, new_size, old_root, new_root, [proof[0], *proof]),
        ("last hash removed", old_size, new_size, old_root, new_root, proof[:-1]),
    ]
    for i in range(len(proof)):
        flipped = [*proof[:i], _flip_bit(proof[i], 4), *proof[i + 1 :]]
        probes.append(
            (f"proof[{i}] bit 4 flipped", old_size, new_size, old_root, new_root, flipped)
        )
    return probes


@pytest.mark.parametrize(
    ("old_size", "new_size", "proof"), [vector for vector in CONSISTENCY_VECTORS if vector[2]]
)
def test_corrupted_consistency_proofs_are_refused(
    old_size: int, new_size: int, proof: list[bytes]
) -> None:
    probes = _corrupted_consistency_probes(
        old_size, new_size, ROOTS[old_size], ROOTS[new_size], proof
    )
    accepted = [desc for desc, *args in probes if verify_consistency(*args)]
    assert accepted == []


@pytest.mark.parametrize(("index", "size"), [(0, 0), (1, 1), (2, 1), (-1, 1), (1, 0)])
def test_inclusion_outside_the_tree_is_refused(index: int, size: int) -> None:
    assert not verify_inclusion(LEAF_HASHES[0], index, size, [], ROOTS[1])
    assert not verify_inclusion(LEAF_HASHES[0], index, size, [], EMPTY_ROOT)


def test_single_leaf_tree_root_is_the_leaf_hash() -> None:
    leaf = leaf_hash(b"data")
    assert verify_inclusion(leaf, 0, 1, [], leaf)
    assert not verify_inclusion(leaf, 0, 1, [], b"")
    assert not verify_inclusion(b"", 0, 1, [], leaf)


@pytest.mark.parametrize(
    ("old_size", "new_size", "old_root", "new_root", "proof", "verifies"),
    [
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, [], True),
        (0, 5, EMPTY_ROOT, ROOTS[5], [], True),
        # The empty tree has one root; a checkpoint of size 0 claiming another is false.
        (0, 5, ROOTS[1], ROOTS[5], [], False),
        (0, 5, EMPTY_ROOT, ROOTS[5], [EMPTY_ROOT], False),
        (3, 3, ROOTS[3], ROOTS[3], [], True),
        (3, 3, ROOTS[3], ROOTS[4], [], False),
        (3, 3, ROOTS[3], ROOTS[3], [EMPTY_ROOT], False),
        # The log shrinking (truncation) is never consistent.
        (4, 3, ROOTS[4], ROOTS[3], [], False),
        (1, 0, ROOTS[1], EMPTY_ROOT, [], False),
        (-1, 3, ROOTS[0], ROOTS[3], [], False),
        (1, 2, ROOTS[1], ROOTS[2], [], False),
    ],
)
def test_consistency_edge_cases(
    old_size: int,
    new_size: int,
    old_root: bytes,
    new_root: bytes,
    proof: list[bytes],
    verifies: bool,
) -> None:
    assert verify_consistency(old_size, new_size, old_root, new_root, proof) is verifies


def test_proof_generators_refuse_impossible_requests() -> None:
    with pytest.raises(ValueError, match="not in a tree"):
        inclusion_proof(LEAF_HASHES[:3], 3)
    with pytest.raises(ValueError, match="not in a tree"):
        inclusion_proof([], 0)
    with pytest.raises(ValueError, match="no consistency proof"):
        consistency_proof(LEAF_HASHES, 5, 4)
    with pytest.raises(ValueError, match="no consistency proof"):
        consistency_proof(LEAF_HASHES, 1, 9)


# Reference implementations written straight from the RFC 9162 2.1 definitions, recursive where
# the module under test is iterative, to cross-check it on every tree shape up to 70 leaves.
def _reference_mth(leaves: list[bytes]) -> bytes:
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return node_hash(_reference_mth(leaves[:k]), _reference_mth(leaves[k:]))


def _reference_path(m: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    if m < k:
        return [*_reference_path(m, leaves[:k]), _reference_mth(leaves[k:])]
    return [*_reference_path(m - k, leaves[k:]), _reference_mth(leaves[:k])]


def _reference_subproof(m: int, leaves: list[bytes], b: bool) -> list[bytes]:
    if m == len(leaves):
        return [] if b else [_reference_mth(leaves)]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    if m <= k:
        return [*_reference_subproof(m, leaves[:k], b), _reference_mth(leaves[k:])]
    return [*_reference_subproof(m - k, leaves[k:], False), _reference_mth(leaves[:k])]


MAX_PROPERTY_SIZE = 70


@pytest.fixture(scope="module")
def random_leaf_hashes() -> list[bytes]:
    rng = random.Random(9162)
    return [leaf_hash(rng.randbytes(rng.randrange(0, 40))) for _ in range(MAX_PROPERTY_SIZE)]


def test_roots_match_the_rfc_definition_and_the_compact_range(
    random_leaf_hashes: list[bytes],
) -> None:
    compact = CompactRange()
    for size in range(MAX_PROPERTY_SIZE + 1):
        leaves = random_leaf_hashes[:size]
        assert root_from_leaf_hashes(leaves) == _reference_mth(leaves) == compact.root()
        # A compact range restored from what a log head row would store carries on the same.
        restored = CompactRange(compact.size, compact.hashes)
        if size < MAX_PROPERTY_SIZE:
            compact.append(random_leaf_hashes[size])
            restored.append(random_leaf_hashes[size])
            assert restored.hashes == compact.hashes


def test_every_inclusion_proof_up_to_70_leaves_verifies(random_leaf_hashes: list[bytes]) -> None:
    checked = 0
    for size in range(1, MAX_PROPERTY_SIZE + 1):
        leaves = random_leaf_hashes[:size]
        root = root_from_leaf_hashes(leaves)
        for index in range(size):
            proof = inclusion_proof(leaves, index)
            assert proof == _reference_path(index, leaves)
            assert verify_inclusion(leaves[index], index, size, proof, root)
            # The same proof must not vouch for a neighbouring position.
            assert not verify_inclusion(leaves[index], index ^ 1, size, proof, root)
            checked += 1
    assert checked == MAX_PROPERTY_SIZE * (MAX_PROPERTY_SIZE + 1) // 2


def test_every_consistency_proof_up_to_70_leaves_verifies(
    random_leaf_hashes: list[bytes],
) -> None:
    roots = [root_from_leaf_hashes(random_leaf_hashes[:size]) for size in range(71)]
    checked = 0
    for new_size in range(1, MAX_PROPERTY_SIZE + 1):
        for old_size in range(1, new_size + 1):
            proof = consistency_proof(random_leaf_hashes, old_size, new_size)
            assert proof == _reference_subproof(old_size, random_leaf_hashes[:new_size], True)
            assert verify_consistency(old_size, new_size, roots[old_size], roots[new_size], proof)
            checked += 1
    assert checked == MAX_PROPERTY_SIZE * (MAX_PROPERTY_SIZE + 1) // 2


def test_rewriting_an_old_leaf_breaks_consistency(random_leaf_hashes: list[bytes]) -> None:
    for old_size, new_size in [(1, 2), (5, 9), (16, 70), (33, 64), (69, 70)]:
        rewritten = list(random_leaf_hashes)
        rewritten[old_size - 1] = leaf_hash(b"backdated custody event")
        honest_old_root = root_from_leaf_hashes(random_leaf_hashes[:old_size])
        proof = consistency_proof(rewritten, old_size, new_size)
        new_root = root_from_leaf_hashes(rewritten[:new_size])
        assert not verify_consistency(old_size, new_size, honest_old_root, new_root, proof)


def test_compact_range_refuses_a_wrong_number_of_hashes() -> None:
    with pytest.raises(ValueError, match="has 2 hashes"):
        CompactRange(3, [EMPTY_ROOT])
    with pytest.raises(ValueError, match="has 0 hashes"):
        CompactRange(0, [EMPTY_ROOT])
