"""An upload does not hold a database connection while its body arrives: from a phone in a
court corridor that can take minutes, and every connection held idle in a transaction is one
fewer for everyone else (db.release_before_waiting)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.evidence.conftest import EVIDENCE, AddItem, MakeTeam, unique_bytes


@pytest.fixture
def transactions_while_storing(
    app: FastAPI, sessionmaker: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> list[bool]:
    """For each file the store receives, whether the request's session was in a transaction
    at that moment."""
    sessions: list[AsyncSession] = []
    seen: list[bool] = []

    def recording_maker() -> AsyncSession:
        made = sessionmaker()
        sessions.append(made)
        return made

    store = app.state.blob_store
    real_put = store.put

    async def spying_put(chunks: AsyncIterator[bytes], **kwargs: Any) -> Any:
        seen.append(sessions[-1].in_transaction())
        return await real_put(chunks, **kwargs)

    monkeypatch.setattr(app.state, "sessionmaker", recording_maker)
    monkeypatch.setattr(store, "put", spying_put)
    return seen


async def test_the_api_upload_streams_its_body_outside_any_transaction(
    client: httpx.AsyncClient,
    make_team: MakeTeam,
    add_item: AddItem,
    transactions_while_storing: list[bool],
) -> None:
    team = await make_team()
    item = await add_item(team.lawyer, team.case)

    response = await client.put(
        f"{EVIDENCE}/{item['id']}/files",
        params={"filename": "call-recording.m4a"},
        content=unique_bytes(size=5000),
        headers=team.lawyer.headers,
    )

    assert response.status_code == 201, response.text
    assert transactions_while_storing == [False]
    # The file's rows were still written and committed after the body arrived.
    detail = (await client.get(f"{EVIDENCE}/{item['id']}", headers=team.lawyer.headers)).json()
    assert [f["filename"] for f in detail["files"]] == ["call-recording.m4a"]
    assert detail["custody"][-1]["type"] == "file_added"


async def test_the_upload_page_reads_its_form_outside_any_transaction(
    client: httpx.AsyncClient,
    make_team: MakeTeam,
    add_item: AddItem,
    transactions_while_storing: list[bool],
) -> None:
    team = await make_team()
    item = await add_item(team.lawyer, team.case)

    stored = await client.post(
        f"/evidence/{item['id']}/files",
        files={"file": ("photo.jpg", unique_bytes(size=3000), "image/jpeg")},
        headers=team.lawyer.headers,
    )
    missing = await client.post(
        f"/evidence/{item['id']}/files",
        data={"collector_sha256": ""},
        headers=team.lawyer.headers,
    )

    assert stored.status_code == 303, stored.text
    assert transactions_while_storing == [False]
    assert missing.status_code == 422
    assert "Choose a file to upload." in missing.text
