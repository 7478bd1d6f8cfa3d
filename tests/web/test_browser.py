"""The pages in a real browser: Debian's chromium, driven by chromedriver through Selenium,
against ``news-search serve`` on 127.0.0.1.

Without chromium these tests are skipped, unless NEWS_SEARCH_REQUIRE_BROWSER is set (CI sets it,
after installing chromium and chromium-driver), in which case they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest

from tests.web.conftest import PWNED, RUNNING, TEMPLATES, Server, start_server, stop_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
#: axe-core from npm (tests/web/axe/package.json; `make test` runs npm ci there).
AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"

if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
    if os.environ.get("NEWS_SEARCH_REQUIRE_BROWSER"):
        raise RuntimeError(f"browser tests need {CHROMIUM} and {CHROMEDRIVER}")
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1000",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    service = webdriver.ChromeService(executable_path=CHROMEDRIVER)
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def seeds_server(seeds_index: Path) -> Iterator[Server]:
    server = start_server(seeds_index)
    yield server
    stop_server(server)


def wait(browser: WebDriver, seconds: float = 30) -> WebDriverWait:
    return WebDriverWait(browser, seconds)


def search_from_the_box(browser: WebDriver, text: str) -> None:
    box = browser.find_element(By.ID, "q")
    box.clear()
    box.send_keys(text)
    box.send_keys(Keys.ENTER)
    wait(browser).until(ec.presence_of_element_located((By.ID, "results-heading")))


def test_typing_sayirun_finds_both_seed_articles_with_sairoon_marked(browser, seeds_server):
    browser.get(seeds_server.url + "/")
    label = browser.find_element(By.CSS_SELECTOR, "label[for=q]")
    assert label.is_displayed() and label.text == "Search the archive"
    search_from_the_box(browser, "Sayirun")
    assert browser.title == "2 results for Sayirun · News Search"
    assert browser.find_element(By.ID, "results-heading").text == "2 results for Sayirun"
    assert len(browser.find_elements(By.CSS_SELECTOR, "ol.hits > li")) == 2
    marks = {m.text for m in browser.find_elements(By.CSS_SELECTOR, "ol.hits mark")}
    assert {"Sairoon", "Sairun", "Sayirun"} <= marks
    also = browser.find_element(By.CSS_SELECTOR, ".also").text
    assert also.startswith("Also matched:") and "Sairoon" in also
    # Marks stand out by weight and underline, not colour alone.
    mark = browser.find_element(By.CSS_SELECTOR, "ol.hits mark")
    assert int(mark.value_of_css_property("font-weight")) >= 600
    assert "underline" in mark.value_of_css_property("text-decoration-line")
    ARTIFACTS.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / "results-sayirun.png"))


def test_following_a_result_opens_the_article_with_the_matches_marked(browser, seeds_server):
    browser.get(seeds_server.url + "/search?q=Sairoon")
    link = browser.find_element(By.CSS_SELECTOR, "ol.hits h2 a")
    title = link.text
    link.click()
    wait(browser).until(ec.url_contains("/articles/"))
    assert browser.find_element(By.TAG_NAME, "h1").text == title
    marks = [m.text for m in browser.find_elements(By.CSS_SELECTOR, ".article-body mark")]
    assert "Sairoon" in marks
    browser.find_element(By.LINK_TEXT, "← Results for Sairoon").click()
    wait(browser).until(ec.url_contains("/search?q=Sairoon"))


def test_exact_spelling_only_is_a_box_that_stays_ticked(browser, seeds_server):
    browser.get(seeds_server.url + "/")
    box = browser.find_element(By.ID, "exact")
    label = browser.find_element(By.CSS_SELECTOR, "label[for=exact]")
    assert label.is_displayed() and label.text == "Exact spelling only"
    assert not box.is_selected()
    label.click()  # the label ticks the box
    assert box.is_selected()
    search_from_the_box(browser, "Sayirun")
    assert "exact=1" in browser.current_url
    assert browser.find_element(By.ID, "results-heading").text == "1 result for Sayirun"
    assert {m.text for m in browser.find_elements(By.CSS_SELECTOR, "ol.hits mark")} == {"Sayirun"}
    assert browser.find_element(By.ID, "exact").is_selected()
    browser.find_element(By.CSS_SELECTOR, "ol.hits h2 a").click()
    wait(browser).until(ec.url_contains("/articles/"))
    assert browser.find_element(By.ID, "exact").is_selected()
    browser.find_element(By.LINK_TEXT, "← Results for Sayirun").click()
    wait(browser).until(ec.url_contains("/search?q=Sayirun&exact=1"))
    browser.find_element(By.ID, "exact").click()  # untick: the search runs again at once
    wait(browser).until(lambda b: "exact=1" not in b.current_url)
    assert browser.find_element(By.ID, "results-heading").text == "2 results for Sayirun"
    assert not browser.find_element(By.ID, "exact").is_selected()


def test_paging_through_results(browser, fakes_server):
    browser.get(fakes_server.url + "/")
    search_from_the_box(browser, "Syria")
    summary = browser.find_element(By.CSS_SELECTOR, ".summary").text
    assert "page 1 of" in summary
    first = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "ol.hits h2 a")]
    browser.find_element(By.CSS_SELECTOR, "a[rel=next]").click()
    wait(browser).until(ec.url_contains("page=2"))
    assert "Page 2 of" in browser.find_element(By.CSS_SELECTOR, ".pager").text
    second = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "ol.hits h2 a")]
    assert len(second) == 10 and not set(first) & set(second)
    assert browser.find_element(By.CSS_SELECTOR, "ol.hits").get_attribute("start") == "11"
    browser.find_element(By.CSS_SELECTOR, "a[rel=prev]").click()
    wait(browser).until(lambda b: "page=" not in b.current_url)
    ARTIFACTS.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / "results-syria.png"))


def test_the_results_page_exports_every_result(browser, fakes_server):
    browser.get(fakes_server.url + "/")
    search_from_the_box(browser, "Aleppo")
    # Each story once, as the results list them: "372 stories" of 377 results.
    stories = browser.find_element(By.CSS_SELECTOR, "p.stories").text
    total = int(stories.split()[0].replace(",", ""))
    link = browser.find_element(By.LINK_TEXT, "CSV")
    assert link.get_attribute("download") is not None
    # The browser fetches what the link points at, as a download would (same origin).
    text = browser.execute_async_script(
        "const done = arguments[1]; fetch(arguments[0]).then(r => r.text()).then(done);",
        link.get_attribute("href"),
    )
    lines = text.splitlines()
    assert lines[0].startswith("rank,id,title,source,date,url,score,matched,more_like_this,snippet")
    rows = browser.find_element(By.LINK_TEXT, "JSON Lines").get_attribute("href")
    assert rows.startswith(fakes_server.url + "/search.jsonl?q=Aleppo")
    jsonl = browser.execute_async_script(
        "const done = arguments[1]; fetch(arguments[0]).then(r => r.text()).then(done);", rows
    )
    assert len(jsonl.splitlines()) == total


def test_the_timeline_shows_coverage_and_a_period_narrows_the_search(browser, fakes_server):
    browser.get(fakes_server.url + "/")
    search_from_the_box(browser, "Aleppo")
    chart = browser.find_element(By.CSS_SELECTOR, "figure.timeline")
    assert chart.find_element(By.TAG_NAME, "svg").size["width"] > 300  # drawn across the page
    bars = chart.find_elements(By.CSS_SELECTOR, ":scope > svg rect")
    assert bars and all(bar.size["height"] >= 1 for bar in bars)
    ARTIFACTS.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / "results-aleppo-timeline.png"))
    chart.find_element(By.TAG_NAME, "summary").click()  # the table of the same counts
    row = chart.find_elements(By.CSS_SELECTOR, "tbody tr")[0]
    period, count = (cell.text for cell in row.find_elements(By.TAG_NAME, "td"))
    row.find_element(By.TAG_NAME, "a").click()
    wait(browser).until(ec.url_contains(f"from={period}"))
    summary = browser.find_element(By.CSS_SELECTOR, ".summary").text
    assert summary.startswith(f"{count} result")


def test_the_timeline_splits_by_source(browser, fakes_server):
    browser.get(fakes_server.url + "/search?q=Aleppo")
    split = browser.find_element(By.CSS_SELECTOR, "figure.timeline details.split")
    split.find_element(By.TAG_NAME, "summary").click()
    boxes = split.find_elements(By.CSS_SELECTOR, "svg rect")
    assert boxes and all(box.size["width"] >= 1 for box in boxes)
    colours = {box.value_of_css_property("fill") for box in boxes}
    assert len(colours) == 6  # five sources and the others, each its own colour
    legend = [li.text for li in split.find_elements(By.CSS_SELECTOR, "ul.legend li")]
    assert len(legend) == 6 and legend[-1] == "Other sources"
    browser.execute_script("arguments[0].scrollIntoView()", split)
    ARTIFACTS.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / "results-aleppo-split-by-source.png"))


def test_also_matched_leads_to_the_spellings_by_outlet(browser, fakes_server):
    browser.get(fakes_server.url + "/")
    search_from_the_box(browser, "Aleppo")
    browser.find_element(By.PARTIAL_LINK_TEXT, "which outlet writes which").click()
    wait(browser).until(ec.url_contains("/spellings?q=Aleppo"))
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert heading == "Spellings of Aleppo"
    rows = browser.find_elements(By.CSS_SELECTOR, "table[aria-labelledby=by-outlet] tbody tr")
    assert len(rows) >= 2  # Aleppo and another spelling of it
    # The wide table scrolls inside its box; the page itself does not scroll sideways.
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 1280
    ARTIFACTS.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / "spellings-aleppo.png"))
    rows[1].find_element(By.TAG_NAME, "a").click()  # a spelling: its exact-spelling search
    wait(browser).until(ec.url_contains("exact=1"))
    assert browser.find_element(By.CSS_SELECTOR, "input[name=exact]").is_selected()


def test_a_marked_name_leads_to_its_name_page(browser, fakes_server):
    browser.get(fakes_server.url + "/")
    search_from_the_box(browser, "Hizballah")
    first = browser.find_element(By.CSS_SELECTOR, "section.results .matched a")
    name = first.text
    first.click()
    wait(browser).until(ec.presence_of_element_located((By.ID, "name-heading")))
    assert browser.find_element(By.TAG_NAME, "h1").text == name
    spellings = browser.find_elements(By.CSS_SELECTOR, "table[aria-labelledby=by-outlet] tbody tr")
    assert len(spellings) >= 3  # Hezbollah, Hizballah, Hizbollah, ...
    company = browser.find_elements(By.CSS_SELECTOR, "ul.company a")
    assert len(company) >= 5
    assert len(browser.find_elements(By.CSS_SELECTOR, "ol.newest li")) == 10
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 1280
    ARTIFACTS.mkdir(exist_ok=True)
    size = browser.get_window_size()
    browser.set_window_size(1280, 1700)  # the whole page in the picture
    try:
        assert browser.save_screenshot(str(ARTIFACTS / "name-hezbollah.png"))
    finally:
        browser.set_window_size(size["width"], size["height"])
    other = company[0].text
    company[0].click()  # a name written with it: its own page
    wait(browser).until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), other))


def test_the_pager_jumps_to_a_page_and_changes_the_page_size(browser, fakes_server):
    browser.get(fakes_server.url + "/search?q=Syria&sort=newest")
    box = browser.find_element(By.CSS_SELECTOR, "form[aria-label='Go to a page'] input[name=page]")
    box.clear()
    box.send_keys("3", Keys.ENTER)
    wait(browser).until(ec.url_contains("page=3"))
    assert "sort=newest" in browser.current_url
    assert "Page 3 of" in browser.find_element(By.CSS_SELECTOR, ".pager").text
    form = browser.find_element(By.CSS_SELECTOR, "form[aria-label='Results per page']")
    form.find_element(By.CSS_SELECTOR, "option[value='25']").click()
    form.find_element(By.TAG_NAME, "button").click()
    wait(browser).until(ec.url_contains("size=25"))
    assert "page=" not in browser.current_url  # a new size starts at the first page
    assert len(browser.find_elements(By.CSS_SELECTOR, "ol.hits > li")) == 25


def test_a_source_facet_filters_and_unfilters(browser, fakes_server):
    browser.get(fakes_server.url + "/search?q=Aleppo")
    facet = browser.find_elements(By.CSS_SELECTOR, ".facets a")[1]
    name = facet.find_element(By.CSS_SELECTOR, ".facet-name").text
    count = int(facet.find_element(By.CSS_SELECTOR, ".count").text.replace(",", ""))
    facet.click()
    wait(browser).until(ec.url_contains("source="))
    heading = browser.find_element(By.ID, "results-heading").text
    assert heading == f"{count:,} result{'s' if count != 1 else ''} for Aleppo"
    sources = {s.text for s in browser.find_elements(By.CSS_SELECTOR, "ol.hits .source")}
    assert sources == {name}
    chosen = browser.find_element(By.CSS_SELECTOR, ".facets a[aria-current=true]")
    chosen.click()
    wait(browser).until(lambda b: "source=" not in b.current_url)


def test_the_date_and_sort_controls_submit_with_the_query(browser, fakes_server):
    browser.get(fakes_server.url + "/search?q=Aleppo")
    browser.find_element(By.ID, "from").send_keys("2016")
    browser.find_element(By.ID, "to").send_keys("2016-06")
    # A new sort applies at once (keys.js), and takes the dates typed with it.
    browser.find_element(By.CSS_SELECTOR, "#sort option[value=oldest]").click()
    wait(browser).until(ec.url_contains("sort=oldest"))
    assert "from=2016" in browser.current_url and "to=2016-06" in browser.current_url
    dates = [
        t.get_attribute("datetime") for t in browser.find_elements(By.CSS_SELECTOR, "ol.hits time")
    ]
    assert dates and dates == sorted(dates) and "2016-01-01" <= dates[0] <= "2016-06-30"


def test_a_new_sort_applies_at_once_and_empty_dates_stay_out_of_the_address(browser, fakes_server):
    browser.get(fakes_server.url + "/search?q=Aleppo")
    browser.find_element(By.CSS_SELECTOR, "#sort option[value=newest]").click()
    wait(browser).until(ec.url_contains("sort=newest"))
    assert "from=" not in browser.current_url and "to=" not in browser.current_url
    dates = [
        t.get_attribute("datetime") for t in browser.find_elements(By.CSS_SELECTOR, "ol.hits time")
    ]
    assert dates and dates == sorted(dates, reverse=True)


def test_keyboard_slash_focuses_the_box_and_arrows_move_through_results(browser, fakes_server):
    browser.get(fakes_server.url + "/search?q=Aleppo")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys("/")
    assert browser.switch_to.active_element.get_attribute("id") == "q"
    browser.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    links = browser.find_elements(By.CSS_SELECTOR, "ol.hits h2 a")
    assert browser.switch_to.active_element == links[0]
    browser.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    assert browser.switch_to.active_element == links[1]
    browser.switch_to.active_element.send_keys(Keys.ARROW_UP)
    assert browser.switch_to.active_element == links[0]
    outline = links[0].value_of_css_property("outline-style")
    assert outline != "none"  # focus is visible


def test_works_without_javascript(tmp_path_factory, seeds_server):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-nojs')}")
    options.add_experimental_option(
        "prefs", {"profile.managed_default_content_settings.javascript": 2}
    )
    driver = webdriver.Chrome(
        options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER)
    )
    try:
        driver.get(seeds_server.url + "/")
        search_from_the_box(driver, "Sayirun")
        assert driver.find_element(By.ID, "results-heading").text == "2 results for Sayirun"
        # The count is plain text; the status region, filled by script, stays empty.
        assert driver.find_element(By.CSS_SELECTOR, ".summary").text.startswith("2 results (")
        assert driver.find_element(By.ID, "status").get_attribute("textContent") == ""
        # The filters stay open at every width, and the skip link still leads to the results.
        driver.set_window_size(320, 1000)
        assert driver.find_element(By.ID, "filters").get_attribute("open") is not None
        assert driver.find_element(By.ID, "sort").is_displayed()
        driver.find_element(By.CSS_SELECTOR, "a.skip-link").send_keys(Keys.ENTER)
        assert driver.switch_to.active_element.get_attribute("id") == "results"
        scroll, client = driver.execute_script(
            "const e = document.documentElement; return [e.scrollWidth, e.clientWidth];"
        )
        assert scroll <= client
    finally:
        driver.quit()


# Reflow, reading order and axe-core (issue 16) -----------------------------------------------

WIDTHS = (1280, 320)


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        reason = (
            f"axe-core is not installed ({AXE}): run make test, or npm ci --prefix tests/web/axe"
        )
        if os.environ.get("NEWS_SEARCH_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def sized(browser: WebDriver, request: pytest.FixtureRequest) -> Iterator[WebDriver]:
    """The browser at the width the test is parametrized with (1280 by 1000 again after it)."""
    browser.set_window_size(request.param, 1000)
    # With --headless=new the window has no frame: the viewport is the window's width.
    assert browser.execute_script("return window.innerWidth") == request.param
    try:
        yield browser
    finally:
        browser.set_window_size(1280, 1000)


def axe_violations(browser: WebDriver, axe: str) -> str:
    """Every violation axe-core finds on the page, one a line ("" when none): rule, impact and
    the elements."""
    if browser.execute_script("return typeof window.axe") == "undefined":
        browser.execute_script(axe)
    found = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document).then(r => done(r.violations.map(v => ({"
        "  id: v.id, impact: v.impact, help: v.help,"
        "  nodes: v.nodes.map(n => n.target.join(' '))}))), e => done(String(e)));"
    )
    assert isinstance(found, list), found
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}: "
        + ", ".join(v["nodes"][:8])
        + (f" and {len(v['nodes']) - 8} more" if len(v["nodes"]) > 8 else "")
        for v in found
    )


def headings(browser: WebDriver) -> list[tuple[int, str]]:
    return [
        (int(h.tag_name[1]), h.text)
        for h in browser.find_elements(By.CSS_SELECTOR, "h1, h2, h3, h4, h5, h6")
    ]


def the_pages(base: str, browser: WebDriver) -> dict[str, str]:
    """One page of each kind: home, results with the chart and Also matched, the empty query,
    spellings, an article, no results, an error."""
    browser.get(base + "/search?q=Aleppo")
    article = browser.find_element(By.CSS_SELECTOR, "ol.hits h2 a").get_attribute("href")
    browser.get(base + "/search?q=bomber")
    copies = browser.find_element(By.CSS_SELECTOR, "p.more-like-this a").get_attribute("href")
    return {
        "home": base + "/",
        "results": base + "/search?q=Aleppo",
        "empty query": base + "/search",
        "spellings": base + "/spellings?q=Aleppo",
        "article": article,
        "article with copies": copies,
        "name page": base + "/names/Hezbollah",
        "no results": base + "/search?q=Xylophonequuxzz",
        "error": base + "/search?q=Aleppo&page=abc",
    }


@pytest.mark.parametrize("sized", WIDTHS, indirect=True)
def test_every_page_reflows_reads_in_order_and_passes_axe(sized, fakes_server, axe_source):
    browser = sized
    width = browser.execute_script("return window.innerWidth")
    problems = []
    for name, url in the_pages(fakes_server.url, browser).items():
        browser.get(url)
        wait(browser).until(lambda b: b.execute_script("return document.readyState") == "complete")
        if name == "results":
            assert browser.find_elements(By.CSS_SELECTOR, "figure.timeline svg rect")
            assert browser.find_element(By.CSS_SELECTOR, ".also").text.startswith("Also matched")
        if name == "no results":
            assert browser.find_elements(By.CSS_SELECTOR, ".nothing")
        if name == "error":
            assert browser.find_element(By.TAG_NAME, "h1").text == "That search cannot be run"
        # WCAG 1.4.10: no sideways scrolling, and the search button's label whole.
        scroll, client = browser.execute_script(
            "const e = document.documentElement; return [e.scrollWidth, e.clientWidth];"
        )
        if scroll > client:
            problems.append(f"{name}: the page scrolls sideways ({scroll} > {client} px)")
        for button in browser.find_elements(By.CSS_SELECTOR, "button"):
            if button.is_displayed() and browser.execute_script(
                "const b = arguments[0]; return b.scrollWidth > b.clientWidth"
                " || b.getBoundingClientRect().right > document.documentElement.clientWidth;",
                button,
            ):
                problems.append(f"{name}: the button {button.text!r} is cut off")
        # The h1 is the first heading, and no level is skipped.
        levels = [level for level, _ in headings(browser)]
        if not levels or levels[0] != 1 or levels.count(1) != 1:
            problems.append(f"{name}: the headings do not start with one h1: {headings(browser)}")
        if any(b > a + 1 for a, b in pairwise(levels)):
            problems.append(f"{name}: a heading level is skipped: {headings(browser)}")
        violations = axe_violations(browser, axe_source)
        if violations:
            problems.append(f"{name} ({url}), axe-core:\n{violations}")
        if name == "results":
            # The chart's table and its split by source, opened: axe skips what is hidden.
            for chart in browser.find_elements(By.CSS_SELECTOR, "figure.timeline summary"):
                chart.click()
            violations = axe_violations(browser, axe_source)
            if violations:
                problems.append(f"{name}, the chart's tables open, axe-core:\n{violations}")
            browser.get(url)
            ARTIFACTS.mkdir(exist_ok=True)
            assert browser.save_screenshot(str(ARTIFACTS / f"results-aleppo-{width}.png"))
            details = browser.find_element(By.ID, "filters")
            if details.get_attribute("open") is None:  # closed on a narrow screen: axe skips
                details.find_element(By.TAG_NAME, "summary").click()  # what is hidden
                violations = axe_violations(browser, axe_source)
                if violations:
                    problems.append(f"{name}, the filters open, axe-core:\n{violations}")
                scroll, client = browser.execute_script(
                    "const e = document.documentElement; return [e.scrollWidth, e.clientWidth];"
                )
                if scroll > client:
                    problems.append(f"{name}, the filters open: the page scrolls sideways")
    assert not problems, f"at {width} px:\n" + "\n".join(problems)


def tab_until(browser: WebDriver, css: str, limit: int = 150) -> int:
    """Press Tab until the focused element matches css: how many presses it took."""
    for presses in range(1, limit + 1):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        if browser.execute_script("return document.activeElement.matches(arguments[0])", css):
            return presses
    raise AssertionError(f"{css} not reached in {limit} Tab presses")


@pytest.mark.parametrize("sized", WIDTHS, indirect=True)
def test_the_skip_link_lands_on_the_results_a_few_tabs_before_the_first(sized, fakes_server):
    browser = sized
    for query, stops in (("?q=Aleppo", 6), ("", 3)):
        browser.get(fakes_server.url + "/search" + query)
        ActionChains(browser).send_keys(Keys.TAB).perform()
        skip = browser.switch_to.active_element
        assert skip.text == "Skip to results" and skip.get_attribute("class") == "skip-link"
        skip.send_keys(Keys.ENTER)
        assert browser.switch_to.active_element.get_attribute("id") == "results"
        # Past the filters: for Aleppo the chart's table and its split by source, the two
        # spellings' switches and the spellings page come first, then the first result (it
        # was the 26th stop before, behind every filter; the 23rd on the empty query).
        assert tab_until(browser, "ol.hits h2 a") == stops, query
    # Without the skip link the filters come before the results, after the skip link, the
    # brand, the box, its button, the exact box and "list every article" (Aleppo's results
    # list some stories once for several copies); on a narrow screen they are closed (one
    # stop, then the results' six) and open at a press, a sidebar open beside them when wide.
    browser.get(fakes_server.url + "/search?q=Aleppo")
    filters = browser.find_element(By.CSS_SELECTOR, "#filters > summary")
    assert tab_until(browser, "#filters > summary") == 7
    first = browser.find_element(By.CSS_SELECTOR, "ol.hits h2 a")
    details = browser.find_element(By.ID, "filters")
    if browser.execute_script("return window.innerWidth") <= 760:
        assert details.get_attribute("open") is None
        assert tab_until(browser, "ol.hits h2 a") == 6
        assert filters.location["y"] < first.location["y"]
        filters.click()
    else:
        assert filters.location["x"] < first.location["x"]
    assert details.get_attribute("open") is not None
    sort = browser.find_element(By.ID, "sort")
    assert sort.is_displayed() and sort.location["y"] < first.location["y"]


def test_the_count_is_announced_and_a_change_too(browser, fakes_server):
    browser.get(fakes_server.url + "/search?q=Aleppo")
    status = browser.find_element(By.ID, "status")
    assert status.get_attribute("role") == "status"
    assert status.get_attribute("aria-live") == "polite"
    wait(browser).until(lambda b: b.execute_script("return arguments[0].textContent", status))
    assert status.get_attribute("textContent") == "377 results, page 1 of 38"
    assert browser.find_element(By.CSS_SELECTOR, ".summary").text.startswith(
        "377 results, page 1 of 38 ("
    )
    browser.find_element(By.ID, "from").send_keys("2016")
    browser.find_element(By.ID, "to").click()  # the date field's change event
    assert status.get_attribute("textContent") == "Dates changed: Apply searches with them."
    browser.find_element(By.CSS_SELECTOR, ".dates button").click()
    wait(browser).until(ec.url_contains("from=2016"))
    status = browser.find_element(By.ID, "status")
    wait(browser).until(lambda b: b.execute_script("return arguments[0].textContent", status))
    summary = browser.find_element(By.CSS_SELECTOR, ".summary").text
    assert summary.startswith(status.get_attribute("textContent") + " (")
    assert not summary.startswith("377 ")


# Hostile text in the browser ------------------------------------------------------------------

#: Elements none of our pages has: one on a page was injected.
#: Elements no page of ours holds (but the one chart of a results page, an SVG of our own).
INJECTED = (
    "img, svg:not(figure.timeline > svg, figure.timeline > details.split > svg), iframe, style, "
    "base, meta[http-equiv], object, embed, "
    "math, textarea"
)
_HANDLERS = """
return Array.from(document.querySelectorAll('*')).flatMap(el =>
    Array.from(el.attributes)
        .filter(a => a.name.startsWith('on')
            || (/^(href|src|action|formaction|srcdoc)$/.test(a.name)
                && /^\\s*(javascript|data):/i.test(a.value)))
        .map(a => el.tagName + ' ' + a.name + '=' + a.value));
