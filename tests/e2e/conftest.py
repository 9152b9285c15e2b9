"""Browser test harness: the real app under uvicorn, driven by Playwright and Debian's chromium.

Two event loops must stay out of each other's way here:

* The app runs under uvicorn in a background thread with its own event loop. Its lifespan
  creates its own engine from ``settings``, so requests really commit (the rolled-back test
  connection of the unit tests is not used).
* The sync Playwright API runs its event loop in a greenlet and, for as long as it is started,
  leaves that loop marked as *running* in the thread that started it (checked with Playwright
  1.65). Started in pytest's main thread, it would make every later ``async def`` test fail
  ("Cannot run the event loop while another loop is running") and ``asyncio.run`` refuse to
  start. So Playwright lives in one dedicated thread (:class:`PlaywrightThread`): the fixtures
  create and close browsers, contexts and pages there, and :func:`pytest_pyfunc_call` runs each
  e2e test body there too. Tests stay plain sync functions; the main thread never sees
  Playwright's loop, and pytest-asyncio's session loop is untouched.
"""

from __future__ import annotations

import asyncio
import inspect
import queue
import re
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from sqlalchemy import select

from tafteesh.auth import service as accounts
from tafteesh.auth.models import User
from tafteesh.auth.principal import Principal
from tafteesh.auth.roles import Language, OrganisationKind, Role
from tafteesh.cases import service as cases
from tafteesh.cases.identity import IdentityCipher, load_identity_key
from tafteesh.cases.schemas import CaseCreate
from tafteesh.cases.stages import Stage
from tafteesh.config import Settings
from tafteesh.db import create_engine, create_sessionmaker
from tafteesh.hearings import service as hearings
from tafteesh.hearings.schemas import HearingCreate
from tafteesh.hearings.vocabulary import Purpose
from tafteesh.india import today_in_india
from tafteesh.main import create_app
from tests.helpers import PASSWORD

T = TypeVar("T")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).parent / "artifacts"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
SERVER_START_SECONDS = 20.0
SERVER_STOP_SECONDS = 10.0
# A bound on any one hop to the Playwright thread; Playwright's own timeouts (30 s) come first.
PLAYWRIGHT_CALL_SECONDS = 120.0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e is a browser journey: mark it, so `-m "not e2e"` skips it."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)


# -- the Playwright thread -------------------------------------------------------------------


class PlaywrightThread:
    """One daemon thread that owns the sync Playwright instance and runs every call on it."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[Callable[[], Any], Future[Any]] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="playwright", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            work, future = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(work())
            except BaseException as exc:  # pytest.fail/skip outcomes are BaseExceptions too
                future.set_exception(exc)

    def call(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        if threading.current_thread() is self._thread:
            return work(*args, **kwargs)
        future: Future[T] = Future()
        self._jobs.put((lambda: work(*args, **kwargs), future))
        return future.result(timeout=PLAYWRIGHT_CALL_SECONDS)

    def stop(self) -> None:
        self._jobs.put(None)
        self._thread.join(timeout=SERVER_STOP_SECONDS)


_PW_THREAD_KEY = pytest.StashKey[PlaywrightThread]()
_REPORTS_KEY = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.fixture(scope="session")
def playwright_thread(request: pytest.FixtureRequest) -> Iterator[PlaywrightThread]:
    worker = PlaywrightThread()
    request.config.stash[_PW_THREAD_KEY] = worker
    yield worker
    del request.config.stash[_PW_THREAD_KEY]
    worker.stop()


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run the body of an e2e test on the Playwright thread (see the module docstring)."""
    if pyfuncitem.get_closest_marker("e2e") is None or inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    worker = pyfuncitem.config.stash.get(_PW_THREAD_KEY, None)
    if worker is None:  # the test uses no browser fixture: run it where pytest would
        return None
    wanted = inspect.signature(pyfuncitem.obj).parameters
    kwargs = {name: value for name, value in pyfuncitem.funcargs.items() if name in wanted}
    worker.call(pyfuncitem.obj, **kwargs)
    return True


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the item, so the page fixture knows the test failed."""
    report = yield
    item.stash.setdefault(_REPORTS_KEY, {})[report.when] = report
    return report


# -- the live server -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_server(settings: Settings) -> Iterator[str]:
    """The real app on 127.0.0.1 and a free port, in a thread with its own event loop."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # bound before uvicorn starts: no race for the port
    host, port = sock.getsockname()
    base_url = f"http://{host}:{port}"

    app = create_app(settings)  # no engine injected: the lifespan makes its own, and commits
    config = uvicorn.Config(
        app, host=host, port=port, lifespan="on", log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    # Server.run calls asyncio.run: a new loop, in this thread only. Uvicorn installs signal
    # handlers only in the main thread, so Ctrl-C still reaches pytest.
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="live-server", daemon=True
    )
    thread.start()
    try:
        _wait_until_healthy(base_url, thread)
        yield base_url
    finally:
        server.should_exit = True
        thread.join(timeout=SERVER_STOP_SECONDS)
        sock.close()
        if thread.is_alive():
            pytest.fail(f"The live server did not stop within {SERVER_STOP_SECONDS:.0f} s")


