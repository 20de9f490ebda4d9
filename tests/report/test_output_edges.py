"""Outputs of runs at the edges: nothing feasible, objectives that are not numbers, one
objective, exact fronts; what the terminal, the plots and the report say about them."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from mooc.cli import main

NAN_OBJECTIVE = """problem allnan "Never a number"
var x in [0, 1]
var y in [0, 1]
minimize f1: x
minimize f2: sqrt(-1 - y)
"""

NEVER_FEASIBLE = """problem never "Never feasible"
var x in [0, 1]
var y in [0, 1]
maximize f1: x - 5
minimize f2: y - x
constraint c: x + y >= 3
"""

RUN = ["--population", "20", "--generations", "4", "--seed", "1"]


def _model(tmp_path: Path, text: str, name: str = "model.moo") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_pick_that_finds_no_point_loses_no_output(tmp_path, capsys) -> None:
    model = _model(tmp_path, NAN_OBJECTIVE)
    out, report = tmp_path / "front.csv", tmp_path / "run.html"
    code = main(["solve", str(model), *RUN, "--method", "nsga2", "--out", str(out),
                 "--report", str(report), "--pick", "knee"])
    printed = capsys.readouterr()
    assert code == 2
    assert out.is_file() and report.is_file()
    assert "f1" in printed.out.splitlines()[0]  # the front's table was printed
    assert "error: pick: no point of the front has finite objectives" in printed.err
    assert "Traceback" not in printed.err


def test_a_picked_infeasible_point_is_said_to_be_infeasible(tmp_path, capsys) -> None:
    model = _model(tmp_path, NEVER_FEASIBLE)
    assert main(["solve", str(model), *RUN, "--method", "nsga2", "--pick", "knee"]) == 0
    head = capsys.readouterr().out.splitlines()[0]
    assert head.startswith("picked by knee: point 1 of ") and "infeasible" in head


def test_progress_ends_on_no_front_when_nothing_is_feasible(tmp_path, capsys) -> None:
    model = _model(tmp_path, NAN_OBJECTIVE)
    assert main(["solve", str(model), *RUN, "--method", "nsga2", "--rows", "0"]) == 0
    progress = [line for line in capsys.readouterr().err.splitlines() if "gen " in line]
    assert progress[-1].split("front ")[1].split()[0] == "0"


def test_progress_of_an_exact_solve_ends_on_its_last_subproblem(tmp_path, capsys) -> None:
    model = _model(tmp_path, "var x[1..6] bin\nmaximize a: sum(i * x[i] for i in 1..6)\n"
                   "minimize b: sum((7 - i) * x[i] for i in 1..6) + x[1]\n")
    assert main(["solve", str(model), "--rows", "0"]) == 0
    err = capsys.readouterr().err
    last = [line for line in err.splitlines() if line.startswith("exact: subproblems")][-1]
    subproblems = int(re.search(r"\(\S+ s, exact, (\d+) subproblems", err).group(1))
    assert subproblems > 1 and last.split()[2] == str(subproblems)


def _compiled(text: str):
    import mooc

    return mooc.compile(text)


def test_one_objective_plot_shows_the_best_value_in_the_users_direction(tmp_path) -> None:
    problem = _compiled("var x in [0, 2]\nvar k int in [1, 5]\nmaximize profit: x * k - 7\n")
    result = problem.solve(population=12, generations=6, seed=2)
    figure = result.plot(tmp_path / "one.png")
    progress = figure.axes[1]
    last = progress.get_lines()[0].get_ydata()[-1]
    assert last == pytest.approx(result.F[:, 0].max())
    assert "profit (max)" in progress.get_ylabel()


def test_one_objective_figure_places_the_best_point_at_its_evaluation() -> None:
    # the front's points were found among the evaluations by their variables as tuples, and
    # a variable that does not exist (NaN) equals nothing: the best point was drawn at
    # evaluation 0, not at the evaluation that found it
    problem = _compiled("var layers int in [1, 3]\nvar w[i in 1..3] in [0, 1] when layers >= i\n"
                        "minimize size: layers + sum(if layers >= i then (w[i] - 0.3)^2 "
                        "else 0 for i in 1..3)\n")
    result = problem.solve(population=10, generations=3, seed=1, evaluations=True)
    assert np.isnan(result.X).any()
    table = result.evaluations
    found = int(table.number[table.on_front][0]) + 1
    figure = result.plot()
    front = [trace for trace in figure.data if trace.name.startswith("front")]
    assert [list(trace.x) for trace in front] == [[found]]
    card = front[0].text[0]  # a layer that does not exist: '—' as in the table, not 'None'
    assert "w[2] = —" in card and "None" not in card


@pytest.mark.parametrize("n_obj", [1, 2, 3, 4])
def test_a_plot_of_no_feasible_point_says_so(tmp_path, n_obj) -> None:
    objectives = "".join(f"minimize f{j}: x[1] + {j} * x[2]\n" for j in range(n_obj))
    problem = _compiled(f"var x[1..2] in [0, 1]\n{objectives}constraint k: x[1] + x[2] >= 3\n")
    result = problem.solve(method="exact")  # proven infeasible: an empty front
    assert len(result) == 0
    figure = result.plot(tmp_path / "none.png")  # no warning (an empty legend warned)
    texts = [t.get_text() for a in figure.axes for t in [a.title, *a.texts]]
    texts.append(figure.get_suptitle())
    assert any("no feasible point" in t for t in texts)
    assert "not proven" not in result.how  # the message says it is proven


@pytest.mark.parametrize("n_obj", [2, 4])
def test_points_that_cannot_be_drawn_are_counted(tmp_path, n_obj) -> None:
    objectives = "".join(f"minimize f{j}: x[1] + {j} * x[2]\n" for j in range(n_obj - 1))
    problem = _compiled(f"var x[1..2] in [0, 1]\n{objectives}minimize bad: sqrt(-1 - x[2])\n")
    result = problem.solve(population=12, generations=2, seed=1)
    figure = result.plot(tmp_path / "nan.svg")  # no all-NaN warning either
    title = figure.axes[0].get_title() if n_obj == 2 else figure.get_suptitle()
    assert f"{len(result)} not drawn" in title and "no feasible point" in title


def test_a_plot_written_to_a_file_is_not_kept_open(tmp_path) -> None:
    import matplotlib.pyplot as plt

    problem = _compiled("var x in [0, 1]\nminimize a: x\nminimize b: 1 - x^2\n")
    result = problem.solve(population=12, generations=2, seed=1)
    before = len(plt.get_fignums())
    figures = [result.plot(tmp_path / f"front{k}.png") for k in range(3)]
    assert len(plt.get_fignums()) == before
    figures[0].savefig(tmp_path / "again.png")  # the figure returned still draws
    assert (tmp_path / "again.png").stat().st_size > 0


def test_the_report_names_the_method_that_ran_and_an_exact_front_by_its_subproblems() -> None:
    from mooc.report import render_report

    three = "var x[1..3] in [0, 1]\n" + "".join(
        f"minimize f{j}: (x[1] - {j} / 3)^2 + x[2] + x[3]^2\n" for j in range(3))
    result = _compiled(three).solve(method="nsga2", population=12, generations=2, seed=1)
    page = render_report(result)
    mathematics = page.split('<pre class="math">')[1].split("</pre>")[0]
    assert "NSGA-II" in mathematics and "NSGA-III" not in mathematics  # auto would say NSGA-III

    exact = _compiled("var x[1..4] bin\nmaximize a: sum(i * x[i] for i in 1..4)\n"
                      "minimize b: sum(x[i] for i in 1..4)\n").solve()
    from mooc.figures import front_figure

    title = front_figure(exact).layout.title.text
    assert f"{exact.subproblems} subproblems" in title and "evaluations" not in title


def test_the_report_shows_a_title_with_markup_as_written() -> None:
    from mooc.figures import front_figure

    problem = _compiled('problem p "A <b>bold</b> & co"\nvar x in [0, 1]\nminimize a: x\n'
                        "maximize b: x^2\n")
    figure = front_figure(problem.solve(population=12, generations=2, seed=1))
    assert figure.layout.title.text.startswith("A &lt;b&gt;bold&lt;/b&gt; &amp; co: ")


def test_a_plot_shows_dollars_in_a_title_as_written(tmp_path) -> None:
    problem = _compiled('problem p "Cost in $\\frac$ and $10"\nvar x in [0, 1]\n'
                        "minimize a: x\nmaximize b: x^2\n")
    result = problem.solve(population=12, generations=2, seed=1)
    figure = result.plot(tmp_path / "dollars.png")  # matplotlib's mathematics failed on it
    assert figure.axes[0].get_title().startswith(r"Cost in \$\frac\$ and \$10: ")


def test_rerun_with_other_params_names_set_as_the_cause(tmp_path, capsys) -> None:
    out = tmp_path / "front.csv"
    assert main(["solve", "zdt1", "--set", "n=4", *RUN, "--quiet", "--out", str(out)]) == 0
    assert main(["solve", "--rerun", str(out), "--set", "n=5", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "--set changes the params of the run recorded in" in err and "zdt1" in err
    assert main(["solve", "--rerun", str(out), "--set", "n=4", "--quiet"]) == 0  # the same value


def test_a_recorded_setting_beyond_the_float_range_is_quoted_as_written(tmp_path, capsys) -> None:
    out = tmp_path / "front.json"
    assert main(["solve", "zdt1", *RUN, "--quiet", "--out", str(out)]) == 0
    text = out.read_text()
    edited = text.replace('"generations": 4,', '"generations": 4, "timeout": 1e400,', 1)
    assert edited != text
    out.write_text(edited)
    capsys.readouterr()
    assert main(["solve", "--rerun", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "'timeout' takes a positive number, but was given 1e400, beyond the float range" in err
    assert "inf" not in err


def test_a_plot_of_objectives_near_1e_300_draws_them_in_units_of_a_power_of_ten(tmp_path) -> None:
    problem = _compiled("var x in [0, 1]\nminimize f: 1e-300 * x\n"
                        "minimize g: 1e-300 * (1 - x)^2\n")
    result = problem.solve(population=20, generations=3, seed=1)
    axes = result.plot(tmp_path / "tiny.png").axes[0]
    assert axes.get_xlabel() == "f (min) (× 1e-301)"
    low, high = axes.get_xlim()  # matplotlib drew every point at 0 in (-0.05, 0.05)
    assert low < 0.5 and 9 < high < 11
    x, y = axes.collections[0].get_offsets().T
    np.testing.assert_allclose(x, result.F[:, 0] / 1e-301)


def test_the_title_of_a_many_objective_plot_is_above_its_cells(tmp_path) -> None:
    problem = _compiled("var x[1..12] in [0, 1]\n"
                        "minimize f[m in 1..10]: (x[m] - 0.5)^2 + x[11] + x[12]\n")
    figure = problem.solve(population=20, generations=2, seed=1).plot(tmp_path / "ten.png")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(figure).get_renderer()  # the saved figure was closed
    title = figure._suptitle.get_window_extent(renderer)
    top = max(axes.get_tightbbox(renderer).y1 for axes in figure.axes)
    assert title.y0 >= top  # tight_layout had laid the first row over it


LINEAR = """var x in [0, 4]
var y in [0, 4]
minimize f1: x + 2 * y
maximize f2: 3 * x + y
constraint c1: x + y <= 5
constraint c2: 2 * x - y <= 6
"""


def _segments(figure) -> list:
    return [trace for trace in figure.data if trace.name == "front (segments)"]


@pytest.mark.parametrize("read_back", [False, True])
def test_the_report_draws_a_linear_program_s_segments_as_the_static_plot_does(
        tmp_path, read_back) -> None:
    # an LP's exact front is the chain of segments between its vertices: the static plot drew
    # it, the report only the vertices
    import mooc

    result = mooc.compile(LINEAR).solve()
    assert result.segments and len(result) >= 3
    if read_back:
        result.to_json(tmp_path / "front.json")
        result = mooc.read_result(tmp_path / "front.json")
    (line,) = _segments(result.plot())
    assert line.mode == "lines" and line.hoverinfo == "skip"
    order = np.argsort(result.F[:, 0])
    np.testing.assert_array_equal(np.column_stack([line.x, line.y]), result.F[order])
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    static = result.plot(tmp_path / "front.png")
    (drawn,) = [ln for ln in static.axes[0].get_lines() if ln.get_label() == "front (segments)"]
    np.testing.assert_allclose(np.asarray(drawn.get_xydata()), result.F[order])
    plt.close(static)


@pytest.mark.parametrize("text,options", [
    (LINEAR.replace("var x in", "var x int in"), {}),  # a MILP: its points only
    (LINEAR, {"method": "nsga2", "population": 10, "generations": 3, "seed": 1}),
], ids=["milp", "nsga2"])
def test_a_front_whose_segments_are_not_on_it_is_drawn_without_them(text, options) -> None:
    import mooc

    result = mooc.compile(text).solve(**options)
    assert not result.segments and len(result) >= 2
    assert _segments(result.plot()) == []
