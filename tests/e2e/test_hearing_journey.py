"""In a court corridor, on a phone: today's list, the outcome form, saved. Three screens."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tafteesh.india import today_in_india
from tests.e2e.conftest import SeededHearing
from tests.e2e.test_admin_journey import sign_in

pytestmark = pytest.mark.e2e


def test_lawyer_records_an_adjournment_in_three_screens(
    phone_page: Page, seeded_hearing_today: SeededHearing, artifacts: Path
) -> None:
    page = phone_page
    lawyer = seeded_hearing_today.lawyer
    reference = seeded_hearing_today.case_reference
    next_date = today_in_india() + timedelta(days=23)
    sign_in(page, lawyer.email, lawyer.password)

    # Screen 1: today's list.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Hearings").click()
    expect(page.get_by_role("heading", name="My hearings")).to_be_visible()
    today_section = page.locator("section", has=page.get_by_role("heading", name="Today"))
    expect(today_section.get_by_text(reference)).to_be_visible()
    page.screenshot(path=str(artifacts / "phone-cause-list.png"), full_page=True)
    today_section.get_by_role("link", name=f"Record outcome for {reference}").first.click()

    # Screen 2: the outcome form.
    expect(page.get_by_role("heading", name=f"{reference}:")).to_be_visible()
    page.get_by_role("radio", name="Adjourned").check()
    page.get_by_label("If adjourned: why?").select_option(label="Undertrial not produced from jail")
    page.get_by_label("Next date", exact=True).fill(next_date.isoformat())
    page.screenshot(path=str(artifacts / "phone-outcome-form.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Save").click()

    # Screen 3: back on the list, saved; the next hearing is on it when it falls this week.
    expect(page.get_by_text("The outcome was saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="My hearings")).to_be_visible()
    expect(today_section.get_by_role("link", name=f"Record outcome for {reference}")).to_have_count(
        0
    )

    # The case's hearings tab shows the adjournment and the next date.
    page.goto("/cases")
    page.get_by_role("link", name=reference).click()
    page.get_by_role("navigation", name="Case sections").get_by_role(
        "link", name="Hearings"
    ).click()
    expect(
        page.get_by_text("Adjourned: Undertrial not produced from jail (police / jail)")
    ).to_be_visible()
    expect(page.get_by_text(f"{next_date:%d %b %Y}").first).to_be_visible()
