"""verify_bundle.py as a court runs it: a copy of verifier.py, alone, on plain Python.

Each test writes a bundle zip, and runs the copied script in a directory holding only it and the
`cryptography` package, with `python -S -E`: no site-packages (so no editable install of
tafteesh, which `-I` would still load) and no PYTHON* environment variables.
"""

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tafteesh.evidence import verifier
from tafteesh.evidence.canonical import canonical_bytes
from tafteesh.evidence.checkpoint import verifier_key
from tafteesh.evidence.merkle import leaf_hash
from tests.evidence.test_verifier import (
    BODIES,
    CHECKPOINT_SIZES,
    CHECKPOINTS,
    FILE_EVENTS,
    ORIGIN,
    VKEY,
    build_bodies,
    edited,
    item_of,
    sign_prefix,
)

# The case exported: its items' files are in the bundle; item d's file (event 8) belongs to
# another case and is not.
CASE_ITEMS = ("item-b", "item-c")
CASE_FILES = {
    hashlib.sha256(data).hexdigest(): data
    for seq, data in FILE_EVENTS.items()
    if item_of(seq) in CASE_ITEMS
}


@dataclass
class Bundle:
    bodies: list[bytes] = field(default_factory=lambda: list(BODIES))
    checkpoints: dict[str, bytes] = field(
        default_factory=lambda: {
            f"checkpoints/{size}.txt": note
            for size, note in zip(CHECKPOINT_SIZES, CHECKPOINTS, strict=True)
        }
    )
    files: dict[str, bytes] = field(default_factory=lambda: dict(CASE_FILES))
    events_jsonl: bytes | None = None  # overrides the lines made from `bodies`
    leaves: list[bytes] | None = None  # a one-case bundle: leaf hashes of the whole log
    manifest: dict[str, object] | None = None
    extra: dict[str, bytes] = field(default_factory=dict)

    def write(self, path: Path) -> Path:
        manifest = self.manifest or {
            "origin": ORIGIN,
            "exported_at": "2026-03-12T05:00:00.000000Z",
            "events": len(self.bodies),
            "items": [
                {"id": item, "files": sorted(_files_of(item))} for item in sorted(CASE_ITEMS)
            ],
        }
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            events = self.events_jsonl
            archive.writestr("events.jsonl", events or b"".join(b + b"\n" for b in self.bodies))
            if self.leaves is not None:
                lines = (f"{seq} {leaf.hex()}\n" for seq, leaf in enumerate(self.leaves, 1))
                archive.writestr("leaves.txt", "".join(lines))
            for name, note in self.checkpoints.items():
                archive.writestr(name, note)
            for sha256, data in self.files.items():
                archive.writestr(f"files/{sha256}", data, compress_type=zipfile.ZIP_STORED)
            archive.writestr("manifest.json", canonical_bytes(manifest))  # type: ignore[arg-type]
            archive.writestr("README.txt", "How to check this bundle ...\n")
            archive.writestr("certificates/item-b.html", "<p>BSA 63 Part A</p>\n")
            archive.writestr("verify_bundle.py", Path(verifier.__file__).read_bytes())
            for name, data in self.extra.items():
                archive.writestr(name, data)
        return path


def _files_of(item: str) -> set[str]:
    return {hashlib.sha256(d).hexdigest() for s, d in FILE_EVENTS.items() if item_of(s) == item}


