"""Who may do what with evidence, route by route and page by page (DESIGN.md "Access model").

Evidence follows its case's access, narrowed by the item's sensitivity: "team" items are the
case team's, "lawyers_only" items the team's lawyers', "survivor_visible" items also the
survivor's own. Consortium leads and administrators see what exists and its custody, never a
file's content, and handle nothing. An item the user may not see is "not found" (404), never 403.

Also here: the upload limit, identical content stored once, downloads as audited attachments,
and a collector's hash that differs from ours kept and shown.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.audit.models import AuditEvent
from tafteesh.auth.roles import Role
from tafteesh.config import Settings
from tafteesh.evidence.models import CustodyEvent, EvidenceFile
from tafteesh.india import INDIA
from tests.cases.conftest import (
    API,
    CASES,
    Actor,
    AddSurvivor,
    AssignToTeam,
    MakeActor,
    MakeCase,
)
from tests.evidence.conftest import (
    EVIDENCE,
    AddItem,
    MakeTeam,
    RecordCustody,
    Team,
    Upload,
    custody_body,
    item_body,
    unique_bytes,
)

SENSITIVITIES = ("team", "lawyers_only", "survivor_visible")
# What each kind of person may see of the case and of each item.
SEES_CASE = {
    "team_lawyer",
    "team_social_worker",
    "team_survivor_leader",
    "consortium_lead",
    "admin",
    "own_survivor",
}
SEES_ITEM = {
    "team_lawyer": set(SENSITIVITIES),
    "team_social_worker": {"team", "survivor_visible"},
    "team_survivor_leader": {"team", "survivor_visible"},
    "consortium_lead": set(SENSITIVITIES),
    "admin": set(SENSITIVITIES),
    "own_survivor": {"survivor_visible"},
}
HANDLES = {"team_lawyer", "team_social_worker"}  # add items, upload, record custody
READS_NO_CONTENT = {"consortium_lead", "admin"}
EVERYONE = [
    "team_lawyer",
    "team_social_worker",
    "team_survivor_leader",
    "consortium_lead",
    "admin",
    "own_survivor",
    "other_survivor",
    "other_lawyer",
    "other_social_worker",
]
ROLE_OF = {
    "team_survivor_leader": Role.SURVIVOR_LEADER,
    "admin": Role.ADMIN,
    "other_survivor": Role.SURVIVOR,
    "other_lawyer": Role.LAWYER,
    "other_social_worker": Role.SOCIAL_WORKER,
}


@dataclass
class World:
    team: Team
    items: dict[str, dict[str, Any]]  # sensitivity -> the item
    files: dict[str, dict[str, Any]]  # sensitivity -> its file

    @property
    def case_id(self) -> str:
        return self.team.case_id


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    path: Callable[[World, str], str]  # (world, sensitivity of the item it concerns)
    success: int
    expect: Callable[[str, str], int | None]  # (who, sensitivity) -> status; None: success
    per_item: bool = True
    json: Callable[[str], dict[str, Any]] | None = None
    content: bytes | None = None
    form: Callable[[str], dict[str, str]] | None = None
    upload: bool = False
    page: bool = False


def _item_read(who: str, sensitivity: str) -> int | None:
    if who not in SEES_CASE or sensitivity not in SEES_ITEM[who]:
        return 404
    return None


def _item_write(who: str, sensitivity: str) -> int | None:
    return _item_read(who, sensitivity) or (None if who in HANDLES else 403)


def _download(who: str, sensitivity: str) -> int | None:
    return _item_read(who, sensitivity) or (403 if who in READS_NO_CONTENT else None)


def _case_read(who: str, sensitivity: str) -> int | None:
    return None if who in SEES_CASE else 404


def _case_add(who: str, sensitivity: str) -> int | None:
    """Recording an item of a sensitivity: its handlers who may also see such an item."""
    if who not in SEES_CASE:
        return 404
    return None if who in HANDLES and sensitivity in SEES_ITEM[who] else 403


def _bundle(who: str, sensitivity: str) -> int | None:
    if who not in SEES_CASE:
        return 404
    return None if who == "team_lawyer" else 403


def _anyone(who: str, sensitivity: str) -> int | None:
    return None


def _now_local() -> str:
    return (datetime.now(INDIA) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


ROUTES = (
    Route(
        "list items",
        "GET",
        lambda w, s: f"{CASES}/{w.case_id}/evidence",
        200,
        _case_read,
        per_item=False,
    ),
    Route(
        "add item",
        "POST",
        lambda w, s: f"{CASES}/{w.case_id}/evidence",
        201,
        _case_add,
        json=lambda s: item_body(sensitivity=s, description=f"New {s} item"),
    ),
    Route("item", "GET", lambda w, s: f"{EVIDENCE}/{w.items[s]['id']}", 200, _item_read),
    Route(
        "record custody",
        "POST",
        lambda w, s: f"{EVIDENCE}/{w.items[s]['id']}/custody",
        201,
        _item_write,
        json=lambda s: custody_body(),
    ),
    Route(
        "upload",
        "PUT",
        lambda w, s: f"{EVIDENCE}/{w.items[s]['id']}/files?filename=a.txt",
        201,
        _item_write,
        content=b"another file for the item",
    ),
    Route("download", "GET", lambda w, s: f"{EVIDENCE}/files/{w.files[s]['id']}", 200, _download),
    Route("verify", "GET", lambda w, s: f"{EVIDENCE}/{w.items[s]['id']}/verify", 200, _item_read),
    Route(
        "public key", "GET", lambda w, s: f"{EVIDENCE}/log/public-key", 200, _anyone, per_item=False
    ),
    Route(
        "bundle",
        "GET",
        lambda w, s: f"{CASES}/{w.case_id}/evidence-bundle",
        200,
        _bundle,
        per_item=False,
    ),
    # Pages
    Route(
        "evidence tab",
        "GET",
        lambda w, s: f"/cases/{w.case_id}/evidence",
        200,
        _case_read,
        per_item=False,
        page=True,
    ),
    Route(
        "add item page",
        "POST",
        lambda w, s: f"/cases/{w.case_id}/evidence",
        303,
        _case_add,
        form=lambda s: {
            "kind": "physical",
            "category": "document",
            "sensitivity": s,
            "description": f"Seizure memo copy ({s})",
        },
        page=True,
    ),
    Route(
        "item page", "GET", lambda w, s: f"/evidence/{w.items[s]['id']}", 200, _item_read, page=True
    ),
    Route(
        "custody page",
        "POST",
        lambda w, s: f"/evidence/{w.items[s]['id']}/custody",
        303,
        _item_write,
        form=lambda s: {"type": "sealed", "occurred_at": _now_local(), "seals": "S-9"},
        page=True,
    ),
    Route(
        "upload page",
        "POST",
        lambda w, s: f"/evidence/{w.items[s]['id']}/files",
        303,
        _item_write,
        upload=True,
        page=True,
    ),
    Route(
        "verify page",
        "POST",
        lambda w, s: f"/evidence/{w.items[s]['id']}/verify",
        200,
        _item_read,
        page=True,
    ),
    Route(
        "certificate",
        "GET",
        lambda w, s: f"/evidence/{w.items[s]['id']}/certificate",
        200,
        _item_read,
        page=True,
    ),
)


@pytest.fixture
def make_world(
    make_team: MakeTeam, add_item: AddItem, upload: Upload, record_custody: RecordCustody
) -> Callable[..., Any]:
    async def factory(lead: Actor | None = None) -> World:
        team = await make_team(lead=lead)
        items: dict[str, dict[str, Any]] = {}
        files: dict[str, dict[str, Any]] = {}
        for sensitivity in SENSITIVITIES:
            item = await add_item(
                team.lawyer,
                team.case,
                sensitivity=sensitivity,
                description=f"Secretitem {sensitivity} phone",
            )
            response = await upload(team.lawyer, item, unique_bytes(sensitivity))
            assert response.status_code == 201, response.text
            assert (await record_custody(team.lawyer, item)).status_code == 201
            items[sensitivity], files[sensitivity] = item, response.json()
        return World(team, items, files)

    return factory


def _send(
    client: httpx.AsyncClient, route: Route, world: World, sensitivity: str, headers: dict[str, str]
) -> Any:
    url = route.path(world, sensitivity)
    if route.upload:
        return client.post(
            url, files={"file": ("page.txt", b"from the page", "text/plain")}, headers=headers
        )
    if route.form is not None:
        return client.post(url, data=route.form(sensitivity), headers=headers)
    return client.request(
        route.method,
        url,
        json=route.json(sensitivity) if route.json else None,
        content=route.content,
        headers=headers,
    )


async def _actor(
    who: str,
    world: World,
    make_actor: MakeActor,
    make_case: MakeCase,
    add_survivor: AddSurvivor,
    assign_to_team: AssignToTeam,
) -> Actor:
    team = world.team
    known = {
        "team_lawyer": team.lawyer,
        "team_social_worker": team.social_worker,
        "consortium_lead": team.lead,
        "own_survivor": team.survivor,
    }
    if who in known:
        return known[who]
    actor = await make_actor(ROLE_OF[who])
    if who == "team_survivor_leader":
        await assign_to_team(team.lead, team.case, actor)
    if who in ("other_lawyer", "other_social_worker"):
        await make_case(actor)  # they have cases of their own, just not this one
    if who == "other_survivor":
        await add_survivor(
            team.lawyer, await make_case(team.lawyer), account=actor, pseudonym="Salma"
        )
    return actor


@pytest.mark.parametrize("who", EVERYONE)
async def test_access_matrix(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_actor: MakeActor,
    make_case: MakeCase,
    add_survivor: AddSurvivor,
    assign_to_team: AssignToTeam,
    make_world: Callable[..., Any],
    who: str,
) -> None:
    world: World = await make_world()
    actor = await _actor(who, world, make_actor, make_case, add_survivor, assign_to_team)
    events_before = await session.scalar(select(func.count()).select_from(CustodyEvent))

    mismatches: list[str] = []
    for route in ROUTES:
        for sensitivity in SENSITIVITIES if route.per_item else ("team",):
            response = await _send(client, route, world, sensitivity, actor.headers)
            expected = route.expect(who, sensitivity) or route.success
            label = f"{route.name} [{sensitivity}]" if route.per_item else route.name
            if response.status_code != expected:
                mismatches.append(f"{label}: {response.status_code}, expected {expected}")
                continue
            if expected == 404:
                # Nothing about the case or the item leaks from "not found".
                assert world.team.case["reference"] not in response.text, label
                assert "Secretitem" not in response.text, label
                if not route.page:
                    assert response.json()["error"] == "not_found", label
            if expected == 403 and not route.page:
                assert response.json()["error"] == "forbidden", label
    assert mismatches == []

    if who not in HANDLES:
        # Nothing this person tried was allowed, so nothing was appended to the log.
        events_after = await session.scalar(select(func.count()).select_from(CustodyEvent))
        assert events_after == events_before


@pytest.mark.parametrize("who", [w for w in EVERYONE if w in SEES_CASE])
async def test_lists_show_only_the_items_the_reader_may_see(
    client: httpx.AsyncClient,
    make_actor: MakeActor,
    make_case: MakeCase,
    add_survivor: AddSurvivor,
    assign_to_team: AssignToTeam,
    make_world: Callable[..., Any],
    who: str,
) -> None:
    world: World = await make_world()
    actor = await _actor(who, world, make_actor, make_case, add_survivor, assign_to_team)
    listed = await client.get(f"{CASES}/{world.case_id}/evidence", headers=actor.headers)
    assert listed.status_code == 200
    shown = {item["id"] for item in listed.json()}
    assert shown == {world.items[s]["id"] for s in SEES_ITEM[who]}
    for item in listed.json():
        assert item["can_open_files"] is (who not in READS_NO_CONTENT)
    tab = await client.get(f"/cases/{world.case_id}/evidence", headers=actor.headers)
    for sensitivity, item in world.items.items():
        assert (f"/evidence/{item['id']}" in tab.text) is (sensitivity in SEES_ITEM[who])
    if who in READS_NO_CONTENT:
        # They see each item's custody (what happened to it), not its files' content.
        detail = await client.get(
            f"{EVIDENCE}/{world.items['lawyers_only']['id']}", headers=actor.headers
        )
        assert [e["type"] for e in detail.json()["custody"]] == ["file_added", "sent_to_lab"]
        page = await client.get(
            f"/evidence/{world.items['lawyers_only']['id']}", headers=actor.headers
        )
        assert f"/api/v1/evidence/files/{world.files['lawyers_only']['id']}" not in page.text


async def test_anonymous_is_refused_everywhere(
    client: httpx.AsyncClient, make_world: Callable[..., Any]
) -> None:
    world: World = await make_world()
    for route in ROUTES:
        response = await _send(client, route, world, "team", {})
        if not route.page:
            if route.name == "public key":
                continue  # see test_the_public_key_needs_a_signed_in_user
            assert response.status_code == 401, route.name
            assert response.json()["error"] == "not_authenticated", route.name
        elif route.method == "GET":
            assert response.status_code == 303, route.name
            assert response.headers["location"].startswith("/login?next="), route.name
        else:  # a form post without a session has no valid CSRF token either
            assert response.status_code == 403, route.name
        assert "Secretitem" not in response.text, route.name


async def test_the_public_key_is_public(client: httpx.AsyncClient) -> None:
    # A court or an expert fetches it without an account; a public key reveals nothing.
    response = await client.get(f"{EVIDENCE}/log/public-key")
    assert response.status_code == 200
    assert response.json()["verifier_key"].startswith("tafteesh-custody+")


async def test_the_public_key_verifies_the_logs_checkpoints(
    client: httpx.AsyncClient, app: FastAPI, make_team: MakeTeam
) -> None:
    team = await make_team()
    key = await client.get(f"{EVIDENCE}/log/public-key", headers=team.survivor.headers)
    assert key.status_code == 200
    body = key.json()
    signer = app.state.log_signer
    assert body["verifier_key"] == signer.vkey
    assert body["origin"] == signer.origin
    assert body["verifier_key"].startswith(f"{body['key_name']}+")
    assert body["public_key_pem"].startswith("-----BEGIN PUBLIC KEY-----")


async def test_a_social_worker_cannot_record_a_lawyers_only_item(
    client: httpx.AsyncClient, make_team: MakeTeam, session: AsyncSession
) -> None:
    team = await make_team()
    response = await client.post(
        f"{CASES}/{team.case_id}/evidence",
        json=item_body(sensitivity="lawyers_only"),
        headers=team.social_worker.headers,
    )
    assert response.status_code == 403
    listed = await client.get(f"{CASES}/{team.case_id}/evidence", headers=team.lawyer.headers)
    assert listed.json() == []


# -- files ------------------------------------------------------------------------------------


@pytest.fixture
def small_limit(app: FastAPI, settings: Settings) -> int:
    app.state.settings = settings.model_copy(update={"upload_max_bytes": 1000})
    return 1000


def _objects(app: FastAPI) -> set[str]:
    return {path.name for path in app.state.blob_store.objects.iterdir()}


def _incoming(app: FastAPI) -> list[str]:
    return [path.name for path in app.state.blob_store.incoming.iterdir()]


async def _chunks(data: bytes, size: int = 300) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def test_an_upload_over_the_limit_is_refused_with_a_clear_message(
    client: httpx.AsyncClient,
    app: FastAPI,
    session: AsyncSession,
    make_team: MakeTeam,
    add_item: AddItem,
    upload: Upload,
    small_limit: int,
) -> None:
    team = await make_team()
    item = await add_item(team.lawyer, team.case)
    objects_before = _objects(app)

    declared = await upload(team.lawyer, item, unique_bytes(size=small_limit + 1))
    streamed = await client.put(  # no Content-Length: the limit is enforced while streaming
        f"{EVIDENCE}/{item['id']}/files",
        params={"filename": "big.mp4"},
        content=_chunks(unique_bytes(size=small_limit * 3)),
        headers=team.lawyer.headers,
    )
    page = await client.post(
        f"/evidence/{item['id']}/files",
        files={"file": ("big.mp4", unique_bytes(size=small_limit + 1), "video/mp4")},
        headers=team.lawyer.headers,
    )

    for response in (declared, streamed):
        assert response.status_code == 413, response.text
        assert response.json()["error"] == "payload_too_large"
        message = response.json()["message"]
        assert "1,000 bytes" in message
        assert "TAFTEESH_UPLOAD_MAX_BYTES" in message
    assert page.status_code == 413
    assert "TAFTEESH_UPLOAD_MAX_BYTES" in page.text
    # Nothing was kept: no object, no half-written temporary file, no record, no event.
    assert _objects(app) == objects_before
    assert _incoming(app) == []
    detail = (await client.get(f"{EVIDENCE}/{item['id']}", headers=team.lawyer.headers)).json()
    assert detail["files"] == []
    assert detail["custody"] == []

    at_limit = await upload(team.lawyer, item, unique_bytes(size=small_limit))
    assert at_limit.status_code == 201, at_limit.text
    assert at_limit.json()["size_bytes"] == small_limit


async def test_identical_content_is_stored_once(
    client: httpx.AsyncClient,
    app: FastAPI,
    session: AsyncSession,
    make_team: MakeTeam,
    add_item: AddItem,
    upload: Upload,
) -> None:
    team = await make_team()
    first_item = await add_item(team.lawyer, team.case)
    second_item = await add_item(team.social_worker, team.case, description="Copy on a pen drive")
    content = unique_bytes("the same video", size=5000)
    sha256 = hashlib.sha256(content).hexdigest()
    objects_before = _objects(app)

    one = await upload(team.lawyer, first_item, content, filename="raid.mp4")
    two = await upload(team.social_worker, second_item, content, filename="raid-copy.mp4")

    assert one.status_code == two.status_code == 201
    assert one.json()["sha256"] == two.json()["sha256"] == sha256
    assert one.json()["id"] != two.json()["id"]
    assert _objects(app) - objects_before == {sha256}
    assert _incoming(app) == []
    stored = app.state.blob_store.path(sha256)
    assert stored.read_bytes() == content
    assert stored.stat().st_mode & 0o222 == 0  # write-once: nobody may write to it
    rows = await session.scalar(
        select(func.count()).select_from(EvidenceFile).where(EvidenceFile.sha256 == sha256)
    )
    assert rows == 2
    # Each upload is its own custody event naming the hash.
    for item in (first_item, second_item):
        detail = (await client.get(f"{EVIDENCE}/{item['id']}", headers=team.lawyer.headers)).json()
        assert [(e["type"], e["file_sha256"]) for e in detail["custody"]] == [
            ("file_added", sha256)
        ]


async def test_downloads_are_audited_attachments_that_are_never_sniffed(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_team: MakeTeam,
    add_item: AddItem,
    upload: Upload,
) -> None:
    team = await make_team()
    item = await add_item(team.lawyer, team.case)
    content = b"<html><script>alert('stored xss')</script></html>" + uuid.uuid4().bytes
    uploaded = await upload(
        team.lawyer,
        item,
        content,
        filename="../../etc/evil page<script>.html",
        content_type="text/html",
    )
    assert uploaded.status_code == 201, uploaded.text
    record = uploaded.json()
    assert "/" not in record["filename"]
    assert "<" not in record["filename"]

    response = await client.get(
        f"{EVIDENCE}/files/{record['id']}", headers=team.social_worker.headers
    )

    assert response.status_code == 200
    assert response.content == content
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["x-content-type-options"] == "nosniff"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert quote(record["filename"]) in disposition
    assert "no-store" in response.headers["cache-control"]
    audited = list(
        await session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "evidence.download", AuditEvent.object_id == record["id"]
            )
        )
    )
    assert [(row.actor_id, row.summary) for row in audited] == [
        (team.social_worker.user.id, record["sha256"])
    ]


async def test_a_missing_file_id_is_not_found(
    client: httpx.AsyncClient, make_team: MakeTeam
) -> None:
    team = await make_team()
    response = await client.get(f"{EVIDENCE}/files/{uuid.uuid4()}", headers=team.lawyer.headers)
    assert response.status_code == 404


async def test_a_collectors_differing_hash_is_kept_and_shown(
    client: httpx.AsyncClient,
    make_team: MakeTeam,
    add_item: AddItem,
    upload: Upload,
) -> None:
    team = await make_team()
    item = await add_item(team.lawyer, team.case)
    content = unique_bytes("device image")
    ours = hashlib.sha256(content).hexdigest()
    theirs = hashlib.sha256(b"what the police lab hashed").hexdigest()
    other = unique_bytes("photo")

    differs = await upload(team.lawyer, item, content, collector_sha256=theirs.upper())
    matches = await upload(
        team.lawyer, item, other, collector_sha256=hashlib.sha256(other).hexdigest()
    )

    assert differs.status_code == 201, differs.text
    assert differs.json()["sha256"] == ours
    assert differs.json()["collector_sha256"] == theirs  # kept, normalised to lower case
    assert differs.json()["collector_hash_matches"] is False
    assert matches.json()["collector_hash_matches"] is True
    detail = (await client.get(f"{EVIDENCE}/{item['id']}", headers=team.lawyer.headers)).json()
    by_hash = {f["sha256"]: f for f in detail["files"]}
    assert by_hash[ours]["collector_sha256"] == theirs
    assert by_hash[ours]["collector_hash_matches"] is False
    # The custody record itself says so, in the signed bytes.
    [event] = [e for e in detail["custody"] if e["file_sha256"] == ours]
    assert theirs in event["notes"]
    assert theirs in event["body"]
    page = await client.get(f"/evidence/{item['id']}", headers=team.lawyer.headers)
    assert f"Differs from the collector's hash {theirs}" in page.text
    assert "Matches the collector&#39;s hash" in page.text or "Matches the collector's hash" in (
        page.text
    )
    timeline = await client.get(f"{API}/cases/{team.case_id}/timeline", headers=team.lawyer.headers)
    assert "differs from the collector's hash" in timeline.text


async def test_a_malformed_collector_hash_is_refused(
    make_team: MakeTeam, add_item: AddItem, upload: Upload
) -> None:
    team = await make_team()
    item = await add_item(team.lawyer, team.case)
    response = await upload(team.lawyer, item, unique_bytes(), collector_sha256="not-a-hash")
    assert response.status_code == 422
