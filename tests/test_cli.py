"""The ``tafteesh`` command line: help everywhere, user creation, an idempotent demo."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth.models import Organisation, User
from tafteesh.cases.identity import IdentityCipher
from tafteesh.cli import build_parser
from tafteesh.config import Settings
from tafteesh.demo import ACCOUNTS, seed_demo


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["serve"],
        ["db"],
        ["db", "upgrade"],
        ["users"],
        ["users", "create"],
        ["demo"],
        ["evidence"],
        ["evidence", "checkpoint"],
        ["evidence", "verify"],
        ["bench-data"],
        ["cases"],
        ["cases", "refresh-clocks"],
    ],
)
def test_help_everywhere(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args([*argv, "--help"])
    assert done.value.code == 0
    assert "usage: tafteesh" in capsys.readouterr().out


def _run(settings: Settings, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "TAFTEESH_DATABASE_URL": str(settings.database_url),
        "TAFTEESH_MIGRATION_DATABASE_URL": str(settings.migration_database_url),
        "TAFTEESH_DATA_DIR": str(settings.data_dir),
        "TAFTEESH_SECRET_KEY": str(settings.secret_key),
    }
    return subprocess.run(
        [sys.executable, "-m", "tafteesh.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_users_create_makes_the_organisation_and_refuses_a_duplicate(
    settings: Settings,
) -> None:
    email = f"cli.{os.getpid()}@example.org"
    args = [
        "users",
        "create",
        "--email",
        email,
        "--name",
        "Adv. Rahul Das",
        "--role",
        "lawyer",
        "--org",
        f"CLI Legal Aid {os.getpid()}",
        "--org-kind",
        "legal_aid",
        "--password-stdin",
    ]
    first = _run(settings, *args, stdin="a long enough password\n")
    assert first.returncode == 0, first.stderr
    assert f"Created lawyer account {email}" in first.stdout
    second = _run(settings, *args, stdin="a long enough password\n")
    assert second.returncode == 2
    assert "An account with this email already exists." in second.stderr


def test_users_create_rejects_a_short_password(settings: Settings) -> None:
    result = _run(
        settings,
        "users",
        "create",
        "--email",
        "short@example.org",
        "--name",
        "X",
        "--role",
        "lawyer",
        "--org",
        "Somewhere",
        "--password-stdin",
        stdin="short\n",
    )
    assert result.returncode == 2
    assert "password" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_role_is_refused_by_the_parser(settings: Settings) -> None:
    result = _run(
        settings,
        "users",
        "create",
        "--email",
        "x@example.org",
        "--name",
        "X",
        "--role",
        "superuser",
        "--org",
        "Somewhere",
    )
    assert result.returncode == 2
    assert "invalid choice: 'superuser'" in result.stderr


async def test_demo_is_idempotent(session: AsyncSession) -> None:
    cipher = IdentityCipher(AESGCM.generate_key(bit_length=256))
    await seed_demo(session, cipher)
    users = await session.scalar(select(func.count()).select_from(User))
    organisations = await session.scalar(select(func.count()).select_from(Organisation))
    await seed_demo(session, cipher)
    assert await session.scalar(select(func.count()).select_from(User)) == users
    assert await session.scalar(select(func.count()).select_from(Organisation)) == organisations
    roles = set(
        await session.scalars(select(User.role).where(User.email.in_([a.email for a in ACCOUNTS])))
    )
    assert roles == {
        "admin",
        "consortium_lead",
        "lawyer",
        "social_worker",
        "survivor_leader",
        "survivor",
    }


def test_evidence_checkpoint_and_verify(settings: Settings) -> None:
    signed = _run(settings, "evidence", "checkpoint")
    assert signed.returncode == 0, signed.stderr
    verified = _run(settings, "evidence", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "VERIFIED:" in verified.stdout