@pytest.fixture(scope="module")
def court_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory with verify_bundle.py and cryptography, and nothing of tafteesh."""
    directory = tmp_path_factory.mktemp("court")
    shutil.copyfile(verifier.__file__, directory / "verify_bundle.py")
    for module in ("cryptography", "_cffi_backend"):
        spec = importlib.util.find_spec(module)
        if spec is None or spec.origin is None:
            continue
        origin = Path(spec.origin)
        source = origin.parent if origin.name == "__init__.py" else origin
        (directory / source.name).symlink_to(source)
    return directory


def run(court_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-S", "-E", "verify_bundle.py", *args],
        cwd=court_dir,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def check(court_dir: Path) -> Iterator[Callable[..., subprocess.CompletedProcess[str]]]:
    written: list[Path] = []

    def check_bundle(
        bundle: Bundle, *options: str, key: str = VKEY
    ) -> subprocess.CompletedProcess[str]:
        path = bundle.write(court_dir / f"bundle-{len(written)}.zip")
        written.append(path)
        return run(court_dir, path.name, "--public-key", key, *options)

    yield check_bundle
    for path in written:
        path.unlink()


def codes_in(output: str) -> set[str]:
    return {line.split(":")[0] for line in output.splitlines() if line.split(":")[0].isupper()}


def test_tafteesh_is_not_importable_where_the_script_runs(court_dir: Path) -> None:
    probe = subprocess.run(
        [sys.executable, "-S", "-E", "-c", "import cryptography, tafteesh"],
        cwd=court_dir,
        env={},
        capture_output=True,
        text=True,
    )
    assert "No module named 'tafteesh'" in probe.stderr


def test_a_clean_bundle_verifies(check: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    result = check(Bundle())
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "VERIFIED: 30 events up to checkpoint size 30"
    assert f"Log: {ORIGIN}" in result.stdout
    assert "Files checked: 2" in result.stdout
    assert codes_in(result.stdout) == {"VERIFIED"}


def _flip_first_byte(data: bytes) -> bytes:
    return bytes([data[0] ^ 0x01]) + data[1:]


def _reencoded(body: bytes) -> bytes:
    return json.dumps(json.loads(body), sort_keys=True, ensure_ascii=False).encode()


def _swapped(bodies: list[bytes], i: int, j: int) -> list[bytes]:
    swapped = list(bodies)
    swapped[i], swapped[j] = swapped[j], swapped[i]
    return swapped


def _with_edited_note(note: bytes) -> bytes:
    return note.replace(b"\n20\n", b"\n19\n", 1)


TAMPERED = {
    "flipped file byte": (
        lambda: Bundle(files={k: _flip_first_byte(v) for k, v in CASE_FILES.items()}),
        {"FILE_HASH_MISMATCH"},
    ),
    "file removed": (
        lambda: Bundle(files={k: v for k, v in CASE_FILES.items() if k not in _files_of("item-c")}),
        {"FILE_HASH_MISMATCH"},
    ),
    "edited event": (
        lambda: Bundle(bodies=[*BODIES[:4], edited(BODIES[4], notes="x"), *BODIES[5:]]),
        {"ROOT_MISMATCH", "CHAIN_BREAK"},
    ),
    "edited event, later chain rewritten": (
        lambda: Bundle(bodies=build_bodies(notes={15: "x"})),
        {"ROOT_MISMATCH"},
    ),
    "deleted event": (
        lambda: Bundle(bodies=[*BODIES[:14], *BODIES[15:]]),
        {"SEQ_MISMATCH", "CHAIN_BREAK", "ROOT_MISMATCH", "TRUNCATED"},
    ),
    "swapped events": (
        lambda: Bundle(bodies=_swapped(BODIES, 11, 12)),
        {"SEQ_MISMATCH", "ROOT_MISMATCH"},
    ),
    "edited checkpoint": (
        lambda: Bundle(
            checkpoints={
                "checkpoints/10.txt": CHECKPOINTS[0],
                "checkpoints/20.txt": _with_edited_note(CHECKPOINTS[1]),
                "checkpoints/30.txt": CHECKPOINTS[2],
            }
        ),
        {"BAD_SIGNATURE"},
    ),
    "re-encoded event": (
        lambda: Bundle(bodies=[*BODIES[:29], _reencoded(BODIES[29])]),
        {"NON_CANONICAL", "ROOT_MISMATCH"},
    ),
    "spaces before the line end": (
        lambda: Bundle(events_jsonl=b"".join(b + b" \n" for b in BODIES)),
        {"NON_CANONICAL", "CHAIN_BREAK", "ROOT_MISMATCH"},
    ),
    "appended after the last checkpoint": (
        lambda: Bundle(bodies=build_bodies(32)),
        {"UNANCHORED_TAIL"},
    ),
    "events missing that the manifest counts": (
        lambda: Bundle(
            bodies=BODIES[:25],
            checkpoints={"checkpoints/10.txt": CHECKPOINTS[0]},
            manifest={"origin": ORIGIN, "items": [], "events": 30, "exported_at": "x"},
        ),
        {"TRUNCATED", "UNANCHORED_TAIL"},
    ),
}


@pytest.mark.parametrize("case", TAMPERED, ids=list(TAMPERED))
def test_each_tampering_is_named(
    check: Callable[..., subprocess.CompletedProcess[str]], case: str
) -> None:
    make, codes = TAMPERED[case]
    result = check(make())
    assert result.returncode == 1, result.stdout + result.stderr
    assert codes_in(result.stdout) == {*codes, "NOT VERIFIED"}, result.stdout
    assert "VERIFIED:" not in result.stdout.replace("NOT VERIFIED:", "")


def test_truncation_is_caught_with_the_courts_checkpoint(
    check: Callable[..., subprocess.CompletedProcess[str]], court_dir: Path
) -> None:
    truncated = Bundle(
        bodies=BODIES[:25],
        checkpoints={"checkpoints/10.txt": CHECKPOINTS[0], "checkpoints/20.txt": CHECKPOINTS[1]},
    )
    # On its own the bundle shows only events no checkpoint covers ...
    assert codes_in(check(truncated).stdout) == {"UNANCHORED_TAIL", "NOT VERIFIED"}
    # ... but against the checkpoint the court already holds, the cut is named.
    (court_dir / "held.txt").write_bytes(CHECKPOINTS[2])
    result = check(truncated, "--trusted-checkpoint", "held.txt")
    assert result.returncode == 1
    assert codes_in(result.stdout) == {"TRUNCATED", "NOT VERIFIED"}
    assert "the trusted checkpoint (size 30)" in result.stdout
    # The checkpoint the court holds also verifies an honest bundle.
    assert check(Bundle(), "--trusted-checkpoint", "held.txt").returncode == 0


def test_a_bundle_re_signed_with_its_own_key_is_refused(
    check: Callable[..., subprocess.CompletedProcess[str]], court_dir: Path
) -> None:
    # The log was rewritten and re-signed with another key, which the bundle offers.
    impostor = Ed25519PrivateKey.generate()
    bodies = build_bodies(notes={3: "photograph replaced"})
    forged = {
        f"checkpoints/{size}.txt": sign_prefix(bodies, size, impostor) for size in CHECKPOINT_SIZES
    }
    impostor_key = verifier_key(ORIGIN, impostor.public_key())
    bundle = Bundle(bodies=bodies, checkpoints=forged, extra={"public-key.txt": b"x"})
    bundle.extra["public-key.txt"] = impostor_key.encode()
    result = check(bundle)
    assert result.returncode == 1
    assert codes_in(result.stdout) == {"BAD_SIGNATURE", "UNANCHORED_TAIL", "NOT VERIFIED"}
    # Only someone who takes the key from the bundle is fooled.
    assert check(bundle, key=impostor_key).returncode == 0


def test_the_wrong_key_is_a_bad_signature(
    check: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    other = verifier_key(ORIGIN, Ed25519PrivateKey.generate().public_key())
    result = check(Bundle(), key=other)
    assert result.returncode == 1
    assert codes_in(result.stdout) == {"BAD_SIGNATURE", "UNANCHORED_TAIL", "NOT VERIFIED"}


def test_windows_line_ends_are_read_as_line_ends(
    check: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    crlf = Bundle(events_jsonl=b"".join(body + b"\r\n" for body in BODIES))
    assert check(crlf).returncode == 0


def test_the_public_key_may_be_given_in_a_file(
    check: Callable[..., subprocess.CompletedProcess[str]], court_dir: Path
) -> None:
    (court_dir / "log.vkey").write_text(VKEY + "\n")
    assert check(Bundle(), key="log.vkey").returncode == 0


# One case's bundle, as the exporter may write it: the case's events in full, and the leaf hash
# of every event of the log, so that other cases' custody records are not disclosed.
def _case_bodies(bodies: list[bytes]) -> list[bytes]:
    return [body for body in bodies if json.loads(body)["item"] in CASE_ITEMS]


def _one_case_bundle(bodies: list[bytes] = BODIES, **changes: object) -> Bundle:
    bundle = Bundle(bodies=_case_bodies(bodies), leaves=[leaf_hash(body) for body in BODIES])
    for name, value in changes.items():
        setattr(bundle, name, value)
    return bundle


def test_a_one_case_bundle_verifies(check: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    result = check(_one_case_bundle())
    assert result.returncode == 0, result.stdout
    assert "Events disclosed in full: 15" in result.stdout
    assert result.stdout.splitlines()[-1] == "VERIFIED: 30 events up to checkpoint size 30"


ONE_CASE_TAMPERED = {
    "edited event": (
        lambda: _one_case_bundle([BODIES[0], edited(BODIES[1], notes="x"), *BODIES[2:]]),
        {"ROOT_MISMATCH", "CHAIN_BREAK"},
    ),
    "edited event, later chain rewritten": (
        lambda: _one_case_bundle(build_bodies(notes={2: "x"})),
        {"ROOT_MISMATCH"},
    ),
    "withheld event": (
        lambda: _one_case_bundle(bodies=[*BODIES[:1], *BODIES[2:]]),
        {"CHAIN_BREAK"},
    ),
    "withheld event file": (
        lambda: _one_case_bundle(files={}, manifest={"origin": ORIGIN, "items": [], "events": 0}),
        {"FILE_HASH_MISMATCH"},
    ),
    "truncated leaves": (
        lambda: _one_case_bundle(leaves=[leaf_hash(body) for body in BODIES[:24]]),
        {"TRUNCATED"},
    ),
}


@pytest.mark.parametrize("case", ONE_CASE_TAMPERED, ids=list(ONE_CASE_TAMPERED))
def test_tampering_with_a_one_case_bundle_is_named(
    check: Callable[..., subprocess.CompletedProcess[str]], case: str
) -> None:
    make, codes = ONE_CASE_TAMPERED[case]
    result = check(make())
    assert result.returncode == 1, result.stdout + result.stderr
    assert codes_in(result.stdout) == {*codes, "NOT VERIFIED"}, result.stdout


def _not_a_zip(court_dir: Path) -> list[str]:
    (court_dir / "not-a-zip.zip").write_bytes(b"PK\x03\x04 but not really")
    return ["not-a-zip.zip", "--public-key", VKEY]


def _zip_without_events(court_dir: Path) -> list[str]:
    with zipfile.ZipFile(court_dir / "empty.zip", "w") as archive:
        archive.writestr("manifest.json", b"{}")
    return ["empty.zip", "--public-key", VKEY]


def _bad_manifest(court_dir: Path) -> list[str]:
    Bundle(manifest={"items": "all of them", "events": 30}).write(court_dir / "manifest.zip")
    return ["manifest.zip", "--public-key", VKEY]


def _duplicate_members(court_dir: Path) -> list[str]:
    path = Bundle().write(court_dir / "twice.zip")
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(path, "a") as archive:
        archive.writestr("events.jsonl", b"")
    return ["twice.zip", "--public-key", VKEY]


def _clean_bundle(court_dir: Path) -> str:
    return Bundle().write(court_dir / "clean.zip").name


USAGE_ERRORS: dict[str, tuple[Callable[[Path], list[str]], str]] = {
    "no arguments": (lambda d: [], "required"),
    "no public key": (lambda d: [_clean_bundle(d)], "--public-key"),
    "malformed public key": (
        lambda d: [_clean_bundle(d), "--public-key", "not-a-key"],
        "name+keyid+base64key",
    ),
    "missing bundle": (lambda d: ["missing.zip", "--public-key", VKEY], "missing.zip"),
    "missing trusted checkpoint": (
        lambda d: [_clean_bundle(d), "--public-key", VKEY, "--trusted-checkpoint", "nope.txt"],
        "nope.txt",
    ),
    "not a zip": (_not_a_zip, "cannot read"),
    "zip without events": (_zip_without_events, "no events.jsonl"),
    "malformed manifest": (_bad_manifest, "manifest.json"),
    "duplicated member": (_duplicate_members, "same name"),
}


@pytest.mark.parametrize("case", USAGE_ERRORS, ids=list(USAGE_ERRORS))
def test_usage_errors_and_unreadable_bundles_exit_2(court_dir: Path, case: str) -> None:
    arguments, expected = USAGE_ERRORS[case]
    result = run(court_dir, *arguments(court_dir))
    assert result.returncode == 2, result.stdout + result.stderr
    assert expected in result.stderr
    assert "VERIFIED" not in result.stdout


def test_main_returns_the_exit_status_in_process(tmp_path: Path) -> None:
    path = Bundle().write(tmp_path / "bundle.zip")
    assert verifier.main([str(path), "--public-key", VKEY]) == 0
    tampered = Bundle(bodies=build_bodies(31)).write(tmp_path / "tail.zip")
    assert verifier.main([str(tampered), "--public-key", VKEY]) == 1
    assert verifier.main([]) == 2


def test_without_cryptography_the_script_says_what_to_install(tmp_path: Path) -> None:
    shutil.copyfile(verifier.__file__, tmp_path / "verify_bundle.py")
    result = subprocess.run(
        [sys.executable, "-S", "-E", "verify_bundle.py", "b.zip", "--public-key", VKEY],
        cwd=tmp_path,
        env={},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "pip install cryptography" in result.stderr
