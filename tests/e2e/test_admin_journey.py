"""An administrator creates an account through the pages; the new person signs in with it."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, SeededAccount

pytestmark = pytest.mark.e2e


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_admin_creates_an_account_and_the_new_person_signs_in(
    page: Page, seeded_admin: SeededAccount
) -> None:
    tag = uuid.uuid4().hex[:6]
    name = f"Lawyer {tag}"
    email = f"lawyer.{tag}@example.org"
    password = f"initial-{tag}-password"

    sign_in(page, seeded_admin.email, seeded_admin.password)
    expect(
        page.get_by_role("heading", name=f"Welcome, {seeded_admin.display_name}")
    ).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Accounts").click()
    expect(page).to_have_url(re.compile(r"/admin/users$"))
    expect(page.get_by_role("heading", name="Accounts")).to_be_visible()
    page.get_by_role("link", name="Create an account").click()

    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Organisation").select_option(label=seeded_admin.organisation)
    page.get_by_label("Role").select_option(label="Lawyer")
    page.get_by_label("Preferred language").select_option(label="English")
    page.get_by_label("Initial password").fill(password)
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(re.compile(r"/admin/users$"))
    expect(page.get_by_role("status")).to_have_text("The account was created.")
    row = page.get_by_role("row").filter(has_text=email)
    expect(row).to_have_count(1)
    expect(row.get_by_role("link", name=name)).to_be_visible()
    expect(row.get_by_role("cell", name="Lawyer", exact=True)).to_be_visible()
    expect(row.get_by_role("cell", name=seeded_admin.organisation)).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    sign_in(page, email, password)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name=f"Welcome, {name}")).to_be_visible()
    # A lawyer is not an administrator: no way into account management.
    expect(page.get_by_role("link", name="Accounts", exact=True)).to_have_count(0)


OVERFLOWING = """() => {
  const limit = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > limit + 0.5)
    .slice(0, 8)
    .map((e) => `${e.tagName.toLowerCase()}${e.className ? "." + e.className : ""}`
      + ` (right edge ${Math.round(e.getBoundingClientRect().right)} px)`);
}"""


def assert_no_horizontal_scroll(page: Page) -> None:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        culprits = ", ".join(page.evaluate(OVERFLOWING))
        raise AssertionError(
            f"{page.url} scrolls sideways on a {PHONE['width']} px phone: the page is {width} px "
            f"wide; wider than the screen: {culprits}"
        )


def sign_in_on_phone(page: Page, account: SeededAccount) -> None:
    sign_in(page, account.email, account.password)
    expect(page.get_by_role("heading", name=f"Welcome, {account.display_name}")).to_be_visible()


def test_sign_in_page_fits_a_phone(phone_page: Page, artifacts: Path) -> None:
    phone_page.goto("/login")
    expect(phone_page.get_by_role("heading", name="Sign in")).to_be_visible()
    phone_page.screenshot(path=str(artifacts / "phone-sign-in.png"), full_page=True)
    assert_no_horizontal_scroll(phone_page)


def test_accounts_page_fits_a_phone(
    phone_page: Page, seeded_admin: SeededAccount, artifacts: Path
) -> None:
    sign_in_on_phone(phone_page, seeded_admin)
    phone_page.get_by_role("navigation", name="Main").get_by_role("link", name="Accounts").click()
    expect(phone_page.get_by_role("heading", name="Accounts")).to_be_visible()
    expect(phone_page.get_by_role("link", name=seeded_admin.display_name)).to_be_visible()
    phone_page.screenshot(path=str(artifacts / "phone-accounts.png"), full_page=True)
    assert_no_horizontal_scroll(phone_page)


def test_create_account_page_fits_a_phone(
    phone_page: Page, seeded_admin: SeededAccount, artifacts: Path
) -> None:
    sign_in_on_phone(phone_page, seeded_admin)
    phone_page.goto("/admin/users/new")
    expect(phone_page.get_by_role("heading", name="Create an account")).to_be_visible()
    phone_page.screenshot(path=str(artifacts / "phone-create-account.png"), full_page=True)
    assert_no_horizontal_scroll(phone_page)


def test_home_page_fits_a_phone(
    phone_page: Page, seeded_admin: SeededAccount, artifacts: Path
) -> None:
    sign_in_on_phone(phone_page, seeded_admin)
    phone_page.screenshot(path=str(artifacts / "phone-home.png"), full_page=True)
    assert_no_horizontal_scroll(phone_page)
