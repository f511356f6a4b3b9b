"""The politics section of the Idlib report (issue 12 parts 4-5) and the case's own words."""

import re

from enclave.politics import MODEL_LABELS, compare_models


def _section(html: str) -> str:
    m = re.search(r"<section id='politics-models'.*?</section>", html, re.S)
    assert m, "no politics section"
    return m.group(0)


def test_politics_section_shows_models_ensemble_and_why(idlib_small_run):
    out, _ = idlib_small_run
    html = (out / "report.html").read_text("utf-8")
    sec = _section(html)
    # the dated question
    assert "As of <b>2018-09-07</b>" in sec and "<b>2019-01-05</b>" in sec
    # all four models, smp validated against KTAB (tests/politics/test_ktab.py)
    for m in ("eum", "median", "mean", "smp"):
        assert MODEL_LABELS[m] in sec
    assert "smp-lite" not in sec
    # the ensemble column carries the odds the report weighted by
    ens = compare_models().ensemble
    for name, p in ens.items():
        assert f"<b>{p:.2f}</b>" in sec, name
    assert "What the 90 % intervals cover" in sec and "Jeffreys" in sec
    # the pivotal actor and a moves table with at least one round
    assert "Pivotal actor: <b>russia</b>" in sec and "margin of <b>" in sec
    assert "politics-moves" in sec and re.search(r"<td class=''>1</td>", sec)
    # two inline PNG figures and the Brier table with its caption
    assert len(re.findall(r"src='data:image/png;base64,", sec)) == 2
    assert "politics-brier" in sec and "uniform guess scores 0.75" in sec
    assert "(contains the horizon)" in sec
    # the weights note names the ensemble
    assert "equal-weight ensemble of eum, median, mean, smp" in html


def test_idlib_reads_in_its_own_words(idlib_small_run):
    out, _ = idlib_small_run
    html = (out / "report.html").read_text("utf-8")
    assert "the Turkish-held north" in html
    assert "government-held areas" in html
    assert "Turkey" in html


def test_daraa_has_no_politics_section(daraa_run):
    out, _ = daraa_run
    assert "politics-models" not in (out / "report.html").read_text("utf-8")
