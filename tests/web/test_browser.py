"""The dashboard in headless Chromium (Debian's, at /usr/bin/chromium; never downloaded by a
test tool) after a seed replay: the events page, E1 with its four articles in three languages
and the sources' conflicting figures, and a new event arriving without a reload."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from storage.db import make_engine, session_scope
from storage.models import Event
from summitwatch.replay import ReplayOptions, replay
from summitwatch.settings import Settings
from tests.conftest import ROOT, free_port
from tests.web.conftest import serve
from web.app import create_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
ARTIFACTS = ROOT / "artifacts"


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    """A seed replay on SQLite and the dashboard serving it."""
    database_url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'summitwatch.db'}"
    replay(ReplayOptions(port=free_port()), settings=Settings(database_url=database_url))
    app = create_app(Settings(database_url=database_url))
    app.state.live_poll_s = 0.3  # the timeline asks often, so a new event shows at once
    with serve(app) as url:
        yield url, database_url


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, dashboard):
    """A tab that may only talk to the dashboard: any other request fails the test."""
    url, _ = dashboard
    origin = urlsplit(url).netloc
    context = browser.new_context(viewport={"width": 1280, "height": 1200}, locale="en-GB")
    elsewhere: list[str] = []

    def only_local(route):
        if urlsplit(route.request.url).netloc == origin:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    tab = context.new_page()
    yield tab
    context.close()
    assert not elsewhere, f"the dashboard reached outside: {elsewhere}"


def test_e1_shows_four_articles_in_three_languages_and_the_conflict(page, dashboard):
    from playwright.sync_api import expect

    url, _ = dashboard
    page.goto(f"{url}/")
    events = page.locator("ol#events li.event")
    expect(events).to_have_count(2)
    state_visit = events.filter(has=page.locator(".badge.type", has_text="State visit"))
    expect(state_visit).to_have_count(1)
    expect(state_visit.locator(".badge.conflict")).to_be_visible()

    state_visit.locator("a.title").click()
    page.wait_for_url("**/events/*")
    expect(page.locator("h1")).to_contain_text("Supreme Interstate Council")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Tashkent, Uzbekistan")
    expect(facts).to_contain_text("Kassym-Jomart Tokayev")
    expect(facts).to_contain_text("Shavkat Mirziyoyev")

    coverage = page.locator("#coverage .coverage-item")
    expect(coverage).to_have_count(4)
    languages = coverage.evaluate_all("items => items.map(item => item.lang)")
    assert sorted(languages) == ["kk", "ru", "ru", "uz-Cyrl"]
    expect(page.locator("#coverage .language-group")).to_have_count(3)

    conflict = page.locator("section.conflicts")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Sources disagree")
    expect(conflict).to_contain_text("$1.3 bn")
    expect(conflict).to_contain_text("$1.2 bn")
    expect(page.locator("#figures li.claim.conflict").first).to_be_visible()

    ARTIFACTS.mkdir(exist_ok=True)
    # The top of the page: the record, the conflict and the coverage by language.
    page.screenshot(path=str(ARTIFACTS / "dashboard-e1.png"))


def test_the_filter_form(page, dashboard):
    from playwright.sync_api import expect

    url, _ = dashboard
    page.goto(f"{url}/")
    page.select_option('select[name="type"]', "summit")
    page.click('form.filters button[type="submit"]')
    page.wait_for_url("**/?*type=summit*")
    events = page.locator("ol#events li.event")
    expect(events).to_have_count(1)
    expect(events.first).to_contain_text("Consultative Meeting")

    page.select_option('select[name="type"]', "")
    page.fill('input[name="q"]', "Ташкент")  # Cyrillic words find the Latin record
    page.click('form.filters button[type="submit"]')
    page.wait_for_url("**/?*q=*")
    expect(events).to_have_count(1)
    expect(events.first).to_contain_text("Tashkent")


def test_a_new_event_appears_without_a_reload(page, dashboard):
    from playwright.sync_api import expect

    url, database_url = dashboard
    page.goto(f"{url}/")
    expect(page.locator("ol#events li.event")).to_have_count(2)
    page.evaluate("window.sameDocument = true")

    engine = make_engine(database_url)
    with session_scope(engine) as session:
        event = Event(type="summit", format="ca-consultative-meeting", ordinal=7, city="tashkent", country="UZ",
                      date_start=date(2026, 3, 20), date_end=date(2026, 3, 20), status="announced",
                      participants=["uz-mirziyoyev"], last_seen_at=datetime.now(timezone.utc))
        session.add(event)
        session.flush()
        new_id = event.id
    try:
        arrived = page.locator(f'li.event[data-event-id="{new_id}"]')
        expect(arrived).to_be_visible()
        expect(arrived).to_contain_text("7th Consultative Meeting")
        expect(page.locator("ol#events li.event").first).to_have_attribute("data-event-id", str(new_id))
        expect(page.locator("#event-total")).to_have_text("3")
        assert page.evaluate("window.sameDocument") is True
    finally:
        with session_scope(engine) as session:
            session.delete(session.get(Event, new_id))
        engine.dispose()
