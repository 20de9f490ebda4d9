"""The HTML report in a real headless chromium, used as a person would: it opens with the
network off and asks for nothing but its own file, runs without JavaScript errors, shows a
card when a point is hovered (small enough to fit the window), shows the point when a table
row is clicked, zooms on a drag, keeps the true front inside the plot, and marks the picked
point. Screenshots are taken (set MOOC_SCREENSHOTS=folder to keep them)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
from cdp import Browser

import mooc
from mooc.indicators import true_front
from mooc.report import write_report

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
WIDTH, HEIGHT = 1280, 900


def _browser() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI"):
        pytest.fail("no chromium: .ci/run installs Debian's chromium package before the tests")
    pytest.skip("needs a headless chromium (Debian: apt-get install chromium); CI runs this")


def _keep(shot: Path) -> None:
    folder = os.environ.get("MOOC_SCREENSHOTS")
    if folder:
        shutil.copy(shot, Path(folder) / shot.name)


@pytest.fixture(scope="module")
def zdt1_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    problem = mooc.load("zdt1")
    # without gradient steps, which would reach the true front's end (f2 = 0) in this budget:
    # a front short of it shows the true front clipped at the axes
    result = problem.solve(population=40, generations=60, seed=3, evaluations=True,
                           polish=False)
    result.pick("knee")
    path = tmp_path_factory.mktemp("report") / "zdt1 report.html"
    write_report(result, path, true_front=true_front("zdt1"))
    return path, result


@pytest.fixture()
def browser(tmp_path: Path):
    with Browser(_browser(), tmp_path / "profile", width=WIDTH, height=HEIGHT) as opened:
        yield opened


def _open(browser: Browser, path: Path) -> None:
    browser.open(path.as_uri())
    browser.wait_until('document.body.dataset.rendered === "yes"')


def _center(browser: Browser, selector: str, index: int = 0) -> list[float]:
    return browser.evaluate(f"""(() => {{
        const r = document.querySelectorAll({selector!r})[{index}].getBoundingClientRect();
        return [r.x + r.width / 2, r.y + r.height / 2]; }})()""")


def _card(browser: Browser) -> dict | None:
    return browser.evaluate("""(() => { const h = document.querySelector('#front .hoverlayer .hovertext');
        if (!h) return null; const r = h.getBoundingClientRect();
        return {text: h.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom}; })()""")


def test_opens_offline_without_errors_and_draws_every_point(browser, zdt1_report, tmp_path) -> None:
    path, result = zdt1_report
    _open(browser, path)
    assert browser.errors() == []
    assert browser.requests() == [path.as_uri()]  # plotly.js and the data are in the file
    names = browser.evaluate("document.getElementById('front').data.map(t => t.name)")
    assert names == ["evaluated, dominated", "true front", "front (feasible)", "picked (knee)"]
    drawn = browser.evaluate("document.querySelectorAll('#front .scatterlayer .trace')[2]"
                             ".querySelectorAll('path.point').length")
    assert drawn == len(result)
    rows = browser.evaluate("document.querySelectorAll('#front-table tbody tr').length")
    assert rows == len(result)
    assert browser.evaluate("document.querySelector('tr.picked td').textContent") == \
        str(result.picked.index + 1)
    shot = tmp_path / "report_front.png"
    browser.screenshot(shot)
    assert shot.stat().st_size > 30_000
    _keep(shot)


def test_the_true_front_stays_inside_the_plot(browser, zdt1_report) -> None:
    path, result = zdt1_report
    _open(browser, path)
    y_range = browser.evaluate("document.getElementById('front')._fullLayout.yaxis.range")
    assert y_range[0] > 0.0  # the true front reaches f2 = 0: below the axis, so it is clipped
    assert y_range[1] < result.evaluations.F[:, 1].max()  # the cloud does not stretch the axes
    clipped = browser.evaluate("""(() => {
        const t = document.querySelectorAll('#front .scatterlayer .trace')[1];
        const layer = t.closest('[clip-path]');
        return layer ? layer.getAttribute('clip-path') : null; })()""")
    assert clipped and "clip" in clipped  # drawn through the plot area's clip path


def test_hovering_a_point_shows_a_card_that_fits_the_window(browser, zdt1_report, tmp_path) -> None:
    path, result = zdt1_report
    _open(browser, path)
    x, y = _center(browser, "#front .scatterlayer .trace:nth-child(3) path.point", 3)
    browser.hover(x, y)
    browser.wait_until("document.querySelector('#front .hoverlayer .hovertext') !== null")
    card = _card(browser)
    assert card["text"].startswith("point ") and "f1 = " in card["text"]
    assert "… and 24 more variables" in card["text"]  # 30 variables, six shown
    assert 0 <= card["left"] and card["right"] <= WIDTH and 0 <= card["top"] and card["bottom"] <= HEIGHT
    assert card["right"] - card["left"] < 360  # compact
    shot = tmp_path / "report_hover.png"
    browser.screenshot(shot)
    _keep(shot)
    assert browser.errors() == []


def test_clicking_a_row_shows_its_point_and_clicking_a_point_finds_its_row(browser, zdt1_report) -> None:
    path, _ = zdt1_report
    browser.resize(WIDTH, 2400)  # the plot and the table in view
    _open(browser, path)
    x, y = browser.evaluate("""(() => { const r = document.querySelectorAll('#front-table tbody tr')[10]
        .getBoundingClientRect(); return [r.left + 30, r.top + r.height / 2]; })()""")
    browser.click(x, y)  # on its first cells (the row is wider than its scrolling box)
    browser.wait_until("document.querySelector('#front .hoverlayer .hovertext') !== null")
    assert browser.evaluate("document.body.dataset.selected") == "10"
    assert browser.evaluate("document.querySelector('tr.active td').textContent") == "11"
    assert _card(browser)["text"].startswith("point 11 ")
    x, y = _center(browser, "#front .scatterlayer .trace:nth-child(3) path.point", 4)
    browser.click(x, y)
    time.sleep(0.3)
    assert browser.evaluate("document.querySelector('tr.active td').textContent") == "5"
    assert browser.errors() == []


def test_dragging_zooms(browser, zdt1_report) -> None:
    path, _ = zdt1_report
    _open(browser, path)
    before = browser.evaluate("document.getElementById('front')._fullLayout.xaxis.range")
    box = browser.evaluate("JSON.parse(JSON.stringify(document.querySelector('#front .nsewdrag')"
                           ".getBoundingClientRect()))")
    x0, y0 = box["left"] + box["width"] * 0.2, box["top"] + box["height"] * 0.2
    x1, y1 = box["left"] + box["width"] * 0.5, box["top"] + box["height"] * 0.6
    browser.mouse("mouseMoved", x0, y0)
    browser.mouse("mousePressed", x0, y0, button="left", clickCount=1)
    for k in range(1, 11):
        browser.mouse("mouseMoved", x0 + (x1 - x0) * k / 10, y0 + (y1 - y0) * k / 10, button="left")
    browser.mouse("mouseReleased", x1, y1, button="left", clickCount=1)
    time.sleep(0.5)
    after = browser.evaluate("document.getElementById('front')._fullLayout.xaxis.range")
    assert after[1] - after[0] < 0.5 * (before[1] - before[0])
    assert browser.errors() == []


@pytest.mark.parametrize("case", ["kit", "dtlz2_5", "himmelblau"])
def test_three_many_and_one_objectives_render(browser, tmp_path, case) -> None:
    problem = {"kit": lambda: mooc.load(EXAMPLES / "kit.moo"),
               "dtlz2_5": lambda: mooc.load("dtlz2", params={"M": 5}),
               "himmelblau": lambda: mooc.load(EXAMPLES / "himmelblau.moo")}[case]()
    result = problem.solve(population=24, generations=8, seed=1, evaluations=True)
    result.pick("knee")
    path = tmp_path / f"{case}.html"
    write_report(result, path)
    _open(browser, path)
    assert browser.errors() == []
    kinds = browser.evaluate("document.getElementById('front').data.map(t => t.type)")
    expected = {"kit": "scatter3d", "dtlz2_5": "splom", "himmelblau": "scatter"}[case]
    assert expected in kinds
    if case == "dtlz2_5":
        assert browser.evaluate("document.getElementById('parallel').data[0].type") == "parcoords"
    shot = tmp_path / f"report_{case}.png"
    browser.screenshot(shot)
    assert shot.stat().st_size > 20_000
    assert np.isfinite(result.F).all()


def test_the_table_shows_huge_whole_numbers_to_six_digits(browser, tmp_path) -> None:
    problem = mooc.compile("var x in [0, 1]\nminimize a: 1e300 * (1 + x / 3)\n"
                           "minimize b: 1e17 * (1 - x) + 1e16\n")
    result = problem.solve(population=12, generations=3, seed=1)
    path = tmp_path / "huge.html"
    write_report(result, path)
    _open(browser, path)
    cells = browser.evaluate("Array.from(document.querySelectorAll('#front-table tbody td'))"
                             ".map(td => td.textContent)")
    numbers = [c for c in cells if "e+" in c or c.isdigit()]
    assert numbers and all(len(c.replace(".", "").split("e")[0]) <= 7 for c in numbers), cells


def _front_table(browser) -> tuple[list[str], list[list[str]]]:
    """The report's front table as shown: its column names and its rows' cells."""
    columns = browser.evaluate("Array.from(document.querySelectorAll('#front-table th'))"
                               ".map(th => th.textContent)")
    rows = browser.evaluate("Array.from(document.querySelectorAll('#front-table tbody tr'))"
                            ".map(tr => Array.from(tr.cells).map(td => td.textContent))")
    return columns, rows


def test_the_table_shows_different_values_of_a_column_apart(browser, tmp_path) -> None:
    # six digits showed 0.5000001, 0.5000002 and 0.5000003 each as 0.5
    problem = mooc.compile("var a int in [0, 1]\nvar b int in [0, 1]\n"
                           "minimize f: 0.5 + 0.0000001 * a + 0.0000002 * b\n"
                           "minimize g: 3 - 2 * a - 3 * b\nconstraint one: a + b >= 1\n")
    result = problem.solve(method="exact")
    assert len(set(result.F[:, 0])) == len(result) == 3
    path = tmp_path / "close.html"
    write_report(result, path)
    _open(browser, path)
    assert browser.errors() == []
    columns, rows = _front_table(browser)
    shown = [row[columns.index("f")] for row in rows]
    assert sorted(float(text) for text in shown) == sorted(result.F[:, 0]), shown
    assert sorted(row[columns.index("g")] for row in rows) == ["-2", "0", "1"]  # as they were


def test_the_table_shows_an_infinite_violation_as_inf_and_an_absent_variable_as_a_dash(
        browser, tmp_path) -> None:
    # the constraint is undefined everywhere, so broken without bound: inf, as the terminal's
    # table says. It was drawn '—', the mark of a variable that does not exist (w at layers 1)
    problem = mooc.compile("var layers int in [1, 2]\nvar w in [0, 1] when layers >= 2\n"
                           "minimize f: layers\n"
                           "minimize g: 3 - layers + (if layers >= 2 then w else 0)\n"
                           "constraint c: sqrt(-layers) <= 1\n")
    result = problem.solve(population=8, generations=3, seed=1)
    assert np.isposinf(result.violation).all() and np.isnan(result.X[:, 1]).any()
    path = tmp_path / "undefined.html"
    write_report(result, path)
    _open(browser, path)
    assert browser.errors() == []
    columns, rows = _front_table(browser)
    table = [dict(zip(columns, row, strict=True)) for row in rows]
    assert [row["c"] for row in table] == ["inf"] * len(result)
    assert sorted(row["w"] == "—" for row in table) == sorted(np.isnan(result.X[:, 1]))
    # sorting by the violation column (inf - inf is NaN: no order) keeps every row
    x, y = _center(browser, "#front-table th", columns.index("c"))
    browser.click(x, y)
    after = browser.evaluate("document.querySelectorAll('#front-table tbody tr').length")
    assert after == len(result) and browser.errors() == []
