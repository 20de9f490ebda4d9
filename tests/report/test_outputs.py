"""Files a run leaves behind: CSV, JSON, plots, the report; metadata to repeat the run; --rerun;
atomic writes; progress; notebook display."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

import mooc
from mooc.cli import main
from mooc.progress import ProgressDisplay
from mooc.result import read_metadata, write_atomically

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SMALL = ["--population", "24", "--generations", "8", "--seed", "5"]


def _solve(tmp_path: Path, model: Path, *extra: str) -> int:
    return main(["solve", str(model), *SMALL, *extra])


def test_every_output_is_written_and_records_the_run(tmp_path, capsys) -> None:
    files = {name: tmp_path / name for name in
             ("front.csv", "front.json", "front.png", "front.svg", "report.html")}
    code = _solve(tmp_path, EXAMPLES / "binh_korn.moo", "--out", str(files["front.csv"]),
                  "--out", str(files["front.json"]), "--plot", str(files["front.png"]),
                  "--plot", str(files["front.svg"]), "--report", str(files["report.html"]))
    assert code == 0
    assert files["front.png"].read_bytes()[:4] == b"\x89PNG"
    assert "<svg" in files["front.svg"].read_text()
    page = files["report.html"].read_text()
    assert "plotly.js v" in page and 'id="front-figure"' in page
    for name in ("front.csv", "front.json"):
        metadata = read_metadata(files[name])
        assert metadata["problem"] == "binh_korn"
        assert metadata["seed"] == 5 and metadata["settings"]["population"] == 24
        assert len(metadata["model_hash"]) == 16
        assert metadata["mooc_version"] == mooc.__version__
        assert metadata["duration_seconds"] > 0
    header = files["front.csv"].read_text().splitlines()[0].split(",")
    assert header == ["x", "y", "f1", "f2", "c1", "c2", "feasible"]
    assert (tmp_path / "front.run.json").is_file()  # the CSV's run record
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_rerun_gives_the_identical_front(tmp_path, suffix) -> None:
    first, second = tmp_path / f"first{suffix}", tmp_path / f"second{suffix}"
    assert _solve(tmp_path, EXAMPLES / "kit.moo", "--quiet", "--out", str(first)) == 0
    assert main(["solve", "--rerun", str(first), "--quiet", "--out", str(second)]) == 0
    body = (lambda p: p.read_text().splitlines()) if suffix == ".csv" else \
        (lambda p: [json.loads(p.read_text())[k] for k in ("X", "F", "violation")])
    assert body(first) == body(second)


def test_rerun_refuses_a_changed_model(tmp_path, capsys) -> None:
    model = tmp_path / "bk.moo"
    shutil.copy(EXAMPLES / "binh_korn.moo", model)
    out = tmp_path / "front.json"
    assert _solve(tmp_path, model, "--quiet", "--out", str(out)) == 0
    model.write_text(model.read_text().replace("<= 25", "<= 24"))
    assert main(["solve", "--rerun", str(out), "--quiet"]) == 2
    assert "changed since the run" in capsys.readouterr().err


def test_bad_output_name_is_refused_before_the_run(tmp_path, capsys) -> None:
    assert _solve(tmp_path, EXAMPLES / "zdt1.moo", "--out", str(tmp_path / "front.xlsx")) == 2
    err = capsys.readouterr().err
    assert "--out takes a .csv or .json file name" in err and "Traceback" not in err


@pytest.mark.parametrize("name", ["front.png", "report", "run.html.txt", "front.csv"])
def test_a_report_name_that_is_not_html_is_refused_before_the_run(tmp_path, capsys,
                                                                   name) -> None:
    # --report wrote its HTML page to any name (front.png, front.csv) after the whole run
    report = tmp_path / name
    assert _solve(tmp_path, EXAMPLES / "zdt1.moo", "--report", str(report)) == 2
    err = capsys.readouterr().err
    assert err == (f"error: --report takes a .html or .htm file name (the report is one HTML "
                   f"page), but was given '{report}'\n")  # and no progress: nothing was run
    assert list(tmp_path.iterdir()) == []


def test_a_report_named_htm_is_written(tmp_path, capsys) -> None:
    report = tmp_path / "run.htm"
    assert _solve(tmp_path, EXAMPLES / "zdt1.moo", "--quiet", "--report", str(report)) == 0
    assert 'id="front-figure"' in report.read_text()


def test_an_interrupted_write_leaves_the_old_file(tmp_path, monkeypatch) -> None:
    target = tmp_path / "front.csv"
    target.write_text("old")

    def broken_replace(source, destination):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, "new contents")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["front.csv"]


def test_progress_is_plain_lines_off_a_terminal(capsys) -> None:
    assert main(["solve", str(EXAMPLES / "zdt1.moo"), *SMALL]) == 0
    err = capsys.readouterr().err
    assert "gen 0" in err and "gen 8" in err and "100%" in err
    assert "\r" not in err


def test_progress_redraws_one_line_on_a_terminal() -> None:
    stream = io.StringIO()
    display = ProgressDisplay({"generations": 4}, stream=stream, interactive=True)
    problem = mooc.load(EXAMPLES / "binh_korn.moo")
    result = problem.solve(population=12, generations=4, seed=1, callback=display)
    display.finish(result.history[-1])
    text = stream.getvalue()
    assert text.count("\r\x1b[K") >= 2 and "100%" in text and text.endswith("\n")
    halfway = display.line(result.history[2])
    assert "50%" in halfway and "eta" in halfway and "[############------------]" in halfway


def test_progress_of_an_approximate_box_search_shows_its_boxes_and_steps() -> None:
    from mooc.solver.exact_search import ExactProgress

    stream = io.StringIO()
    display = ProgressDisplay({}, stream=stream, interactive=False)
    line = display.line(ExactProgress(412, 142, 5.0, boxes=86056, grid=8))
    assert "subproblems 412  points 142  boxes 86,056  steps 1/8 of each range" in line
    assert "boxes" not in display.line(ExactProgress(412, 142, 5.0))


def test_quiet_prints_nothing(capsys) -> None:
    assert main(["solve", str(EXAMPLES / "binh_korn.moo"), *SMALL, "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_result_displays_in_a_notebook() -> None:
    result = mooc.load(EXAMPLES / "binh_korn.moo").solve(population=12, generations=3, seed=1)
    page = result._repr_html_()
    assert "<table>" in page and "<svg" in page and "Binh and Korn" in page


def test_plots_for_one_three_and_many_objectives(tmp_path) -> None:
    one = mooc.load(EXAMPLES / "himmelblau.moo").solve(population=12, generations=3)
    three = mooc.load(EXAMPLES / "kit.moo").solve(population=16, generations=3, seed=2)
    many = mooc.compile("var x[1..4] in [0, 1]\nminimize f[m in 1..4]: "
                        "(x[m] - 0.5)^2 + sum(x[i] for i in 1..4) / 4").solve(
                            population=16, generations=3, seed=2)
    for name, result in (("one", one), ("three", three), ("many", many)):
        path = tmp_path / f"{name}.png"
        figure = result.plot(path)
        assert path.stat().st_size > 10_000
        labels = " ".join(a.get_xlabel() + a.get_ylabel() for a in figure.axes)
        assert "(min)" in labels or "(max)" in labels
    assert np.isfinite(many.F).all()


def test_result_plot_is_a_plotly_figure_and_a_file_is_matplotlib(tmp_path) -> None:
    import plotly.graph_objects as go

    result = mooc.load(EXAMPLES / "binh_korn.moo").solve(population=12, generations=3, seed=1)
    result.pick("knee")
    figure = result.plot()
    assert isinstance(figure, go.Figure)
    assert [trace.name for trace in figure.data] == ["front (feasible)", "picked (knee)"]
    assert figure.layout.xaxis.title.text == "f1 (min)"
    drawn = result.plot(tmp_path / "front.png")
    assert hasattr(drawn, "savefig") and (tmp_path / "front.png").stat().st_size > 10_000


def test_help_imports_no_plotting_library() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "mooc", "--help"],
                          capture_output=True, text=True, cwd=Path(mooc.__file__).parents[1])
    assert done.returncode == 0
    assert not [line for line in done.stderr.splitlines()
                if line.rstrip().endswith(("plotly", "matplotlib", "pandas"))]
