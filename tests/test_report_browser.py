"""The HTML report in a real browser: headless Chromium, networking disabled, driven over the
DevTools pipe (``tests/cdp_pipe.py``).

A small report is built from records of the committed ``reports/report.json`` (a REFUTED
claim with a derived formula, a claim with figures, an INCONCLUSIVE one) plus a synthetic
crashed check (``ERROR``) and a statement with LaTeX that cannot be converted.  The rendered
pages must show no raw ``$...$``, every MathML element with a non-zero size, every figure
loaded, no request outside the report's files, working filters and no horizontal overflow at
1,400 px.  Screenshots are saved in the test's temporary directory.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from cdp_pipe import Browser, find_browser  # tests/cdp_pipe.py (tests/ is on sys.path)

from theorems.report import write

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "reports" / "report.json"
WIDTH = 1400

PAGE_CHECK = r"""(() => {
  document.querySelectorAll('details:not(.source)').forEach(d => d.open = true);
  const maths = [...document.querySelectorAll('math')];
  const unrendered = maths.filter(m => {
    const r = m.getBoundingClientRect(); return !(r.width > 0 && r.height > 0); }).length;
  const raw = document.body.innerText.match(/\$[^$\n]{1,300}\$/g) || [];
  const images = [...document.images];
  // laid out as MathML, not as inline text: a fraction's numerator sits above its denominator
  const flat = [...document.querySelectorAll('mfrac')].filter(f => f.children.length === 2 &&
    f.getBoundingClientRect().width > 0 &&
    f.children[0].getBoundingClientRect().bottom > f.children[1].getBoundingClientRect().top + 1).length;
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
          maths: maths.length, unrendered, flat, raw: raw.slice(0, 5), images: images.length,
          broken: images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)};
})()"""


def _records_with(data, pred):
    return [r for r in data["claims"] if pred(r)]


def _has(ev, key):
    return bool(ev.get(key)) or any(_has(p, key) for p in ev.get("parts", []) or [])


def _figures(ev):
    out = list(ev.get("figures", []) or [])
    for p in ev.get("parts", []) or []:
        out += _figures(p)
    return out


def _small_report(out: Path) -> dict:
    data = json.loads(REPORT.read_text())
    claims = data["claims"]

    def pick(what, pred):
        found = next((r for r in claims if pred(r)), None)
        assert found is not None, f"the committed report has no {what} to test the HTML with"
        return found

    refuted = pick("REFUTED printed statement with a derived formula and a reading",
                   lambda r: r["variant"] == "printed" and r["verdict"] == "REFUTED"
                   and _has(r["evidence"], "derived")
                   and any(o["id"] == r["id"] and o["variant"] != "printed" for o in claims))
    with_figs = pick("claim with figures", lambda r: _figures(r["evidence"]) and all(
        (REPORT.parent / f).exists() for f in _figures(r["evidence"])))
    inconclusive = pick("INCONCLUSIVE claim", lambda r: r["verdict"] == "INCONCLUSIVE")
    ids = {refuted["id"], with_figs["id"], inconclusive["id"]}
    records = [copy.deepcopy(r) for r in data["claims"] if r["id"] in ids]
    crashed = copy.deepcopy(inconclusive)
    crashed.update(id="bw.crashed_check", variant="printed", verdict="ERROR", method="error",
                   title="A check that crashed", kind="inequality", source="nowhere",
                   hypotheses="none", depends_on=[],
                   reproduce="python -m theorems check bw.crashed_check --variant printed",
                   statement=r"mixed text $x^2 \ge 0$, a typo $\varepsilona$ and a price of 5\$",
                   evidence={"verdict": "ERROR", "method": "error", "label": "", "margin": None,
                             "summary": "ZeroDivisionError: division by zero",
                             "reason": "ZeroDivisionError: division by zero",
                             "details": {"traceback": "Traceback (most recent call last): ..."}})
    records.append(crashed)
    for r in records:
        for f in _figures(r["evidence"]):
            (out / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(REPORT.parent / f, out / f)
    meta = {**data["meta"], "papers": list(dict.fromkeys(r["paper"] for r in records))}
    return {"meta": meta, "summary": {}, "claims": records}


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    exe = find_browser()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("no Chromium found in CI: .ci/run installs it with apt-get install chromium")
        pytest.skip("no Chromium/Chrome executable found (install chromium, or set CHROMIUM=path)")
    with Browser(exe, tmp_path_factory.mktemp("profile"), width=WIDTH, height=1000) as b:
        yield b


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    report = _small_report(out)
    write(report, out)
    return out, report


def _check_page(browser, path: Path, shots: Path) -> dict:
    browser.open(path.as_uri())
    result = browser.evaluate(PAGE_CHECK)
    browser.screenshot(shots / (path.stem + ".png"))
    assert result["scrollWidth"] <= result["innerWidth"] == WIDTH, f"{path.name} overflows: {result}"
    assert result["unrendered"] == 0, f"{path.name}: MathML with zero size: {result}"
    assert result["flat"] == 0, f"{path.name}: fractions not laid out as MathML: {result}"
    assert not result["raw"], f"{path.name}: raw LaTeX in the visible text: {result['raw']}"
    assert not result["broken"], f"{path.name}: figures not loaded: {result['broken']}"
    return result


def test_pages_render_offline(browser, site, tmp_path):
    out, report = site
    pages = [out / "report.html", *sorted((out / "claims").glob("*.html")),
             *sorted((out / "errata").glob("*.html"))]
    assert len(pages) == 1 + len({r["id"] for r in report["claims"]}) + len(report["meta"]["papers"])
    mark = len(browser.events)
    results = {p.name: _check_page(browser, p, tmp_path) for p in pages}
    assert sum(r["maths"] for r in results.values()) > 20  # math was converted, not dropped
    assert sum(r["images"] for r in results.values()) >= 1  # the figures are inline
    requests = [ev["params"]["request"]["url"] for ev in browser.events[mark:]
                if ev["method"] == "Network.requestWillBeSent"]
    assert requests, "the browser recorded no request at all: the network log is not working"
    outside = [u for u in requests if not u.startswith(out.as_uri() + "/")]
    assert not outside, f"requests outside the report directory: {outside}"
    for p in pages:  # and nothing in the files that could reach the network
        text = p.read_text()
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//|url\(\s*["']?(https?:)?//|@import""", text), p
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_index_filters_search_and_errors(browser, site):
    out, report = site
    browser.open((out / "report.html").as_uri())
    visible = "[...document.querySelectorAll('#claims tbody tr')].filter(r => !r.hidden).length"

    def set_filter(field: str, value: str) -> int:
        browser.evaluate(f"(() => {{ const el = document.getElementById('f-{field}'); el.value = "
                         f"{json.dumps(value)}; el.dispatchEvent(new Event('input', {{bubbles: true}})); "
                         f"el.dispatchEvent(new Event('change', {{bubbles: true}})); }})()")
        return browser.evaluate(visible)

    records = report["claims"]
    assert browser.evaluate(visible) == len(records)
    assert set_filter("verdict", "REFUTED") == sum(r["verdict"] == "REFUTED" for r in records)
    assert set_filter("verdict", "ERROR") == 1
    set_filter("verdict", "")
    kind = records[0]["kind"]
    assert set_filter("kind", kind) == sum(r["kind"] == kind for r in records)
    set_filter("kind", "")
    paper = records[0]["paper"]
    assert set_filter("paper", paper) == sum(r["paper"] == paper for r in records)
    set_filter("paper", "")
    assert set_filter("search", "crashed") == 1
    assert set_filter("search", "no such claim anywhere") == 0
    assert browser.evaluate("document.getElementById('shown').textContent").startswith("0 of ")
    set_filter("search", "")
    # errors have their own column and section and are not counted as verdicts
    summary = browser.evaluate("document.querySelector('table.summary').innerText")
    assert "errors" in summary
    assert browser.evaluate("!!document.getElementById('errors')")
    total_row = browser.evaluate("[...document.querySelectorAll('table.summary tr.total td')].map(c => c.innerText)")
    assert total_row[-1] == str(len(records) - 1) and total_row[-2] == "1"
    # every paper's errata page is linked
    links = browser.evaluate("[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    for paper in report["meta"]["papers"]:
        assert f"errata/{paper}.html" in links


def test_claim_page_reads_like_a_referee_note(browser, site):
    out, report = site
    refuted = next(r for r in report["claims"] if r["verdict"] == "REFUTED" and _has(r["evidence"], "derived"))
    page = next((out / "claims").glob(refuted["id"] + ".html"))
    browser.open(page.as_uri())
    got = browser.evaluate(r"""(() => ({
      cards: document.querySelectorAll('.pair .card').length,
      cex: !!document.querySelector('.inputs .inp math'),
      violated: !!document.querySelector('tr.violation'),
      derived: document.querySelectorAll('table.derived tr').length,
      copy: !!document.querySelector('button[data-copy]'),
      tree: document.querySelectorAll('.tree details').length,
    }))()""")
    assert got["cards"] == 2  # printed and reading side by side
    assert got["cex"] and got["violated"] and got["derived"] >= 2 and got["copy"]
    assert got["tree"] >= 1 or not refuted["evidence"].get("parts")
    copied = browser.evaluate("""(() => { const b = document.querySelector('button[data-copy]'); b.click();
      return new Promise(done => setTimeout(() => done([b.textContent, String(window.getSelection())]), 200)); })()""")
    assert copied[0] == "copied"  # via the clipboard API, or the command is left selected
    assert copied[1] in ("", refuted["reproduce"])
    crashed = (out / "claims" / "bw.crashed_check.html")
    browser.open(crashed.as_uri())
    text = browser.evaluate("document.body.innerText")
    assert "ZeroDivisionError" in text and "no verdict" in text
    # LaTeX that cannot be converted is shown as text, not as a broken formula
    assert browser.evaluate("document.querySelector('code.tex').textContent") == r"\varepsilona"
