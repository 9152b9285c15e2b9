"""A lawyer uploads a photo, records its transfer to the forensic lab, verifies the custody
record and downloads the court bundle, which verifies on its own."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tafteesh.evidence.demo import demo_png
from tests.e2e.conftest import SeededCase
from tests.e2e.test_admin_journey import sign_in

pytestmark = pytest.mark.e2e


def test_upload_transfer_verify_and_download_the_bundle(
    page: Page, seeded_case: SeededCase, artifacts: Path, tmp_path: Path
) -> None:
    photo = tmp_path / "room.png"
    photo.write_bytes(demo_png((120, 90, 60)))
    sign_in(page, seeded_case.lawyer.email, seeded_case.lawyer.password)
    page.goto("/cases")
    page.get_by_role("link", name=seeded_case.case_reference).click()
    page.get_by_role("navigation", name="Case sections").get_by_role(
        "link", name="Evidence"
    ).click()

    page.locator("#evidence summary").click()
    page.get_by_label("Description").fill("Photograph of the room where she was confined")
    page.get_by_label("Kind").select_option("electronic")
    page.get_by_label("Category").select_option("photo")
    page.get_by_role("button", name="Record item").click()
    expect(page.get_by_text("The evidence item was recorded.")).to_be_visible()

    page.get_by_label("Add a file").set_input_files(str(photo))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("The file was stored and hashed.")).to_be_visible()
    expect(page.get_by_role("link", name="room.png")).to_be_visible()

    page.get_by_text("Record a custody event").click()
    page.get_by_label("What happened").select_option("sent_to_lab")
    page.get_by_label("From").fill("Investigating officer, Canning PS")
    page.get_by_label("To", exact=True).fill("CFSL Kolkata")
    page.get_by_label("Where").fill("CFSL Kolkata")
    page.get_by_role("button", name="Record event").click()
    expect(page.get_by_text("The custody event was recorded.")).to_be_visible()
    expect(
        page.locator("#custody .timeline").get_by_text("Sent to the forensic lab")
    ).to_be_visible()

    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("Verified:")).to_be_visible()
    page.screenshot(path=str(artifacts / "evidence-verified.png"), full_page=True)

    page.get_by_role("link", name="All evidence of this case").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the court bundle").click()
    bundle = tmp_path / "bundle.zip"
    download.value.save_as(bundle)
    with zipfile.ZipFile(bundle) as archive:
        (tmp_path / "verify_bundle.py").write_bytes(archive.read("verify_bundle.py"))
    vkey = page.request.get("/api/v1/evidence/log/public-key").json()["verifier_key"]
    result = subprocess.run(
        [sys.executable, "verify_bundle.py", "bundle.zip", "--public-key", vkey],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "VERIFIED" in result.stdout
