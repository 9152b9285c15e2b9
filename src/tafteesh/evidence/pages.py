"""Evidence pages: the case's evidence tab and an item's page with its custody history, upload,
custody form, verification and draft BSA 63 certificate."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from starlette.datastructures import UploadFile

from tafteesh.audit import service as audit
from tafteesh.cases.dependencies import CaseAccess, CaseForView, reload_access
from tafteesh.cases.forms import form_values, validate
from tafteesh.cases.pages import render_case_tab
from tafteesh.db import DbSession, TransactionalRoute, release_before_waiting
from tafteesh.errors import InvalidInput, TafteeshError
from tafteesh.evidence import bundle, policy, service, views
from tafteesh.evidence.dependencies import (
    ItemAccess,
    ItemForHandling,
    ItemForView,
    Signer,
    Store,
    load_item_access,
)
from tafteesh.evidence.schemas import CustodyEventIn, ItemCreate, Sha256
from tafteesh.evidence.signing import make_checkpoint
from tafteesh.evidence.verification import verify_item
from tafteesh.evidence.vocabulary import Category, CustodyEventType, EvidenceKind, Sensitivity
from tafteesh.india import INDIA
from tafteesh.web import redirect, render, templates

router = APIRouter(include_in_schema=False, route_class=TransactionalRoute)
templates.env.globals.update(
    evidence_kinds=list(EvidenceKind),
    evidence_categories=list(Category),
    sensitivities=list(Sensitivity),
    custody_types=[t for t in CustodyEventType if t is not CustodyEventType.FILE_ADDED],
)
ITEM_FIELDS = (
    "kind",
    "category",
    "description",
    "seizure_memo_ref",
    "seal_number",
    "device_type",
    "device_make",
    "device_model",
    "device_serial",
    "device_imei_or_mac",
    "sensitivity",
    "current_custodian",
    "current_place",
)


async def _tab(
    request: Request,
    session: DbSession,
    access: CaseAccess,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    items = await views.item_reads(session, access, await service.items_of(session, access))
    ctx = {
        "items": items,
        "can_add": access.can_edit,
        "can_export": policy.can_export_bundle(access),
        **(extra or {}),
    }
    return await render_case_tab(
        request,
        session,
        access,
        "evidence",
        ctx,
        status_code=status_code,
        tab_template="evidence/_partials/tab_evidence.html",
    )


@router.get("/cases/{case_id}/evidence")
async def evidence_tab(request: Request, access: CaseForView, session: DbSession) -> Response:
    return await _tab(request, session, access)


@router.post("/cases/{case_id}/evidence")
async def add_item(request: Request, access: CaseForView, session: DbSession) -> Response:
    form = await request.form()
    values = form_values(form, ITEM_FIELDS)
    case_id = access.case.id
    try:
        data = validate(ItemCreate, values)
        item = await service.add_item(session, access.actor, access, data=data)
    except TafteeshError as error:
        if error.status_code == 403:
            raise
        await session.rollback()
        fresh = await reload_access(session, access.actor, case_id)
        return await _tab(
            request,
            session,
            fresh,
            {"item_error": error.message, "item_values": values},
            status_code=error.status_code,
        )
    return redirect(request, f"/evidence/{item.id}", flash="The evidence item was recorded.")


def _local(moment: datetime) -> str:
    return moment.astimezone(INDIA).strftime("%d %b %Y, %H:%M")


async def _item_page(
    request: Request,
    session: DbSession,
    access: ItemAccess,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    detail = await views.item_detail(session, access)
    return render(
        request,
        "evidence/item.html",
        {
            "item": detail,
            "access": access,
            "now": datetime.now(INDIA).strftime("%Y-%m-%dT%H:%M"),
            "local": _local,
            **(extra or {}),
        },
        status_code=status_code,
    )


@router.get("/evidence/{item_id}")
async def item_page(request: Request, access: ItemForView, session: DbSession) -> Response:
    await audit.record(
        session,
        access.case.actor,
        action="evidence.view",
        object_type="evidence",
        object_id=access.item.id,
    )
    return await _item_page(request, session, access)


@router.post("/evidence/{item_id}/custody")
async def record_custody(request: Request, access: ItemForHandling, session: DbSession) -> Response:
    form = await request.form()
    values = form_values(form, ("type", "occurred_at", "from_party", "to_party", "place", "notes"))
    seals = [s.strip() for s in str(form.get("seals") or "").split(",") if s.strip()]
    item_id = access.item.id
    try:
        occurred = values.get("occurred_at")
        if occurred and len(occurred) <= 16:  # a datetime-local field: Indian time
            values["occurred_at"] = datetime.fromisoformat(occurred).replace(tzinfo=INDIA)
        data = validate(CustodyEventIn, {**values, "seals": seals})
        await service.record_custody(
            session, access.case.actor, access.case, access.item, data=data
        )
    except (TafteeshError, ValueError) as error:
        message = (
            error.message if isinstance(error, TafteeshError) else "Enter a valid date and time."
        )
        await session.rollback()
        fresh = await load_item_access(session, access.case.actor, item_id)
        return await _item_page(
            request,
            session,
            fresh,
            {"custody_error": message, "custody_values": values},
            status_code=getattr(error, "status_code", 422),
        )
    return redirect(request, f"/evidence/{item_id}", flash="The custody event was recorded.")


async def _upload_chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(1024 * 1024):
        yield chunk


@router.post("/evidence/{item_id}/files")
async def upload(
    request: Request, access: ItemForHandling, session: DbSession, store: Store
) -> Response:
    # The form is read here, not as a parameter, so that it arrives after the access check's
    # connection went back to the pool (db.release_before_waiting).
    await release_before_waiting(session)
    form = await request.form()
    file = form.get("file")
    if not isinstance(file, UploadFile):
        return await _item_page(
            request, session, access, {"upload_error": "Choose a file to upload."}, status_code=422
        )
    collector = str(form.get("collector_sha256") or "").strip().lower() or None
    item_id = access.item.id
    if collector is not None:
        try:
            validate(_CollectorHash, {"value": collector})
        except TafteeshError as error:
            return await _item_page(
                request, session, access, {"upload_error": error.message}, status_code=422
            )
    limit = request.app.state.settings.upload_max_bytes
    stored = await store.put(_upload_chunks(file), max_bytes=limit)
    await service.attach_file(
        session,
        access.case.actor,
        access.case,
        access.item,
        stored=stored,
        filename=file.filename or "file",
        content_type=file.content_type or "application/octet-stream",
        collector_sha256=collector,
    )
    return redirect(request, f"/evidence/{item_id}", flash="The file was stored and hashed.")


@router.post("/evidence/{item_id}/verify")
async def verify_now(
    request: Request, access: ItemForView, session: DbSession, store: Store, signer: Signer
) -> Response:
    """Sign the log as it stands (so the newest events are anchored), then verify the item."""
    if access.can_handle:
        await make_checkpoint(session, signer)
    result = await verify_item(session, access.item, store=store, signer=signer)
    await audit.record(
        session,
        access.case.actor,
        action="evidence.verify",
        object_type="evidence",
        object_id=access.item.id,
        summary="ok" if result.ok else ",".join({p.code for p in result.problems}),
    )
    return render(
        request,
        "evidence/_partials/verify_result.html",
        {"result": result},
        partial="evidence/_partials/verify_result.html",
    )


@router.get("/evidence/{item_id}/certificate")
async def certificate(request: Request, access: ItemForView, session: DbSession) -> Response:
    if access.item.kind != EvidenceKind.ELECTRONIC:
        raise InvalidInput("A BSA 63 certificate is for electronic evidence.")
    files = await service.files_of(session, [access.item.id])
    html = bundle.certificate_html(
        access.case, access.item, files, datetime.now(INDIA).strftime("%d %b %Y %H:%M IST")
    )
    return HTMLResponse(html)


class _CollectorHash(BaseModel):
    value: Sha256
