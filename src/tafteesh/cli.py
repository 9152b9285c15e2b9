"""The ``tafteesh`` command: serve, migrate, manage users, seed the demo consortium."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import secrets
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.config import get_settings
from tafteesh.db import create_engine, create_sessionmaker
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


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = get_settings()
    urls = _urls()  # starts the embedded server once, here; workers inherit its URL
    os.environ["TAFTEESH_DATABASE_URL"] = urls.app.render_as_string(hide_password=False)
    host = args.host or settings.host
    port = args.port or settings.port
    print(f"Tafteesh is serving on http://{host}:{port}  (Ctrl-C to stop)", flush=True)
    uvicorn.run(
        "tafteesh.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=args.workers,
        proxy_headers=False,
        log_level="info",
    )
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
