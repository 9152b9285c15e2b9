"""A survivor's identity reaches her lawyers and social workers and nobody else: not other staff,
not the consortium, not a survivor leader supporting her, not her own account's case pages, not
an error message, not a log line, not a database dump (DOMAIN.md "Protection and safety")."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth.roles import Role
from tafteesh.cases.identity import IdentityCipher, IdentityKeyError
from tafteesh.cases.models import Survivor
from tafteesh.db import Base
from tests.cases.conftest import (
    API,
    CASES,
    SURVIVOR_ADDRESS,
    SURVIVOR_GUARDIAN,
    SURVIVOR_LEGAL_NAME,
    SURVIVOR_PHONE,
    Actor,
    AddAccused,
    AddSurvivor,
    AssignToTeam,
    MakeActor,
    MakeCase,
    new_codes_case,
    survivor_body,
)

# Whole values and distinctive parts, so a truncated or re-spaced leak is caught too.
NEEDLES = (
    SURVIVOR_LEGAL_NAME,
    "Secretname",
    SURVIVOR_PHONE,
    SURVIVOR_GUARDIAN,
    "Guardianname",
    SURVIVOR_ADDRESS,
    "Secretpara",
)


def leaks_in(texts: list[str]) -> list[tuple[str, str]]:
    return [(needle, t[:200]) for t in texts for needle in NEEDLES if needle in t]


def everything_in(response: httpx.Response) -> str:
    headers = "\n".join(f"{k}: {v}" for k, v in response.headers.multi_items())
    return f"{response.request.method} {response.request.url.path} {response.status_code}\n" + (
        f"{headers}\n{response.text}"
    )


@pytest.fixture
def every_log_record(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Everything logged at DEBUG, SQL statements with their parameters and result rows included.

    Request this before ``client``: SQLAlchemy decides whether a connection logs when the
    connection is opened, and the test's connection is opened by the ``connection`` fixture.
    """
    caplog.set_level(logging.DEBUG)
    engine_logger = logging.getLogger("sqlalchemy.engine")
    previous = engine_logger.level
    engine_logger.setLevel(logging.DEBUG)
    yield caplog
    engine_logger.setLevel(previous)


