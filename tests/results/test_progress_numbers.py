"""The progress line ends on the numbers the summary prints: the front's size and its
hypervolume against the run's fixed reference point, which anyone can recompute."""

from __future__ import annotations

import re
from pathlib import Path

import moocore
import numpy as np
import pytest

import mooc
from mooc.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("model", ["zdt1", str(EXAMPLES / "binh_korn.moo"), str(EXAMPLES / "kit.moo")])
def test_last_progress_line_and_summary_agree(capsys, model) -> None:
    assert main(["solve", model, "--population", "30", "--generations", "15", "--seed", "2"]) == 0
    err = capsys.readouterr().err
    progress = [line for line in err.splitlines() if line.startswith("[")][-1]
    summary = [line for line in err.splitlines() if line.startswith("front ")][-1]
    front, hv = re.search(r"front (\d+)\s+hv (\S+)", progress).groups()
    assert summary.startswith(f"front {front}  hv {hv} ")
    stated = re.search(r"reference point \[([^\]]*)\]", summary).group(1)
    assert len(stated.split(",")) == mooc.load(model).n_obj
    # each number as the report and the figure write it (numpy padded them: '3.28887 , 3.5')
    assert stated == ", ".join(f"{float(v):.6g}" for v in stated.split(","))


def test_the_hypervolume_is_moocores_against_the_stated_point() -> None:
    problem = mooc.load(EXAMPLES / "kit.moo")  # 'value' maximized
    result = problem.solve(population=30, generations=10, seed=2)
    sign = np.where(problem.maximize, -1.0, 1.0)
    expected = moocore.hypervolume(result.F * sign, ref=result.reference_point * sign)
    assert result.hypervolume == pytest.approx(expected, rel=1e-12)
    assert result.history[0].hypervolume <= result.hypervolume


def test_the_comparison_states_the_summarys_reference_point(capsys, tmp_path) -> None:
    # kit.moo maximizes 'value': the comparison with a reference front printed that
    # coordinate negated (the minimization form it computes in), beside the summary's own
    problem = mooc.load(EXAMPLES / "kit.moo")
    front = problem.solve(population=20, generations=4, seed=1).F
    reference = tmp_path / "reference.csv"
    np.savetxt(reference, front, delimiter=",")
    assert main(["solve", str(EXAMPLES / "kit.moo"), "--population", "20", "--generations",
                 "4", "--seed", "2", "--rows", "0", "--reference", str(reference)]) == 0
    captured = capsys.readouterr()
    summary = re.search(r"hv \S+ \(hypervolume against the reference point \[([^\]]*)\]",
                        captured.err).group(1)
    compared = re.search(r"^hypervolume .* reference point \[([^\]]*)\]\)$", captured.out,
                         re.M).group(1)
    stated = [float(v) for v in summary.split(",")]
    assert problem.maximize.any() and any(v < 0 for v in stated)
    np.testing.assert_allclose([float(v) for v in compared.split(",")], stated, rtol=1e-4)
