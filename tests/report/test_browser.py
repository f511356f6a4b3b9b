"""The report in a real headless Chromium, network blocked: it loads with no failed request
and no console error, every figure (maps included) renders with data, the bottom line is on
top, and no caption names a country the case does not."""

import json
from pathlib import Path

import pytest

from enclave.report.maps import BASEMAP
from enclave.scenario import load

from .conftest import DARAA

COUNTRIES = sorted(
    {f["properties"]["name"] for f in json.loads(BASEMAP.read_text())["features"]} - {"coastline"}
)


def _open(browser, report: Path) -> tuple:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    failed, errors, outside = [], [], []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def gate(route):  # block everything that is not the file itself or inline data
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", gate)
    page.goto(report.resolve().as_uri(), wait_until="load")
    return page, failed, errors, outside


def _check(browser, out: Path, case) -> dict:
    page, failed, errors, outside = _open(browser, out / "report.html")
    try:
        facts = page.evaluate(
            """() => {
              const imgs = [...document.images];
              return {
                n: imgs.length,
                bad: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.alt),
                maps: [...document.querySelectorAll('figure.map img')].map(i => i.naturalWidth),
                politics: [...document.querySelectorAll('#politics-models img')]
                         .map(i => i.naturalWidth),
                first_h2: document.querySelector('h2').id,
                cards: [...document.querySelectorAll('#bottom-line ~ .bottom .card')]
                         .map(c => c.innerText),
                captions: [...document.querySelectorAll('figcaption, h2, h3, .card, th')]
                         .map(e => e.innerText).join('\\n'),
                text: document.body.innerText,
              };
            }"""
        )
    finally:
        page.close()
    assert failed == [] and outside == [], (failed, outside)
    assert errors == []
    assert facts["n"] >= 4 * len(case.scenarios) and facts["bad"] == []
    assert len(facts["maps"]) == 2 * len(case.scenarios) and min(facts["maps"]) > 300
    assert facts["first_h2"] == "bottom-line"
    assert len(facts["cards"]) >= len(case.scenarios)
    for card in facts["cards"][: len(case.scenarios)]:
        assert "Flee:" in card and "Peak shelter gap" in card and "Where to" in card
    own = {case.home_country, *(case.country_of(p) for p in case.places)}
    named = [c for c in COUNTRIES if c not in own and c in facts["captions"]]
    assert named == [], f"captions name countries the case does not: {named}"
    return facts


def test_daraa_report_in_chromium(browser, daraa_run):
    out, _ = daraa_run
    facts = _check(browser, out, load(DARAA))
    assert "the border with Jordan is closed" in facts["text"].replace("The border", "the border")


def test_idlib_report_in_chromium(browser, idlib_small_run):
    out, _ = idlib_small_run
    facts = _check(browser, out, load(None))
    assert "Turkey" in facts["text"]
    assert "All scenarios, weighted by their political odds" in facts["text"]
    # the politics section: trajectory and distribution figures render with data
    assert len(facts["politics"]) == 2 and min(facts["politics"]) > 300
    assert "Pivotal actor" in facts["text"] and "KTAB SMP" in facts["text"]


@pytest.mark.parametrize(
    "word", ["Idlib", "Turkey", "Turkish", "M4", "M5", "Atmeh", "Sochi", "Aleppo"]
)
def test_daraa_words_in_visible_text(browser, daraa_run, word):
    """Visible text of the Daraa report (captions, tables, alt texts) avoids Idlib's words."""
    out, _ = daraa_run
    page, *_ = _open(browser, out / "report.html")
    try:
        text = page.evaluate(
            "() => document.body.innerText + [...document.images].map(i => i.alt).join(' ')"
        )
    finally:
        page.close()
    assert word.lower() not in text.lower()
