"""include: splicing another file or a library problem, and errors that name the chain."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import mooc
from mooc.errors import MooError


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_include_is_relative_to_the_including_file(tmp_path) -> None:
    _write(tmp_path, "parts/objectives.moo", "minimize f1: x[1]\nminimize f2: 1 - x[1] + x[2]\n")
    main = _write(tmp_path, "main.moo", "param n = 2\nvar x[1..n] in [0, 1]\n"
                  "include \"parts/objectives.moo\"\n")
    problem = mooc.load(main)
    assert problem.objective_names == ("f1", "f2")
    assert problem.evaluate([[0.25, 0.5]]).F.tolist() == [[0.25, 1.25]]


def test_a_library_problem_plus_one_constraint(tmp_path) -> None:
    main = _write(tmp_path, "zdt1_band.moo", 'problem zdt1_band "ZDT1 with a band"\n'
                  'include "zdt1"\nconstraint band: f1 + f2 >= 0.9\n')
    problem = mooc.load(main, params={"n": 5})
    assert problem.name == "zdt1_band" and problem.n_var == 5
    assert problem.constraint_names == ("band",)
    result = problem.solve(population=40, generations=30, seed=1)
    assert np.all(result.F.sum(axis=1) >= 0.9)


def _error(path: Path) -> str:
    with pytest.raises(MooError) as caught:
        mooc.load(path)
    return str(caught.value)


def test_an_error_inside_an_included_file_names_the_chain(tmp_path) -> None:
    _write(tmp_path, "inner.moo", "minimize g: y\n")
    _write(tmp_path, "middle.moo", 'include "inner.moo"\n')
    main = _write(tmp_path, "main.moo", 'var x in [0, 1]\ninclude "middle.moo"\n')
    lines = _error(main).splitlines()
    assert lines[0] == f"{tmp_path / 'inner.moo'}:1:13: error: unknown name 'y'"
    assert lines[3:] == [f"  included from {tmp_path / 'middle.moo'}:1:1",
                         f"  included from {main}:2:1"]


def test_include_cycles_and_missing_files_are_errors(tmp_path) -> None:
    loop = _write(tmp_path, "loop.moo", 'var x in [0, 1]\ninclude "loop.moo"\n')
    assert "includes itself" in _error(loop)
    missing = _write(tmp_path, "missing.moo", 'include "nowhere.moo"\n')
    assert "cannot include 'nowhere.moo'" in _error(missing)
    (tmp_path / "folder.moo").mkdir()
    folder = _write(tmp_path, "folder_include.moo", 'include "folder.moo"\n')
    assert "folder.moo is not a model file (it is a folder or a device)" in _error(folder)