"""


@pytest.fixture(scope="module")
def payload_server(payload_index: Path) -> Iterator[Server]:
    server = start_server(payload_index)
    yield server
    stop_server(server)


def assert_nothing_ran(browser: WebDriver) -> None:
    """No alert is open, no payload set its window property, no element or handler was
    injected, and the only script is ours."""
    try:  # first: any other command would dismiss an open alert
        text = browser.switch_to.alert.text
    except NoAlertPresentException:
        pass
    else:
        browser.switch_to.alert.dismiss()
        raise AssertionError(f"an alert opened on {browser.current_url}: {text!r}")
    WebDriverWait(browser, 10).until(
        lambda b: b.execute_script("return document.readyState") == "complete"
    )
    assert browser.execute_script(f"return window.{PWNED}") is None, browser.current_url
    assert browser.find_elements(By.CSS_SELECTOR, INJECTED) == [], browser.current_url
    assert len(browser.find_elements(By.CSS_SELECTOR, "figure.timeline")) <= 1
    scripts = [s.get_attribute("src") for s in browser.find_elements(By.TAG_NAME, "script")]
    assert [urlsplit(s).path for s in scripts] == ["/static/keys.js"], browser.current_url
    assert browser.execute_script(_HANDLERS) == [], browser.current_url


def visit(browser: WebDriver, url: str) -> str:
    """Load a page, check that nothing ran, and give its text (without the time taken, which
    may well be 49 ms)."""
    browser.get(url)
    assert_nothing_ran(browser)
    return browser.execute_script(
        "const page = document.body.cloneNode(true);"
        "page.querySelectorAll('.took').forEach(e => e.remove());"
        "return page.textContent;"
    )


def test_payloads_in_articles_and_queries_never_run_in_the_browser(browser, payload_server):
    base = payload_server.url
    # The results page: every payload article is a hit.
    text = visit(browser, base + "/search?q=Sairoon")
    heading = browser.find_element(By.ID, "results-heading").text
    assert heading == "3 results for Sairoon"
    assert TEMPLATES[0] in text and "49" not in text
    links = [
        a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "ol.hits h2 a")
    ]
    assert len(links) == 3
    # Each article page, reached from its result with the query marked.
    titles = []
    for link in links:
        text = visit(browser, link)
        titles.append(browser.find_element(By.TAG_NAME, "h1").text)
        assert "49" not in text
        assert browser.find_elements(By.CSS_SELECTOR, ".article-body mark")
        original = browser.find_elements(By.LINK_TEXT, "Original article")
        assert all(a.get_attribute("href").startswith("https://") for a in original)
    assert TEMPLATES[0] in titles  # the article titled {{7*7}} shows it literally
    assert any(RUNNING[5] in t and TEMPLATES[1] in t for t in titles)
    text = visit(browser, base + "/articles/" + quote(TEMPLATES[0], safe=""))
    assert browser.find_element(By.TAG_NAME, "h1").text == TEMPLATES[0]
    assert TEMPLATES[2] in text and "{% raw %}" not in text
    # The zero-results page, with the query's payload echoed in the heading and the box.
    for q in (f'Sairoon "{RUNNING[0]}"', f"Sairoon -x {RUNNING[3]}", f'"{TEMPLATES[1]}"'):
        text = visit(browser, base + "/search?" + urlencode({"q": q}))
        assert browser.find_element(By.ID, "q").get_attribute("value") == q
        assert "49" not in text
    visit(browser, base + "/search?" + urlencode({"q": "Sairoon", "from": "2001", "to": "2002"}))
    assert "remove the filters" in browser.find_element(By.CSS_SELECTOR, ".nothing").text
    # Error pages echo a query they refuse.
    for q in (RUNNING[1], TEMPLATES[0], RUNNING[9], f"title:{RUNNING[2]}"):
        text = visit(browser, base + "/search?" + urlencode({"q": q}))
        assert browser.find_element(By.TAG_NAME, "h1").text == "That search cannot be run"
        assert browser.find_element(By.ID, "q").get_attribute("value") == q
        assert "49" not in text
    # An article page with a hostile query, and a missing article with a hostile id.
    visit(browser, base + "/articles/p1?" + urlencode({"q": f"Sairoon {RUNNING[6]}"}))
    ARTIFACTS.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / "payloads-article.png"))
    visit(browser, base + "/articles/" + quote(RUNNING[0], safe=""))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Not found"


def test_the_payload_check_sees_a_script_that_runs(browser, payload_server):
    browser.get(payload_server.url + "/")
    browser.execute_script(
        "document.body.insertAdjacentHTML('beforeend', arguments[0])", RUNNING[1]
    )
    WebDriverWait(browser, 10).until(ec.alert_is_present())
    with pytest.raises(AssertionError, match="an alert opened"):
        assert_nothing_ran(browser)
    assert browser.execute_script(f"return window.{PWNED}") == 2
