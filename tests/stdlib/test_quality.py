"""Each multi-objective library problem reaches a documented share of its true front's hypervolume.

The budgets and shares are the table in stdlib/README.md. Objectives are normalized by the true
front's ideal and nadir points and the hypervolume is taken to the reference point 1.1 in every
objective; the share is the run's feasible points' hypervolume over the true front's.
"""

from __future__ import annotations

import numpy as np
import pytest

import mooc
from mooc.indicators import hypervolume, true_front

SEED = 1
#: name -> (population, generations, share reached with seed 1 by the default solve, share
#: asserted)
QUALITY = {
    "zdt1": (100, 200, 1.000, 0.97),
    "zdt2": (100, 200, 0.999, 0.97),
    "zdt3": (100, 200, 1.000, 0.97),
    "zdt4": (100, 200, 0.989, 0.95),
    "zdt6": (100, 200, 0.999, 0.97),
    "dtlz1": (100, 600, 0.996, 0.96),
    "dtlz2": (100, 200, 0.990, 0.97),
    "dtlz3": (100, 1000, 0.990, 0.96),
    "dtlz4": (100, 200, 0.990, 0.97),
    "dtlz5": (100, 200, 0.997, 0.97),
    "dtlz6": (100, 1000, 0.815, 0.70),  # the median of seeds 1-3, see ERRATIC
    "dtlz7": (100, 200, 0.963, 0.94),
    "schaffer_n1": (100, 200, 1.000, 0.98),
    "schaffer_n2": (100, 200, 1.000, 0.98),
    "fonseca_fleming": (100, 200, 0.999, 0.97),
    "kursawe": (100, 200, 0.999, 0.97),
    "poloni": (100, 200, 1.000, 0.98),
    "viennet": (100, 200, 1.001, 0.98),
    "binh_korn": (100, 200, 1.000, 0.98),
    "chankong_haimes": (100, 200, 0.999, 0.97),
    "tanaka": (100, 200, 0.994, 0.97),
    "osyczka_kramer": (100, 200, 0.995, 0.97),
    "constr": (100, 200, 0.998, 0.97),
    "two_bar_truss": (100, 200, 0.999, 0.97),
    "welded_beam": (100, 200, 0.998, 0.97),
    "ctp1": (100, 200, 0.998, 0.97),
}


def hypervolume_share(name: str, population: int, generations: int, seed: int = SEED) -> float:
    reference = true_front(name, n_points=5000)
    ideal, nadir = reference.min(axis=0), reference.max(axis=0)
    result = mooc.load(name).solve(population=population, generations=generations, seed=seed)
    F = np.asarray(result.F)[np.asarray(result.feasible, dtype=bool)]
    ref = np.full(reference.shape[1], 1.1)
    reached = hypervolume((F - ideal) / (nadir - ideal), ref=ref) if len(F) else 0.0
    return reached / hypervolume((reference - ideal) / (nadir - ideal), ref=ref)


#: Problems whose share swings with the seed (and, through the last bits of numpy's vectorized
#: functions, with the machine): the median over these seeds is asserted.
ERRATIC = {"dtlz6": (1, 2, 3)}


@pytest.mark.parametrize("name", sorted(QUALITY))
def test_reaches_documented_share_of_true_front(name):
    population, generations, _, asserted = QUALITY[name]
    seeds = ERRATIC.get(name, (SEED,))
    shares = [hypervolume_share(name, population, generations, seed) for seed in seeds]
    assert float(np.median(shares)) >= asserted


def test_every_multi_objective_problem_has_a_front_and_a_quality_figure():
    from mooc.indicators import front_names
    from mooc.library import library_names

    multi = {n for n in library_names() if mooc.load(n).n_obj > 1}
    assert multi <= set(front_names())
    assert multi == set(QUALITY)


def test_readme_table_matches_the_asserted_figures():
    from pathlib import Path

    readme = Path(__file__).resolve().parents[2] / "stdlib" / "README.md"
    rows = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`"):
            population, generations = (int(v) for v in cells[1].split("×"))
            rows[cells[0].strip("`")] = (population, generations, float(cells[2]),
                                         float(cells[3]))
    assert rows == QUALITY
