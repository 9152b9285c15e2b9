"""JSON API for evidence: items, streamed uploads, custody, verification, the court bundle."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, Response, StreamingResponse

from tafteesh.audit import service as audit
from tafteesh.auth.dependencies import CurrentUser
from tafteesh.cases.dependencies import CaseForView
from tafteesh.db import DbSession, TransactionalRoute, release_before_waiting
from tafteesh.evidence import bundle, service, views
from tafteesh.evidence.checkpoint import public_key_pem
from tafteesh.evidence.dependencies import ItemForHandling, ItemForView, Signer, Store
from tafteesh.evidence.schemas import (
    CustodyEventIn,
    CustodyEventRead,
    FileRead,
    ItemCreate,
    ItemDetail,
    ItemRead,
    PublicKey,
    Sha256,
    VerifyResult,
)
from tafteesh.evidence.storage import too_large
from tafteesh.evidence.verification import verify_item

router = APIRouter(prefix="/api/v1", tags=["evidence"], route_class=TransactionalRoute)

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    404: {"description": "No such case or item, or not one the user may see"},
    422: {"description": "Invalid input; `details.fields` names each problem"},
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    403: {"description": "The user may see the case but not handle its evidence"},
}


@router.get(
    "/cases/{case_id}/evidence",
    response_model=list[ItemRead],
    responses=ERRORS,
    summary="The case's evidence items the user may see",
)
async def list_items(access: CaseForView, session: DbSession) -> Any:
    items = await service.items_of(session, access)
    await audit.record(
        session, access.actor, action="evidence.list", object_type="case", object_id=access.case.id
    )
    return await views.item_reads(session, access, items)


@router.post(
    "/cases/{case_id}/evidence",
    response_model=ItemRead,
    status_code=201,
    responses=WRITE_ERRORS,
    summary="Record an evidence item",
)
async def add_item(body: ItemCreate, access: CaseForView, session: DbSession) -> Any:
    item = await service.add_item(session, access.actor, access, data=body)
    return (await views.item_reads(session, access, [item]))[0]


@router.get(
    "/evidence/{item_id}",
    response_model=ItemDetail,
    responses=ERRORS,
    summary="An item with its files and custody history",
)
async def get_item(access: ItemForView, session: DbSession) -> Any:
    await audit.record(
        session,
        access.case.actor,
        action="evidence.view",
        object_type="evidence",
        object_id=access.item.id,
    )
    return await views.item_detail(session, access)


@router.post(
    "/evidence/{item_id}/custody",
    response_model=CustodyEventRead,
    status_code=201,
    responses=WRITE_ERRORS,
    summary="Record a custody event (append-only)",
)
async def record_custody(body: CustodyEventIn, access: ItemForHandling, session: DbSession) -> Any:
    event = await service.record_custody(
        session, access.case.actor, access.case, access.item, data=body
    )
    reads = await service.custody_reads(session, access.item.id)
    return next(r for r in reads if r.seq == event.seq)


async def _body_chunks(request: Request) -> AsyncIterator[bytes]:
    async for chunk in request.stream():
        if chunk:
            yield chunk


@router.put(
    "/evidence/{item_id}/files",
    response_model=FileRead,
    status_code=201,
    responses={**WRITE_ERRORS, 413: {"description": "Larger than TAFTEESH_UPLOAD_MAX_BYTES"}},
    summary="Upload a file as the request body, streamed through SHA-256 into the store",
    openapi_extra={"requestBody": {"content": {"application/octet-stream": {}}}},
)
async def upload_file(
    request: Request,
    access: ItemForHandling,
    session: DbSession,
    store: Store,
    filename: Annotated[str, Query(min_length=1, max_length=255)],
    collector_sha256: Annotated[Sha256 | None, Query()] = None,
) -> Any:
    limit = request.app.state.settings.upload_max_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    await release_before_waiting(session)
    stored = await store.put(_body_chunks(request), max_bytes=limit)
    added = await service.attach_file(
        session,
        access.case.actor,
        access.case,
        access.item,
        stored=stored,
        filename=filename,
        content_type=request.headers.get("content-type", "application/octet-stream"),
        collector_sha256=collector_sha256,
    )
    return service.file_read(added.file)


@router.get(
    "/evidence/files/{file_id}",
    responses=ERRORS,
    summary="Download a file (as an attachment; every download is audited)",
)
async def download_file(
    file_id: uuid.UUID, principal: CurrentUser, session: DbSession, store: Store
) -> Response:
    access, record = await views.file_for_download(session, principal, file_id)
    await audit.record(
        session,
        access.case.actor,
        action="evidence.download",
        object_type="evidence_file",
        object_id=record.id,
        summary=record.sha256,
    )
    return FileResponse(
        store.path(record.sha256),
        filename=record.filename,
        media_type="application/octet-stream",
        content_disposition_type="attachment",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"},
    )


@router.get(
    "/evidence/{item_id}/verify",
    response_model=VerifyResult,
    responses=ERRORS,
    summary="Check the item's files, its custody chain and its inclusion in a checkpoint",
)
async def verify(access: ItemForView, session: DbSession, store: Store, signer: Signer) -> Any:
    await audit.record(
        session,
        access.case.actor,
        action="evidence.verify",
        object_type="evidence",
        object_id=access.item.id,
    )
    return await verify_item(session, access.item, store=store, signer=signer)


@router.get(
    "/evidence/log/public-key",
    response_model=PublicKey,
    summary="The custody log's public key, for checking checkpoints and bundles",
)
async def public_key(signer: Signer) -> PublicKey:
    # Public on purpose: a court or an expert fetches it without an account, and a public key
    # reveals nothing. Courts should still confirm it through a second channel (bundle README).
    return PublicKey(
        origin=signer.origin,
        key_name=signer.key_name,
        verifier_key=signer.vkey,
        public_key_pem=public_key_pem(signer.private_key.public_key()).decode(),
    )


@router.get(
    "/cases/{case_id}/evidence-bundle",
    responses={
        **WRITE_ERRORS,
        200: {"content": {"application/zip": {}}, "description": "The bundle"},
    },
    summary="The court bundle: events, checkpoints, proofs, files, BSA 63 drafts, a verifier",
)
async def evidence_bundle(
    access: CaseForView, session: DbSession, store: Store, signer: Signer
) -> StreamingResponse:
    spooled = await bundle.build_bundle(session, access, store=store, signer=signer)
    await audit.record(
        session,
        access.actor,
        action="evidence.bundle",
        object_type="case",
        object_id=access.case.id,
    )

    def chunks() -> Any:
        try:
            while chunk := spooled.read(1024 * 1024):
                yield chunk
        finally:
            spooled.close()

    name = f"evidence-bundle-{access.case.reference}.zip".replace("/", "-")
    return StreamingResponse(
        chunks(),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