def _wait_until_healthy(base_url: str, thread: threading.Thread) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if not thread.is_alive():
            pytest.fail("The live server stopped while starting; see the log above")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            last_error = exc
        time.sleep(0.05)
    pytest.fail(
        f"The live server did not answer /healthz within {SERVER_START_SECONDS:.0f} s "
        f"(last error: {last_error!r})"
    )


# -- the browser -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser(playwright_thread: PlaywrightThread) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            "Debian chromium is missing: run `make test` (it installs it) "
            "or `apt-get install chromium`"
        )

    def launch() -> tuple[Playwright, Browser]:
        playwright = sync_playwright().start()
        try:
            launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        except BaseException:
            playwright.stop()
            raise
        return playwright, launched

    playwright, launched = playwright_thread.call(launch)
    yield launched

    def close() -> None:
        try:
            launched.close()
        finally:
            playwright.stop()

    playwright_thread.call(close)


def _open_page(
    request: pytest.FixtureRequest,
    worker: PlaywrightThread,
    browser: Browser,
    base_url: str,
    **context_options: Any,
) -> Iterator[Page]:
    context = worker.call(browser.new_context, base_url=base_url, **context_options)
    page = worker.call(context.new_page)
    yield page
    reports = request.node.stash.get(_REPORTS_KEY, {})
    failed = any(report.failed for report in reports.values())
    try:
        if failed and not worker.call(page.is_closed):
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
            worker.call(page.screenshot, path=str(ARTIFACTS / f"FAILED-{name}.png"), full_page=True)
    finally:
        worker.call(context.close)


@pytest.fixture
def page(
    request: pytest.FixtureRequest,
    playwright_thread: PlaywrightThread,
    browser: Browser,
    live_server: str,
) -> Iterator[Page]:
    """A fresh browser context at a desktop size; a screenshot lands in artifacts/ on failure."""
    yield from _open_page(request, playwright_thread, browser, live_server, viewport=DESKTOP)


@pytest.fixture
def phone_page(
    request: pytest.FixtureRequest,
    playwright_thread: PlaywrightThread,
    browser: Browser,
    live_server: str,
) -> Iterator[Page]:
    """A fresh context the size of a small phone (360 x 740, touch, mobile viewport)."""
    yield from _open_page(
        request,
        playwright_thread,
        browser,
        live_server,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )


@pytest.fixture
def artifacts() -> Path:
    """Where tests leave screenshots for a human to look at (gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# -- data in the live database ---------------------------------------------------------------


@dataclass(frozen=True)
class SeededAccount:
    email: str
    password: str
    display_name: str
    organisation: str

    def __iter__(self) -> Iterator[str]:  # so `email, password = seeded_admin` works
        return iter((self.email, self.password))


def run_async_in_thread(work: Callable[[], Any]) -> Any:
    """``asyncio.run`` in a fresh thread: never on pytest-asyncio's loop nor in its thread."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(work())
        except BaseException as exc:
            result["error"] = exc

    thread = threading.Thread(target=target, name="e2e-seed")
    thread.start()
    thread.join(timeout=60)
    if thread.is_alive():
        pytest.fail("Seeding the live database took longer than 60 s")
    if "error" in result:
        raise result["error"]
    return result.get("value")


def seed_account(settings: Settings, role: Role, display_name: str) -> SeededAccount:
    """An organisation and an account, committed in the live database."""
    tag = uuid.uuid4().hex[:8]
    email = f"{role.value}.{tag}@example.org"
    organisation = f"E2E organisation {tag}"
    assert settings.database_url, "the test settings always name the database"
    database_url = settings.database_url

    async def work() -> None:
        engine = create_engine(database_url, pool_size=1, max_overflow=0)
        try:
            async with create_sessionmaker(engine)() as session, session.begin():
                org = await accounts.create_organisation(
                    session, None, name=organisation, kind=OrganisationKind.NGO
                )
                await accounts.create_user(
                    session,
                    None,
                    email=email,
                    display_name=display_name,
                    organisation_id=org.id,
                    role=role,
                    password=PASSWORD,
                    preferred_language=Language.EN,
                )
        finally:
            await engine.dispose()

    run_async_in_thread(work)
    return SeededAccount(email, PASSWORD, display_name, organisation)


