"""The review page in real Chromium: a person changes a target, ignores a line, adds a value-map entry and
approves; mapping.yaml and the ledger then say so. And the run view, open while a migration runs, shows it move.

Screenshots go to $CRM2ODOO_TEST_ARTIFACTS/review-page (default test-artifacts/ in the working directory).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from crm2odoo import api
from crm2odoo.mapping.spec import load_spec, save_spec
from crm2odoo.project import Project
from crm2odoo.sandbox import SandboxServer
from crm2odoo.testing.ontraport_sim import generate_account, write_csv_exports
from crm2odoo.web import ReviewServer

from .webclient import browser_missing, start_chromium
from .world import write_config

_MISSING = browser_missing()
if _MISSING and os.environ.get("CRM2ODOO_REQUIRE_BROWSER"):  # set by .ci/run: there a skip would hide a failure
    raise RuntimeError(f"the review page's browser tests must run here: {_MISSING}")
pytestmark = pytest.mark.skipif(_MISSING is not None, reason=str(_MISSING))

REVIEWER = "Ada Reviewer"
HOSTILE = "<img src=x onerror=document.title='pwned'>"


def _artifacts() -> Path:
    folder = Path(os.environ.get("CRM2ODOO_TEST_ARTIFACTS", "test-artifacts")) / "review-page"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Page:
    """One headless Chromium on the review page; waits the way a person waits (the data drawn)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.driver = start_chromium("1600,1000")
        self.open(url)

    def open(self, url: str) -> None:
        self.driver.get(url)
        self.wait(lambda: self.driver.execute_script("return document.body.dataset.ready === '1'"), "the page")

    def wait(self, ready: Callable[[], object], what: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if ready():
                    return
            except Exception:  # noqa: BLE001 - the page is redrawing under us; look again
                pass
            time.sleep(0.2)
        self.screenshot(f"timeout-{what.replace(' ', '-')}")
        raise AssertionError(f"the review page did not show {what} within {timeout:.0f} s")

    def css(self, selector: str) -> object:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def click(self, selector: str) -> None:
        element = self.css(selector)
        # centred, as a person scrolls to it: at the very top the table's sticky header would be in the way
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        element.click()  # type: ignore[attr-defined]

    def type(self, selector: str, text: str, *, enter: bool = False) -> None:
        from selenium.webdriver.common.keys import Keys

        field = self.css(selector)
        field.clear()  # type: ignore[attr-defined]
        field.send_keys(text + (Keys.ENTER if enter else ""))  # type: ignore[attr-defined]

    def text(self, selector: str) -> str:
        return str(self.css(selector).text)  # type: ignore[attr-defined]

    def saved(self, before: str) -> None:
        """Wait until the page holds a newer mapping.yaml than ``before`` (its hash)."""
        self.wait(lambda: self.driver.execute_script("return state.data.hash") != before, "the edit saved")

    def hash(self) -> str:
        return str(self.driver.execute_script("return state.data.hash"))

    def screenshot(self, name: str) -> Path:
        path = _artifacts() / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    def close(self) -> None:
        self.driver.quit()


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    """An Odoo of the module's own: the run view watches a migration into it."""
    server = SandboxServer(version="18.0").start()
    yield server
    server.stop()


@pytest.fixture
def project(tmp_path: Path, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "acme"
    api.init_project(root, "ontraport-csv")
    write_csv_exports(generate_account(seed=3, contacts=240, companies=20, deals=30), root / "exports")
    # a customer's company name that would run as script if the page ever treated data as markup
    contacts = next(p for p in (root / "exports").glob("*.csv") if "Contact ID" in p.read_text("utf-8-sig")[:20])
    contacts.write_text(contacts.read_text("utf-8-sig").replace("Company text 2", HOSTILE, 1), "utf-8-sig")
    write_config(root, '[source]\nkind = "ontraport-csv"\npath = "exports/"\n', sandbox, monkeypatch,
                 migration_extra=f'workers = 1\nnamespace = "{uuid.uuid4().hex[:10]}"\n')
    api.discover(root)
    api.plan(root)
    return root


@pytest.fixture
def page(project: Path) -> Iterator[Page]:
    """The project's review page (served as `crm2odoo review` serves it) open in Chromium."""
    with ReviewServer(project) as server:
        browser = Page(server.url)
        try:
            yield browser
        finally:
            browser.close()


def _row(key: str) -> str:
    return f'tr.line[data-key="{key}"]'


def test_review_change_ignore_value_map_then_approve(page: Page, project: Path) -> None:
    page.click('#objects button[data-object="contact"]')
    page.wait(lambda: "contact" in page.text("#object-title"), "the contact map")
    page.driver.execute_script("window.scrollTo(0, 0); document.querySelector('.side').scrollTo(0, 0);")
    page.screenshot("1-map-review")
    assert HOSTILE in page.text(f"{_row('company')} td.samples")  # shown as the text it is
    assert page.driver.execute_script("return document.querySelectorAll('#lines img').length") == 0
    assert page.driver.title != "pwned"

    # change a target through the searchable picker: the job title goes to the partner's notes instead
    before = page.hash()
    page.click(f'{_row("title")} button[data-act="target"]')
    page.type("tr.editor input[type=search]", "comment")
    page.wait(lambda: page.css('tr.editor li[data-field="comment"]'), "the field list filtered")
    page.screenshot("2-target-picker")
    page.click('tr.editor li[data-field="comment"]')
    page.saved(before)

    # ignore a line with the keyboard: select it, press i
    before = page.hash()
    page.click(f"{_row('website')} td.source")
    page.css("body").send_keys("i")  # type: ignore[attr-defined]
    page.saved(before)
    assert "ignored" in str(page.css(_row("website")).get_attribute("class"))  # type: ignore[attr-defined]

    # add a value-map entry: a priority the sample did not have
    before = page.hash()
    page.click(f'{_row("priority")} button[data-act="value_map"]')
    page.type('tr.editor input[aria-label="new source value"]', "Urgent")
    page.type('tr.editor input[aria-label="new Odoo value"]', "high", enter=True)
    page.saved(before)

    # the lines needing no attention, accepted at once
    before = page.hash()
    page.click("#accept-rest")
    page.wait(lambda: "accepted" in page.text("#toast"), "the quiet lines accepted")
    assert page.hash() != before

    page.type("#reviewer", REVIEWER)
    page.click("#approve")
    page.wait(lambda: "Approved by " + REVIEWER in page.text("#approval-state"), "the approval")
    page.screenshot("3-approved")

    spec = load_spec(Project(project).mapping_path)
    lines = {line.key(): line for line in spec.objects["contact"].fields}
    assert (lines["title"].target, lines["title"].status) == ("comment", "edited")
    assert lines["website"].ignore and lines["website"].status == "edited"
    assert lines["priority"].params["map"]["Urgent"] == "high"
    assert lines["email"].status == "confirmed" and lines["birthday"].status == "proposed"  # flagged: not bulk
    with sqlite3.connect(Project(project).ledger_path) as db:
        login, mapping_hash = db.execute("SELECT login, mapping_hash FROM approvals ORDER BY id DESC").fetchone()
    assert (login, mapping_hash) == (REVIEWER, spec.content_hash())
    assert api.status(project).approval == "approved"


def _done_counts(page: Page) -> dict[str, int]:
    cells = page.driver.execute_script(
        "return Array.from(document.querySelectorAll('#run-objects tr')).map(r => [r.dataset.object, "
        "Number(r.querySelector('[data-done]').dataset.done)]);")
    return {str(name): int(done) for name, done in cells}


def test_the_run_view_follows_a_migration_live(page: Page, project: Path) -> None:
    api.approve(project, confirm=lambda changes: True, login="ada")
    page.open(page.url.replace("/?", "/run?"))
    page.wait(lambda: "No run yet" in page.text("#run-title"), "an empty run view")

    outcome: dict[str, object] = {}
    migration = threading.Thread(target=lambda: outcome.update(info=api.migrate(project)), daemon=True)
    migration.start()
    page.wait(lambda: "running" in page.text("#run-title") and sum(_done_counts(page).values()) > 0,
              "the run started", timeout=120)
    first = sum(_done_counts(page).values())
    page.wait(lambda: sum(_done_counts(page).values()) > first, "progress moving", timeout=120)
    page.wait(lambda: page.driver.execute_script(
        "return Array.from(document.querySelectorAll('#run-objects tr.state-running [data-done]'))"
        ".some(c => Number(c.dataset.done) > 0);") or not migration.is_alive(), "an object part way through")
    page.screenshot("4-run-in-progress")
    migration.join(timeout=600)
    assert not migration.is_alive()
    page.wait(lambda: "done" in page.text("#run-title"), "the run done", timeout=30)
    counts = _done_counts(page)
    assert counts["contact"] == 240 and counts["company"] == 20, counts
    page.wait(lambda: page.css("#report-tabs button"), "the reports")
    page.click('#report-tabs button:nth-child(2)')
    page.screenshot("5-run-done-with-report")
    assert outcome["info"].state == "done"  # type: ignore[attr-defined]


def test_an_edit_made_elsewhere_wins_and_an_unrunnable_map_is_refused_by_line(page: Page, project: Path) -> None:
    mapping = Project(project).mapping_path
    page.click('#objects button[data-object="contact"]')
    # meanwhile someone edits mapping.yaml in an editor, and points a line at a field Odoo does not have
    spec = load_spec(mapping)
    next(line for line in spec.objects["contact"].fields if line.key() == "title").target = "no_such_field"
    save_spec(spec, mapping)
    edited = mapping.read_bytes()

    page.click(f'{_row("website")} button[data-act="ignore"]')
    page.wait(lambda: "changed outside this page" in page.text("#toast"), "the conflict explained")
    assert mapping.read_bytes() == edited  # the page's edit was refused, the file's kept
    page.wait(lambda: "no_such_field" in page.text(f'{_row("title")} td.target'), "the file's version shown")
    assert "contact" in page.text("#blocked")

    page.type("#reviewer", REVIEWER)
    page.click("#approve")
    page.wait(lambda: "no_such_field" in page.text("#problems"), "the refusal naming the line")
    page.screenshot("6-approval-refused")
    page.click("#problems a")
    page.wait(lambda: page.driver.execute_script("return state.selected") == "title", "the named line selected")
    assert api.status(project).approval == "unapproved"
