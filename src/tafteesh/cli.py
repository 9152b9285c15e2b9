"""The ``tafteesh`` command: serve, migrate, manage users, seed the demo consortium."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import secrets
import socket
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.config import get_settings
from tafteesh.db import create_engine, create_sessionmaker, driver_dsn
from tafteesh.embedded import DatabaseUrls, app_role_of, resolve_database_urls
from tafteesh.errors import TafteeshError

T = TypeVar("T")


def _urls() -> DatabaseUrls:
    settings = get_settings()
    return asyncio.run(
        resolve_database_urls(
            settings.database_url, settings.migration_database_url, settings.data_dir
        )
    )


def _in_transaction(urls: DatabaseUrls, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async def run() -> T:
        engine = create_engine(urls.app, pool_size=1, max_overflow=0)
        try:
            async with create_sessionmaker(engine)() as session, session.begin():
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from tafteesh import migrate

    urls = _urls()
    migrate.upgrade(urls.owner, app_role=app_role_of(urls), revision=args.revision)
    print(f"Database is at revision {args.revision}.")
    return 0


def cmd_users_create(args: argparse.Namespace) -> int:
    from tafteesh.auth import service
    from tafteesh.auth.roles import Language, OrganisationKind, Role
    from tafteesh.auth.schemas import UserCreate

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
        generated = False
    elif sys.stdin.isatty():
        password = getpass.getpass("Password for the new account: ")
        generated = False
    else:
        password, generated = secrets.token_urlsafe(12), True
    urls = _urls()

    async def work(session: AsyncSession) -> str:
        organisation = await service.find_organisation(session, args.org)
        if organisation is None:
            organisation = await service.create_organisation(
                session, None, name=args.org, kind=OrganisationKind(args.org_kind)
            )
        body = UserCreate(
            email=args.email,
            display_name=args.name,
            organisation_id=organisation.id,
            role=Role(args.role),
            password=password,
            preferred_language=Language(args.language),
        )
        user = await service.create_user(
            session,
            None,
            email=str(body.email),
            display_name=body.display_name,
            organisation_id=body.organisation_id,
            role=body.role,
            password=body.password,
            preferred_language=body.preferred_language,
        )
        return str(user.id)

    user_id = _in_transaction(urls, work)
    print(f"Created {args.role} account {args.email} (id {user_id}).")
    if generated:
        print(f"Generated password (shown once): {password}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from tafteesh.demo import DEMO_PASSWORD, seed_demo

    accounts = _in_transaction(_urls(), seed_demo)
    print(f"Demo consortium is ready. Sign in with any of these (password: {DEMO_PASSWORD}):")
    for account in accounts:
        print(f"  {account.role.label:<16} {account.email}")
    return 0


def cmd_bench_data(args: argparse.Namespace) -> int:
    from tafteesh import benchdata
    from tafteesh.cases.identity import IdentityCipher, load_identity_key

    settings = get_settings()
    urls = _urls()
    cipher = IdentityCipher(load_identity_key(settings.data_dir, settings.identity_key))
    print(f"Loading {args.cases:,} synthetic cases (seed {args.seed}) with COPY…", flush=True)
    report = asyncio.run(
        benchdata.fill(
            driver_dsn(urls.app),
            cases=args.cases,
            cipher=cipher,
            seed=args.seed,
            progress=lambda line: print(line, flush=True),
        )
    )
    rows = ", ".join(f"{count:,} {table}" for table, count in report.rows.items())
    print(
        f"Loaded in {report.total_seconds:.1f} s (generating {report.generate_seconds:.1f} s, "
        f"COPY {report.copy_seconds:.1f} s): {rows}."
    )
    seconds = asyncio.run(benchdata.vacuum_analyze(driver_dsn(urls.owner)))
    print(f"VACUUM ANALYZE (as the owner role): {seconds:.1f} s.")
    print(
        f"Sign in as {benchdata.BENCH_LAWYER_EMAIL} or {benchdata.BENCH_LEAD_EMAIL} "
        f"(password: {benchdata.BENCH_PASSWORD})."
    )
    return 0


def cmd_cases_refresh_clocks(args: argparse.Namespace) -> int:
    from tafteesh.cases.clock_service import refresh_all_next_due
    from tafteesh.cases.identity import IdentityCipher, load_identity_key
    from tafteesh.india import today_in_india

    settings = get_settings()
    urls = _urls()
    cipher = IdentityCipher(load_identity_key(settings.data_dir, settings.identity_key))

    async def run() -> tuple[int, int]:
        engine = create_engine(urls.app, pool_size=1, max_overflow=0)
        try:
            return await refresh_all_next_due(
                create_sessionmaker(engine),
                cipher=cipher,
                today=today_in_india(),
                progress=lambda seen, changed: print(
                    f"  {seen:,} cases checked, {changed:,} changed", flush=True
                ),
            )
        finally:
            await engine.dispose()

    seen, changed = asyncio.run(run())
    print(f"Next due dates recomputed for {seen:,} cases; {changed:,} changed.")
    return 0


def _evidence_tools() -> tuple[Any, Any]:
    from tafteesh.evidence.signing import load_signer
    from tafteesh.evidence.storage import LocalBlobStore

    settings = get_settings()
    return (
        load_signer(settings.data_dir, settings.custody_log_origin),
        LocalBlobStore(settings.data_dir / "evidence"),
    )


def cmd_evidence_checkpoint(args: argparse.Namespace) -> int:
    from tafteesh.evidence.signing import make_checkpoint

    signer, _ = _evidence_tools()

    async def work(session: AsyncSession) -> str:
        checkpoint = await make_checkpoint(session, signer)
        return checkpoint.note if checkpoint else ""

    note = _in_transaction(_urls(), work)
    if not note:
        print("The custody log is empty: nothing to sign.")
        return 0
    print(note, end="")
    print(f"Public key (give it to courts through a separate channel): {signer.vkey}")
    return 0


def cmd_evidence_verify(args: argparse.Namespace) -> int:
    from tafteesh.evidence.verification import verify_store

    signer, store = _evidence_tools()
    trusted = args.trusted_checkpoint.read_bytes() if args.trusted_checkpoint else None

    async def work(session: AsyncSession) -> Any:
        return await verify_store(session, store=store, signer=signer, trusted_checkpoint=trusted)

    report = _in_transaction(_urls(), work)
    for problem in report.problems:
        print(f"{problem.code}: {problem.message}")
    if report.ok:
        print(
            f"VERIFIED: {report.log.total_events} events up to checkpoint size "
            f"{report.log.verified_size}, {report.files_checked} files."
        )
        return 0
    print(f"NOT VERIFIED: {len(report.problems)} problem(s).")
    return 1


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = get_settings()
    urls = _urls()  # starts the embedded server once, here; workers inherit its URL
    os.environ["TAFTEESH_DATABASE_URL"] = urls.app.render_as_string(hide_password=False)
    host = args.host or settings.host
    port = args.port or settings.port
    print(f"Tafteesh is serving on http://{host}:{port}  (Ctrl-C to stop)", flush=True)
    config = uvicorn.Config(
        "tafteesh.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=args.workers,
        proxy_headers=False,
        log_level="info",
    )
    if args.workers <= 1:
        uvicorn.Server(config).run()
        return 0
    # With several workers uvicorn shares a socket it made without IPPROTO_TCP, and asyncio then
    # skips TCP_NODELAY: every kept-alive request waits ~40 ms for a delayed ACK (uvicorn issue
    # 3149, measured in bench/). A socket made with the protocol named keeps Nagle off.
    from uvicorn.supervisors import Multiprocess

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    Multiprocess(config, sockets=[sock]).run()
    return 0


def build_parser() -> argparse.ArgumentParser:
    from tafteesh.auth.roles import Language, OrganisationKind, Role

    parser = argparse.ArgumentParser(
        prog="tafteesh", description="Tafteesh case tracker: server and administration."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the web app and the API")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8000)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    serve.set_defaults(func=cmd_serve)

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = db_commands.add_parser("upgrade", help="apply migrations (as the owner role)")
    upgrade.add_argument("--revision", default="head", help="target revision (default head)")
    upgrade.set_defaults(func=cmd_db_upgrade)

    users = commands.add_parser("users", help="accounts")
    user_commands = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    create = user_commands.add_parser(
        "create", help="create an account (and its organisation when missing)"
    )
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True, help="display name")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--org", required=True, help="organisation name")
    create.add_argument(
        "--org-kind",
        default=OrganisationKind.NGO.value,
        choices=[k.value for k in OrganisationKind],
        help="kind of a newly created organisation (default ngo)",
    )
    create.add_argument("--language", default="en", choices=[lang.value for lang in Language])
    create.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input (otherwise prompt, or generate one)",
    )
    create.set_defaults(func=cmd_users_create)

    demo = commands.add_parser("demo", help="seed the demo consortium (idempotent)")
    demo.set_defaults(func=cmd_demo)

    cases = commands.add_parser("cases", help="case maintenance")
    case_commands = cases.add_subparsers(dest="cases_command", required=True, metavar="ACTION")
    refresh = case_commands.add_parser(
        "refresh-clocks",
        help="recompute every case's next statutory due date (run after the clock rules change)",
    )
    refresh.set_defaults(func=cmd_cases_refresh_clocks)

    evidence = commands.add_parser("evidence", help="the evidence custody log")
    evidence_commands = evidence.add_subparsers(
        dest="evidence_command", required=True, metavar="ACTION"
    )
    checkpoint = evidence_commands.add_parser(
        "checkpoint", help="sign the custody log as it stands and print the checkpoint"
    )
    checkpoint.set_defaults(func=cmd_evidence_checkpoint)
    verify = evidence_commands.add_parser(
        "verify",
        help="check the whole custody log and every stored file; exit 1 on any problem",
    )
    verify.add_argument(
        "--trusted-checkpoint", type=Path, help="a checkpoint held elsewhere, to detect truncation"
    )
    verify.set_defaults(func=cmd_evidence_verify)

    bench_data = commands.add_parser(
        "bench-data", help="fill an empty database with synthetic cases for benchmarks"
    )
    bench_data.add_argument(
        "--cases", type=int, default=1000, help="number of cases to invent (default 1000)"
    )
    bench_data.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    bench_data.set_defaults(func=cmd_bench_data)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except TafteeshError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except ValueError as exc:  # pydantic validation errors are ValueErrors
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    raise SystemExit(main())
