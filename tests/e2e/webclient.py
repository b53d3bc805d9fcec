"""Odoo's own web client in headless Chromium, as the person judging a migration sees it: a team's pipeline, a
record's form with its stage bar and ribbon, a chatter. Used only against a real Odoo (the sandbox has no web
client); every page it reads is also saved as a screenshot, kept as a test artifact."""

from __future__ import annotations

import json
import shutil
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: the action a sales team's Pipeline button opens (17, 18, 19), evaluated with the team as active_id
TEAM_PIPELINE_ACTION = "crm.crm_case_form_view_salesteams_opportunity"


def browser_missing() -> str | None:
    """Why a web-client test cannot run here, or None."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install selenium)"
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        return "chromium and chromedriver are not on PATH (Debian: apt install chromium chromium-driver)"
    return None


def start_chromium(window_size: str) -> Any:
    """Debian's headless Chromium through its chromedriver, in English, ``window_size`` as 'width,height'."""
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", f"--window-size={window_size}", "--lang=en-US"):
        options.add_argument(arg)
    options.binary_location = shutil.which("chromium") or "chromium"
    service = webdriver.ChromeService(executable_path=shutil.which("chromedriver"))
    return webdriver.Chrome(options=options, service=service)


class WebClient:
    """One logged-in browser session. Waits for what a person waits for: the view rendered, the chatter loaded."""

    def __init__(self, url: str, database: str, login: str, password: str, artifacts: Path) -> None:
        self.url, self.artifacts = url.rstrip("/"), artifacts
        artifacts.mkdir(parents=True, exist_ok=True)
        self.driver = start_chromium("1700,1100")
        self.driver.get(f"{self.url}/web/login")
        self.driver.add_cookie({"name": "session_id", "value": self._session(database, login, password), "path": "/"})

    def _session(self, database: str, login: str, password: str) -> str:
        body = json.dumps({"jsonrpc": "2.0", "method": "call",
                           "params": {"db": database, "login": login, "password": password}}).encode()
        request = urllib.request.Request(f"{self.url}/web/session/authenticate", data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.loads(response.read())
            if answer.get("error") or not answer.get("result"):
                raise RuntimeError(f"the web client refused the login: {answer.get('error', {}).get('message')}")
            cookies = response.headers.get_all("Set-Cookie") or []
        return next(c.split("=", 1)[1].split(";")[0] for c in cookies if c.startswith("session_id="))

    def close(self) -> None:
        self.driver.quit()

    # -- waiting -----------------------------------------------------------------------------------------------
    def _wait(self, ready: Callable[[], bool], what: str, timeout: float = 45.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if ready():
                    time.sleep(0.8)  # let the last rendering settle before reading or photographing
                    return
            except Exception:  # noqa: BLE001 - the page is still changing under us; look again
                pass
            time.sleep(0.3)
        self.screenshot(f"timeout-{what}")
        raise AssertionError(f"the web client did not show {what} within {timeout:.0f} s")

    def _texts(self, css: str) -> list[str]:
        from selenium.webdriver.common.by import By

        return [e.text.strip() for e in self.driver.find_elements(By.CSS_SELECTOR, css) if e.text.strip()]

    def _count(self, css: str) -> int:
        from selenium.webdriver.common.by import By

        return len(self.driver.find_elements(By.CSS_SELECTOR, css))

    # -- pages -------------------------------------------------------------------------------------------------
    def open_record(self, model: str, record_id: int) -> None:
        self.driver.get(f"{self.url}/web#id={record_id}&model={model}&view_type=form")
        self._wait(lambda: self._count(".o_form_view .o_form_sheet, .o_form_view .o_form_nosheet") > 0,
                   f"the form of {model} {record_id}")

    def open_pipeline(self, team_id: int) -> None:
        """The team's pipeline as the Pipeline button of its card on the Sales Teams dashboard opens it
        (crm.team.action_primary_channel_button): its opportunities grouped by stage, its stages as columns. (The
        CRM menu's Pipeline of 19 also shows the stages of every team the user belongs to.)"""
        self.driver.get(f"{self.url}/web")
        self._wait(lambda: bool(self.driver.execute_script("return !!(window.odoo && odoo.__WOWL_DEBUG__);")),
                   "the web client")
        self.driver.execute_script(
            "odoo.__WOWL_DEBUG__.root.env.services.action.doAction(arguments[0], {additionalContext: "
            "{active_id: arguments[1], active_ids: [arguments[1]], active_model: 'crm.team'}, "
            "clearBreadcrumbs: true});", TEAM_PIPELINE_ACTION, team_id)
        self._wait(lambda: self._count(".o_kanban_view .o_kanban_group") > 0, f"the pipeline of team {team_id}")
        # the menu's "My Pipeline" filter hides the salespeople's deals: a reviewer removes it
        removed = self.driver.execute_script(
            "const facets = Array.from(document.querySelectorAll('.o_searchview_facet'))"
            ".filter(f => /my pipeline/i.test(f.textContent));"
            "facets.forEach(f => { const x = f.querySelector('.o_facet_remove'); if (x) x.click(); });"
            "return facets.length;")
        if removed:
            self._wait(lambda: not self._count(".o_view_sample_data") and not any(
                "my pipeline" in t.lower() for t in self._texts(".o_searchview_facet")), "the pipeline unfiltered")

    # -- reading -----------------------------------------------------------------------------------------------
    def pipeline_columns(self) -> list[str]:
        """The stage columns left to right (a folded column shows its title too)."""
        from selenium.webdriver.common.by import By

        titles = []
        for group in self.driver.find_elements(By.CSS_SELECTOR, ".o_kanban_view .o_kanban_group"):
            found = group.find_elements(By.CSS_SELECTOR, ".o_column_title")
            text = (found[0].get_attribute("textContent") or "").strip() if found else ""
            titles.append(" ".join(text.split()))
        return titles

    def stage_bar(self) -> list[str]:
        """The stages the form's status bar offers, in its order, those it tucks behind '...' included (the web
        client renders every stage as a radio button and hides the ones that do not fit)."""
        names = self.driver.execute_script(
            "const bar = document.querySelector('.o_statusbar_status');"
            "if (!bar) return [];"
            "const names = Array.from(bar.querySelectorAll('[role=radio][data-value]'))"
            ".map(b => (b.querySelector('span') || b).textContent.trim());"
            # 17/18 lay the buttons out right to left (row-reverse): the page reads them reversed
            "return getComputedStyle(bar).flexDirection === 'row-reverse' ? names.reverse() : names;")
        return [" ".join(str(n).split()) for n in names]

    def ribbon(self) -> str:
        found = self._texts(".ribbon span, .o_widget_web_ribbon span")
        return found[0] if found else ""

    def chatter(self, expected_at_least: int = 1) -> list[dict[str, Any]]:
        """The chatter's messages top to bottom: body text and the date Odoo shows (title of the date link)."""
        from selenium.webdriver.common.by import By

        self._wait(lambda: self._count(".o-mail-Message") >= expected_at_least, "the chatter's messages")
        out = []
        for message in self.driver.find_elements(By.CSS_SELECTOR, ".o-mail-Message"):
            dates = message.find_elements(By.CSS_SELECTOR, ".o-mail-Message-date")
            title = (dates[0].get_attribute("title") or dates[0].text) if dates else ""
            body = message.find_elements(By.CSS_SELECTOR, ".o-mail-Message-body, .o-mail-Message-content")
            out.append({"body": " ".join((body[0].text if body else message.text).split()), "date": title})
        return out

    def title(self) -> str:
        found = self._texts(".o_breadcrumb .active, .o_last_breadcrumb_item, .o_breadcrumb span")
        return found[-1] if found else ""

    def screenshot(self, name: str) -> Path:
        path = self.artifacts / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path