@pytest.fixture
def seeded_admin(settings: Settings) -> SeededAccount:
    """An administrator in a new organisation, in the live database: unpack as (email, password)."""
    return seed_account(settings, Role.ADMIN, f"Admin {uuid.uuid4().hex[:6]}")


@pytest.fixture
def seeded_lawyer(settings: Settings) -> SeededAccount:
    """A lawyer in a new organisation, in the live database."""
    return seed_account(settings, Role.LAWYER, f"Adv. Lawyer {uuid.uuid4().hex[:6]}")


@dataclass(frozen=True)
class SeededHearing:
    lawyer: SeededAccount
    case_reference: str


@pytest.fixture
def seeded_hearing_today(settings: Settings) -> SeededHearing:
    """A lawyer with a case whose hearing is today, in the live database."""
    lawyer = seed_account(settings, Role.LAWYER, f"Adv. Corridor {uuid.uuid4().hex[:6]}")
    reference = f"TAF-HR-{uuid.uuid4().hex[:6].upper()}"
    assert settings.database_url
    database_url = settings.database_url
    cipher = IdentityCipher(load_identity_key(settings.data_dir, settings.identity_key))

    async def work() -> None:
        engine = create_engine(database_url, pool_size=1, max_overflow=0)
        try:
            async with create_sessionmaker(engine)() as session, session.begin():
                user = await session.scalar(select(User).where(User.email == lawyer.email))
                assert user is not None
                actor = Principal(
                    id=user.id,
                    email=user.email,
                    display_name=user.display_name,
                    role=user.role,
                    organisation_id=user.organisation_id,
                    organisation_name=lawyer.organisation,
                    preferred_language="en",
                    session_id=uuid.uuid4(),
                )
                case = await cases.open_case(
                    session,
                    actor,
                    cipher=cipher,
                    data=CaseCreate(
                        reference=reference,
                        police_station="Basirhat PS",
                        fir_district="North 24 Parganas",
                        fir_state="West Bengal",
                        fir_number="311",
                        fir_year=2024,
                        fir_date=date(2024, 9, 2),
                        court_establishment="Special POCSO Court, Barasat",
                        stage=Stage.CHARGE_HEARING,
                        stage_since=date(2025, 1, 6),
                    ),
                )
                await hearings.schedule_hearing(
                    session,
                    actor,
                    case,
                    data=HearingCreate(
                        hearing_date=today_in_india(), purpose=Purpose.CHARGE_HEARING
                    ),
                )
        finally:
            await engine.dispose()

    run_async_in_thread(work)
    return SeededHearing(lawyer, reference)


@dataclass(frozen=True)
class SeededCase:
    lawyer: SeededAccount
    case_reference: str


@pytest.fixture
def seeded_case(settings: Settings) -> SeededCase:
    """A lawyer with a case already in court, in the live database."""
    lawyer = seed_account(settings, Role.LAWYER, f"Adv. Evidence {uuid.uuid4().hex[:6]}")
    reference = f"TAF-EV-{uuid.uuid4().hex[:6].upper()}"
    assert settings.database_url
    database_url = settings.database_url
    cipher = IdentityCipher(load_identity_key(settings.data_dir, settings.identity_key))

    async def work() -> None:
        engine = create_engine(database_url, pool_size=1, max_overflow=0)
        try:
            async with create_sessionmaker(engine)() as session, session.begin():
                user = await session.scalar(select(User).where(User.email == lawyer.email))
                assert user is not None
                actor = Principal(
                    id=user.id,
                    email=user.email,
                    display_name=user.display_name,
                    role=user.role,
                    organisation_id=user.organisation_id,
                    organisation_name=lawyer.organisation,
                    preferred_language="en",
                    session_id=uuid.uuid4(),
                )
                await cases.open_case(
                    session,
                    actor,
                    cipher=cipher,
                    data=CaseCreate(
                        reference=reference,
                        police_station="Canning PS",
                        fir_district="South 24 Parganas",
                        fir_state="West Bengal",
                        fir_number="88",
                        fir_year=2025,
                        fir_date=date(2025, 2, 14),
                        court_establishment="ADJ Court, Baruipur",
                        stage=Stage.CHARGESHEET_FILED,
                        stage_since=date(2025, 5, 2),
                    ),
                )
        finally:
            await engine.dispose()

    run_async_in_thread(work)
    return SeededCase(lawyer, reference)