def formatted(record: logging.LogRecord) -> str:
    parts = [record.name, record.getMessage()]
    if record.exc_info:
        parts.append(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        parts.append(record.stack_info)
    return " ".join(parts)


async def _sweep(
    client: httpx.AsyncClient, actor: Actor, case: dict[str, Any], ids: dict[str, str]
) -> list[httpx.Response]:
    """Every case route, as ``actor``: reads, writes she may not make, and error paths."""
    url = f"{CASES}/{case['id']}"
    h = actor.headers
    other_identity = survivor_body(
        pseudonym="Tara", legal_name="Tara Othername", phone="9000000009"
    )
    requests: list[tuple[str, str, dict[str, Any] | None, dict[str, Any] | None]] = [
        ("GET", CASES, None, None),
        ("GET", CASES, None, {"q": "Meghna"}),
        ("GET", CASES, None, {"overdue": True}),
        ("GET", url, None, None),
        ("GET", f"{url}/stage-history", None, None),
        ("GET", f"{url}/survivors", None, None),
        ("GET", f"{url}/accused", None, None),
        ("GET", f"{url}/team", None, None),
        ("GET", f"{url}/timeline", None, None),
        ("GET", f"{url}/timeline", None, {"before": "latest"}),  # 422
        ("GET", f"{url}/clocks", None, None),
        ("PATCH", url, {"version": 1, "judge": "Sri Stale Version"}, None),
        ("PATCH", url, {"version": ids["case_version"], "cnr": "WB123"}, None),
        ("POST", f"{url}/stage", {"version": ids["case_version"], "stage": "cognizance"}, None),
        ("POST", f"{url}/survivors", other_identity, None),
        ("PATCH", f"{url}/survivors/{ids['survivor']}", {"version": 1, "pseudonym": "X1"}, None),
        ("POST", f"{url}/accused", {"name": "Rafiq Mondal"}, None),
        ("POST", f"{url}/accused/{ids['accused']}/status", {"version": 1, "status": "on_bail"},
         None),
        ("POST", f"{url}/team", {"user_id": ids["leader"], "team_role": "survivor_leader"},
         None),  # a duplicate for those who may manage the team: 409
        ("DELETE", f"{url}/team/{uuid.uuid4()}", None, None),
        ("GET", f"{CASES}/{uuid.uuid4()}", None, None),
        ("GET", f"{CASES}/not-a-case", None, None),
        ("POST", CASES, new_codes_case(cnr="WB123"), None),
        ("POST", CASES, new_codes_case(), None),
    ]  # fmt: skip
    responses = []
    for method, path, body, params in requests:
        responses.append(await client.request(method, path, json=body, params=params, headers=h))
    return responses


async def test_no_identity_outside_her_team_nor_in_any_log(
    every_log_record: pytest.LogCaptureFixture,
    client: httpx.AsyncClient,
    make_actor: MakeActor,
    make_case: MakeCase,
    add_survivor: AddSurvivor,
    add_accused: AddAccused,
    assign_to_team: AssignToTeam,
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    lead = await make_actor(Role.CONSORTIUM_LEAD)
    admin = await make_actor(Role.ADMIN)
    leader = await make_actor(Role.SURVIVOR_LEADER)
    herself = await make_actor(Role.SURVIVOR)
    other_lawyer = await make_actor(Role.LAWYER, display_name="Adv. Other Firm")
    other_social_worker = await make_actor(Role.SOCIAL_WORKER, display_name="Other SW")
    other_survivor = await make_actor(Role.SURVIVOR, display_name="Salma (own account)")

    # Her team records her case, and everything that touches her identity.
    case = await make_case(lawyer)
    url = f"{CASES}/{case['id']}"
    survivor = await add_survivor(lawyer, case, account=herself, consent=True)
    accused = await add_accused(lawyer, case, status="judicial_custody")
    await assign_to_team(lead, case, leader)
    moved = await client.post(
        f"{url}/stage",
        json={"version": 1, "stage": "under_investigation", "note": "Statement under BNSS 183"},
        headers=lawyer.headers,
    )
    assert moved.status_code == 200
    same_identity = survivor_body()
    del same_identity["pseudonym"]
    reissued = await client.patch(
        f"{url}/survivors/{survivor['id']}",
        json={"version": 1, "identity": same_identity},
        headers=lawyer.headers,
    )
    assert reissued.status_code == 200
    team_view = await client.get(f"{url}/survivors", headers=lawyer.headers)
    assert SURVIVOR_LEGAL_NAME in team_view.text  # the needles are the right ones
    theirs = await make_case(other_lawyer)
    await add_survivor(
        other_lawyer,
        theirs,
        account=other_survivor,
        pseudonym="Salma",
        legal_name="Salma Othername",
        phone="9000000007",
    )
    ids = {
        "survivor": survivor["id"],
        "accused": accused["id"],
        "leader": leader.id,
        "case_version": 2,
    }

    collected: list[httpx.Response] = []
    for actor in (lead, admin, leader, herself, other_lawyer, other_social_worker, other_survivor):
        collected += await _sweep(client, actor, case, ids)
    # A stale-version conflict on a case of one's own carries the case's current values.
    stale = await client.patch(
        f"{CASES}/{theirs['id']}", json={"version": 9, "judge": "x"}, headers=other_lawyer.headers
    )
    assert stale.status_code == 409
    collected.append(stale)
    cursor = None
    while True:  # the whole audit log, as an administrator reads it
        params: dict[str, Any] = {"limit": 500, **({"before": cursor} if cursor else {})}
        page = await client.get(f"{API}/audit-events", params=params, headers=admin.headers)
        assert page.status_code == 200
        collected.append(page)
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break

    # Reads, refusals, conflicts and validation errors were all among what they received.
    assert {200, 403, 404, 409, 422} <= {r.status_code for r in collected}
    assert leaks_in([everything_in(r) for r in collected]) == []

    records = every_log_record.get_records("setup") + every_log_record.records
    sql = [r for r in records if r.name.startswith("sqlalchemy.engine")]
    assert any("INSERT INTO survivors" in r.getMessage() for r in sql)  # SQL was logged
    assert leaks_in([formatted(r) for r in records]) == []


async def test_errors_never_repeat_identity_sent_in_the_request(
    client: httpx.AsyncClient,
    make_actor: MakeActor,
    make_case: MakeCase,
    add_survivor: AddSurvivor,
) -> None:
    """Error messages are shown, logged and reported: the input they complain about may be a
    survivor's name or phone, so they name the field and never repeat the value."""
    lawyer = await make_actor(Role.LAWYER)
    lead = await make_actor(Role.CONSORTIUM_LEAD)
    outsider = await make_actor(Role.LAWYER, display_name="Adv. Other Firm")
    case = await make_case(lawyer)
    survivor = await add_survivor(lawyer, case)
    url = f"{CASES}/{case['id']}"
    too_long_name = (SURVIVOR_LEGAL_NAME + " ") * 6
    bad_phone = SURVIVOR_PHONE + " ext Secretname"

    probes: list[tuple[Actor, str, str, dict[str, Any] | None, dict[str, Any] | None, int]] = [
        # Her team: stale, duplicate and invalid writes that carry her identity.
        (lawyer, "PATCH", f"{url}/survivors/{survivor['id']}",
         {"version": 5, "identity": {"legal_name": SURVIVOR_LEGAL_NAME, "phone": SURVIVOR_PHONE}},
         None, 409),
        (lawyer, "POST", f"{url}/survivors", survivor_body(), None, 409),
        (lawyer, "POST", f"{url}/survivors", survivor_body(pseudonym="Tara", phone=bad_phone),
         None, 422),
        (lawyer, "POST", f"{url}/survivors", survivor_body(pseudonym="Tara",
                                                           legal_name=too_long_name), None, 422),
        (lawyer, "PATCH", f"{url}/survivors/{survivor['id']}",
         {"version": 1, "identity": {"legal_name": SURVIVOR_LEGAL_NAME, "age_at_offence": 300,
                                     "phone": SURVIVOR_PHONE}}, None, 422),
        # Anyone: a search or a form holding her name.
        (lead, "GET", CASES, None, {"q": too_long_name}, 422),
        (lead, "GET", CASES, None, {"cursor": SURVIVOR_LEGAL_NAME}, 422),
        (lead, "GET", CASES, None, {"stage": SURVIVOR_LEGAL_NAME}, 422),
        (outsider, "POST", CASES, new_codes_case(reference=too_long_name), None, 422),
        (outsider, "POST", CASES, new_codes_case(fir_number=SURVIVOR_PHONE * 5), None, 422),
        (outsider, "POST", CASES, new_codes_case(judge=too_long_name * 2), None, 422),
        (lead, "POST", f"{url}/survivors", survivor_body(pseudonym="Tara"), None, 403),
        (outsider, "POST", f"{url}/survivors", survivor_body(pseudonym="Tara"), None, 404),
    ]  # fmt: skip
    texts = []
    for actor, method, path, body, params, status in probes:
        response = await client.request(
            method, path, json=body, params=params, headers=actor.headers
        )
        assert response.status_code == status, (method, path, response.text)
        texts.append(everything_in(response))
    assert leaks_in(texts) == []


async def test_a_database_dump_reveals_no_identity(
    client: httpx.AsyncClient,
    session: AsyncSession,
    app: FastAPI,
    make_actor: MakeActor,
    make_case: MakeCase,
    add_survivor: AddSurvivor,
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    case = await make_case(lawyer)
    first = await add_survivor(lawyer, case)
    second = await add_survivor(lawyer, case, pseudonym="Tara", legal_name="Tara Othername")

    blob = await session.scalar(
        select(Survivor.identity_ciphertext).where(Survivor.id == uuid.UUID(first["id"]))
    )
    assert blob is not None
    for needle in NEEDLES:
        assert needle.encode() not in blob
        assert needle.encode("utf-16-le") not in blob

    # Every row of every table, as text (bytea shows as hex): no value, in clear or in hex.
    dump: list[str] = []
    for table in Base.metadata.sorted_tables:
        rows = await session.execute(text(f'SELECT t::text FROM "{table.name}" t'))
        dump += [row[0] for row in rows]
    assert any(first["id"] in line for line in dump)  # the dump did read the survivors table
    hex_needles = [n.encode().hex() for n in NEEDLES]
    joined = "\n".join(dump)
    assert leaks_in(dump) == []
    assert [h for h in hex_needles if h in joined] == []

    # Only the key outside the database opens it, and only on her own row.
    cipher: IdentityCipher = app.state.identity_cipher
    assert cipher.decrypt(uuid.UUID(first["id"]), blob).legal_name == SURVIVOR_LEGAL_NAME
    with pytest.raises(IdentityKeyError):
        IdentityCipher(os.urandom(32)).decrypt(uuid.UUID(first["id"]), blob)
    with pytest.raises(IdentityKeyError):
        cipher.decrypt(uuid.UUID(second["id"]), blob)  # copied onto another survivor's row
