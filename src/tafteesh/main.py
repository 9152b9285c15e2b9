"""The application factory: routers, middleware, error handlers and static files."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import APIRouter, Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from tafteesh import __version__
from tafteesh.audit import pages as audit_pages
from tafteesh.audit import routes as audit_routes
from tafteesh.auth import pages as auth_pages
from tafteesh.auth import routes as auth_routes
from tafteesh.auth.dependencies import csrf_protect
from tafteesh.auth.principal_cache import PrincipalCache
from tafteesh.cases import pages as case_pages
from tafteesh.cases import people_pages as case_people_pages
from tafteesh.cases import people_routes as case_people_routes
from tafteesh.cases import routes as case_routes
from tafteesh.cases.identity import IdentityCipher, load_identity_key
from tafteesh.compensation import pages as compensation_pages
from tafteesh.compensation import routes as compensation_routes
from tafteesh.config import Settings, get_settings
from tafteesh.db import (
    create_engine,
    create_read_sessionmaker,
    create_sessionmaker,
    driver_dsn,
)
from tafteesh.embedded import resolve_database_urls
from tafteesh.errors import install_error_handlers
from tafteesh.evidence import pages as evidence_pages
from tafteesh.evidence import routes as evidence_routes
from tafteesh.evidence.signing import checkpoint_periodically, load_signer
from tafteesh.evidence.storage import LocalBlobStore
from tafteesh.health import router as health_router
from tafteesh.hearings import pages as hearing_pages
from tafteesh.hearings import routes as hearing_routes
from tafteesh.requestctx import RequestContextMiddleware
from tafteesh.web import STATIC_PREFIX

STATIC_DIR = __file__.rsplit("/", 1)[0] + "/static"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.resolved_secret_key()  # fail at start, not on the first sign-in

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if getattr(app.state, "engine", None) is None:
            urls = await resolve_database_urls(
                settings.database_url, settings.migration_database_url, settings.data_dir
            )
            app.state.engine = create_engine(
                urls.app,
                pool_size=settings.db_pool_size,
                max_overflow=settings.db_max_overflow,
            )
            app.state.sessionmaker = create_sessionmaker(app.state.engine)
            app.state.read_sessionmaker = create_read_sessionmaker(app.state.engine)
        notices = asyncio.create_task(
            app.state.principal_cache.listen(driver_dsn(app.state.engine.url))
        )
        checkpoints = asyncio.create_task(
            checkpoint_periodically(
                app.state.sessionmaker,
                app.state.log_signer,
                settings.checkpoint_interval_minutes * 60,
            )
        )
        # Everything made at start-up (routes, models, templates, compiled SQL) lives as long as
        # the worker; frozen, the cyclic collector stops walking it on every full collection,
        # which otherwise paused requests for tens of milliseconds (bench/README.md).
        gc.collect()
        gc.freeze()
        # A request allocates thousands of short-lived containers (rows, contexts, SQLAlchemy's
        # execution state), so at the default threshold of 700 the young generation was
        # collected every few requests: 0.9 s of one worker's 15 s under load went to the
        # collector, against 0.3 s at these thresholds (bench/README.md, finding 20).
        gc.set_threshold(20_000, 20, 20)
        yield
        for task in (checkpoints, notices):
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
        await app.state.engine.dispose()

    app = FastAPI(
        title="Tafteesh case tracker",
        version=__version__,
        lifespan=lifespan,
        dependencies=[Depends(csrf_protect)],
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    # Survivors' identities are sealed with a key that lives outside the database.
    app.state.identity_cipher = IdentityCipher(
        load_identity_key(settings.data_dir, settings.identity_key)
    )
    # Evidence files and the custody log's signing key live in the data folder, not the database.
    app.state.blob_store = LocalBlobStore(settings.data_dir / "evidence")
    app.state.log_signer = load_signer(settings.data_dir, settings.custody_log_origin)
    app.state.engine = None
    app.state.principal_cache = PrincipalCache()
    app.state.after_commit = (app.state.principal_cache.after_commit,)
    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware, cookie_secure=settings.cookie_secure)
    app.mount(STATIC_PREFIX, StaticFiles(directory=STATIC_DIR), name="static")
    for router in routers():
        app.include_router(router)
    return app


def routers() -> tuple[APIRouter, ...]:
    """Every router, in the order routing tries them.

    Routing tries each route in turn (125 of them, each costing FastAPI a few microseconds), so
    what is used most comes first: the case list and case pages, the hearing pages, then the
    hearings API, where phones and integrations record outcomes and read cause lists (it came
    after 60 page routes, 6 % of an outcome's CPU); the rest follows, and the health checks
    come last. No path is matched by routes of two routers (tests/test_routing.py), so the order
    changes only how soon a request finds its route: a twentieth of a case page's time when the
    pages came last.
    """
    return (
        case_pages.router,
        hearing_pages.router,
        hearing_routes.router,
        case_routes.router,
        case_people_pages.router,
        compensation_pages.router,
        evidence_pages.router,
        auth_pages.router,
        audit_pages.router,
        case_people_routes.router,
        compensation_routes.router,
        evidence_routes.router,
        auth_routes.router,
        audit_routes.router,
        hearing_routes.feed_router,
        # Probed every few seconds by a load balancer, not by people: last, so that pages and the
        # API do not each pay for trying it first.
        health_router,
    )
