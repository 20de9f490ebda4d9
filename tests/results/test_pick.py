"""Choosing one point: each rule on hand-computed fronts, directions respected, infeasible
points passed over, from Python and from the command line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import mooc
from mooc.cli import main
from mooc.pick import choose, pseudo_weights

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# a convex front: the line through its ends is f1 + f2 = 1 (already normalized)
F = np.array([[0.0, 1.0], [0.1, 0.55], [0.2, 0.2], [0.6, 0.1], [1.0, 0.0]])


@pytest.mark.parametrize("rule,row", [
    ("knee", 2),                    # distances to f1 + f2 = 1, times sqrt 2: 0, .35, .6, .3, 0
    ("weights=0.5,0.5", 2),         # its pseudo-weights are (0.5, 0.5) exactly
    ("weights=1,0", 0),             # all weight on f1: the best f1
    ("weights=0.3,0.7", 3),         # (0.4, 0.9) / 1.3 = (0.308, 0.692)
    ("reference=0.7,0", 3),         # largest gaps: 1, .55, .5, .1, .3
    ("reference=0,0", 2),           # the ideal point: the least largest gap, 0.2
    ("lexicographic=f2,f1", 4),
    ("lexicographic", 0),
    ("lex=f1", 0),
])
def test_rules_on_a_hand_computed_front(rule, row) -> None:
    assert choose(F, rule, names=("f1", "f2")) == row


def test_pseudo_weights_by_hand() -> None:
    np.testing.assert_allclose(pseudo_weights(F)[[0, 2, 3]], [[1, 0], [0.5, 0.5], [0.4 / 1.3, 0.9 / 1.3]])


def test_directions_are_respected() -> None:
    # the same front with f2 maximized and negated: the same choices
    G = F * [1, -1]
    assert choose(G, "knee", maximize=[False, True]) == 2
    assert choose(G, "reference=0.7,-0.0", maximize=[False, True]) == 3
    assert choose(G, "lexicographic=f2", maximize=[False, True], names=("f1", "f2")) == 4
    assert choose(G, "weights=0,1", maximize=[False, True]) == 4


def test_normalization_makes_units_irrelevant() -> None:
    scaled = F * [1000.0, 0.001]
    for rule in ("knee", "weights=0.3,0.7", "reference=700,0"):
        assert choose(scaled, rule) == choose(F, rule.replace("700", "0.7"))


def test_infeasible_points_are_passed_over() -> None:
    feasible = np.array([True, True, False, True, True])
    assert choose(F, "knee", candidates=feasible) == 1  # the knee (row 2) is infeasible: next .35
    assert choose(F, "knee", candidates=np.zeros(5, bool)) == 2  # none feasible: all count


def test_three_objectives_knee_by_hand() -> None:
    # extremes (1,0,0), (0,1,0), (0,0,1): the plane f1+f2+f3 = 1; (0.2,0.2,0.2) lies farthest below
    F3 = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.2, 0.2, 0.2], [0.5, 0.4, 0.05]], float)
    assert choose(F3, "knee") == 3


@pytest.mark.parametrize("rule,message", [
    ("elbow", "unknown pick rule 'elbow'"),
    ("weights=1", "takes 2 numbers, one per objective"),
    ("reference=a,b", "takes numbers separated by commas"),
    ("lexicographic=f3", "no objective 'f3'"),
])
def test_bad_rules_are_refused_in_words(rule, message) -> None:
    with pytest.raises(mooc.MooError, match=message):
        choose(F, rule, names=("f1", "f2"))


def test_result_pick_keywords_and_the_model() -> None:
    problem = mooc.load(EXAMPLES / "binh_korn.moo")
    result = problem.solve(population=40, generations=20, seed=1)
    by_text = result.pick("weights=0.2,0.8")
    by_keyword = result.pick(weights=[0.2, 0.8])
    assert by_text.index == by_keyword.index and result.picked is by_keyword
    assert by_text.f == result.F[by_text.index].tolist()
    knee = result.pick("knee")
    assert knee.index == choose(result.F, "knee")


def test_cli_pick_prints_one_row_and_the_report_marks_it(tmp_path, capsys) -> None:
    front, report = tmp_path / "front.csv", tmp_path / "report.html"
    assert main(["solve", str(EXAMPLES / "binh_korn.moo"), "--population", "30",
                 "--generations", "10", "--seed", "1", "--pick", "knee", "--out", str(front),
                 "--report", str(report)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("picked by knee: point ")
    # the rule, the header, the line under it, one row; then the indicators of the true front
    assert lines[1].split() == ["f1", "f2", "c1", "c2", "feasible", "x", "y"]
    assert len(lines[3].split()) == 7 and lines[4].startswith("hypervolume")
    assert mooc.read_result(front).picked.rule == "knee"
    assert "picked (knee)" in report.read_text()
    assert main(["pick", str(front), "lexicographic=f2"]) == 0
    out = capsys.readouterr().out.splitlines()
    saved = mooc.read_result(front)
    best = int(np.argmin(saved.F[:, 1]))
    assert out[0] == f"picked by lexicographic=f2: point {best + 1} of {len(saved)}" and len(out) == 4


def test_a_bad_rule_is_refused_before_the_run(capsys) -> None:
    assert main(["solve", str(EXAMPLES / "binh_korn.moo"), "--pick", "weights=1,2,3"]) == 2
    captured = capsys.readouterr()
    assert "takes 2 numbers" in captured.err and "gen 0" not in captured.err


def test_pick_refuses_a_special_file_and_a_front_the_csv_module_cannot_read(tmp_path,
                                                                           capsys) -> None:
    assert main(["pick", "/dev/zero", "knee"]) == 2  # was read without end
    assert capsys.readouterr().err == ("error: the front takes a file, but '/dev/zero' is not "
                                       "a regular file\n")
    front = tmp_path / "front.csv"
    assert main(["solve", str(EXAMPLES / "binh_korn.moo"), "--population", "10",
                 "--generations", "2", "--seed", "1", "--quiet", "--out", str(front)]) == 0
    header = front.read_text().splitlines()[0]
    front.write_text(f"{header}\n{'1' * 200_000}\n")  # one cell over the csv module's limit
    assert main(["pick", str(front), "knee"]) == 2
    assert capsys.readouterr().err == (f"error: cannot read a result from '{front}': field "
                                       "larger than field limit (131072)\n")


def test_a_front_with_an_integer_of_thousands_of_digits_is_refused_in_words(tmp_path,
                                                                           capsys) -> None:
    # pick and --rerun showed Python's "Exceeds the limit (4300 digits) for integer string
    # conversion ... use sys.set_int_max_str_digits()"
    front = tmp_path / "front.json"
    assert main(["solve", str(EXAMPLES / "binh_korn.moo"), "--population", "10",
                 "--generations", "2", "--seed", "1", "--quiet", "--out", str(front)]) == 0
    front.write_text(front.read_text().replace('"seed": 1', '"seed": ' + "7" * 5000, 1))
    reason = "it holds an integer of thousands of digits, which no run writes"
    assert main(["pick", str(front), "knee"]) == 2
    assert capsys.readouterr().err == f"error: cannot read a result from '{front}': {reason}\n"
    assert main(["solve", "--rerun", str(front), "--quiet"]) == 2
    assert capsys.readouterr().err == (f"error: cannot rerun from '{front}': it is not an output "
                                       f"of 'mooc solve' ({reason})\n")


@pytest.mark.parametrize("args,options,message", [
    ((3,), {}, "pick takes a rule as text ('knee', 'weights=0.2,0.8', ...), but was given 3"),
    ((), {"bogus": 1}, "pick has no rule 'bogus': use knee, weights=[...], reference=[...] or "
                       "lexicographic=[...]"),
    ((), {"weights": 5}, "pick weights= takes a list, one value per objective, but was given 5"),
    ((), {"weights": [float("nan"), 1]}, "pick weights= takes finite numbers, but was given "
                                         "'nan,1'"),
    (("reference=inf,0",), {}, "pick reference= takes finite numbers, but was given 'inf,0'"),
])
def test_a_wrong_pick_is_refused_in_words(args, options, message) -> None:
    result = mooc.compile("var x in [0, 1]\nminimize f: x\nmaximize g: x^2 - x + 1").solve(
        population=10, generations=2, seed=1)
    with pytest.raises(mooc.MooError) as caught:  # were AttributeError, TypeError, a NaN pick
        result.pick(*args, **options)
    assert str(caught.value) == f"error: {message}"
    assert result.pick(lex=["g"]).f[1] == result.F[:, 1].max()  # "lex" stays a keyword too


@pytest.mark.parametrize("rule", ["lexicographic=cost[b, 2],f", "lexicographic=cost[b,2] , f",
                                  "lex= cost[b ,2]"])
def test_lexicographic_names_an_element_of_an_objective_with_two_indices(rule) -> None:
    # the names were split at every comma: "no objective 'cost[b', '2]'"
    names = ("cost[a, 1]", "cost[b, 2]", "f")
    G = np.array([[0.0, 5.0, 1.0], [1.0, 1.0, 1.0], [2.0, 1.0, 0.0]])
    assert choose(G, rule, names=names) == (1 if rule.startswith("lex=") else 2)
