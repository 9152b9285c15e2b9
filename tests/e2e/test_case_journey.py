"""A lawyer opens a case on a phone, adds a survivor and an accused, and records the chargesheet."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import SeededAccount
from tests.e2e.test_admin_journey import sign_in

pytestmark = pytest.mark.e2e


def field(page: Page, label: str) -> Locator:
    """A form field by its label, whether or not the label marks it required (*)."""
    return page.get_by_label(re.compile("^" + re.escape(label) + r"( \*)?$"))


def test_lawyer_opens_a_case_and_moves_it_to_chargesheet_filed(
    phone_page: Page, seeded_lawyer: SeededAccount, artifacts: Path
) -> None:
    page = phone_page
    reference = f"TAF-E2E-{uuid.uuid4().hex[:6].upper()}"
    sign_in(page, seeded_lawyer.email, seeded_lawyer.password)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases").click()
    page.get_by_role("link", name="Open a case").click()
    expect(page.get_by_role("heading", name="Open a case")).to_be_visible()
    field(page, "Consortium case reference").fill(reference)
    field(page, "Police station").fill("Canning PS")
    field(page, "District").fill("South 24 Parganas")
    field(page, "State").fill("West Bengal")
    field(page, "FIR number").fill("207")
    field(page, "FIR year").fill("2025")
    field(page, "FIR date").fill("2025-01-06")
    page.get_by_text("Bharatiya Nyaya Sanhita, 2023").click()
    page.get_by_label(re.compile(r"\bBNS 143 ·")).check()
    field(page, "Other sections or sub-sections").fill("ITPA 5")
    page.get_by_role("button", name="Open the case").click()

    expect(page.get_by_role("heading", name=f"Case {reference}")).to_be_visible()
    expect(page.get_by_text("The case was opened.")).to_be_visible()
    case_url = page.url
    expect(page.get_by_text("BNS 143, ITPA 5")).to_be_visible()

    # People: a survivor under a pseudonym, and an accused in custody.
    page.get_by_role("navigation", name="Case sections").get_by_role("link", name="People").click()
    page.get_by_text("Add a survivor").click()
    field(page, "Pseudonym").fill("Mitali")
    field(page, "Legal name").fill("Invented Legal Name")
    field(page, "Phone").fill("9830000001")
    page.get_by_role("button", name="Add survivor").click()
    expect(page.get_by_role("heading", name="Mitali (pseudonym)")).to_be_visible()
    expect(page.get_by_text("Invented Legal Name")).to_be_visible()  # she is on the team

    page.get_by_text("Add an accused person").click()
    field(page, "Name").fill("Kalu Mondal")
    field(page, "Status").select_option("judicial_custody")
    field(page, "Since").fill("2025-01-08")
    page.get_by_role("button", name="Add accused").click()
    expect(page.get_by_role("heading", name="Kalu Mondal")).to_be_visible()

    # Stage: FIR registered -> under investigation -> chargesheet filed.
    tabs = page.get_by_role("navigation", name="Case sections")
    for stage, day in (("Under investigation", "2025-01-07"), ("Chargesheet filed", "2025-03-20")):
        page.goto(case_url)  # a whole page: no tab swap can close the dialog under us
        page.locator("#stage-change summary").click()
        page.get_by_label(stage).check()
        field(page, "On").fill(day)
        page.get_by_role("button", name="Change stage").click()
        expect(page.get_by_text("The stage was changed.")).to_be_visible()
    expect(page.get_by_text("Chargesheet filed since 20 Mar 2025", exact=True)).to_be_visible()

    # The default-bail deadline for the accused was met by the chargesheet.
    tabs.get_by_role("link", name="Deadlines").click()
    expect(page.get_by_text("for Kalu Mondal")).to_be_visible()
    # The tab swapped in by htmx is the current one (static/tabs.js), the page's first is not.
    expect(tabs.get_by_role("link", name="Deadlines")).to_have_attribute("aria-current", "page")
    expect(tabs.get_by_role("link", name="Overview")).not_to_have_attribute("aria-current", "page")
    expect(page.get_by_text(re.compile(r"Met 20 Mar 2025"))).to_be_visible()
    page.screenshot(path=str(artifacts / "phone-case-deadlines.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
