"""A result loaded again from its files (:func:`read_result`), without compiling the model."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mooc.errors import UsageError
from mooc.files import _record_path, read_record


@dataclass
class SavedProblem:
    """What a saved result knows of its problem: names, directions, kinds, labels, source."""

    name: str
    title: str
    path: str | None
    variable_names: tuple[str, ...]
    kinds: tuple[str, ...]
    choice_labels: dict[int, tuple[str, ...]]
    objective_names: tuple[str, ...]
    senses: tuple[str, ...]
    constraint_names: tuple[str, ...]
    soft_constraint_names: tuple[str, ...]
    model_hash: str
    params: dict[str, Any] = field(default_factory=dict)
    overrides: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    #: the data the run was given (files and dicts), as recorded
    data: list[Any] = field(default_factory=list)

    n_var = property(lambda self: len(self.variable_names))
    n_obj = property(lambda self: len(self.objective_names))
    n_hard = property(lambda self: len(self.constraint_names))
    n_soft = property(lambda self: len(self.soft_constraint_names))
    maximize = property(lambda self: np.array([s == "maximize" for s in self.senses], dtype=bool))


def saved_problem(record: dict[str, Any]) -> SavedProblem:
    columns, metadata = record["columns"], record["metadata"]
    return SavedProblem(
        name=metadata["problem"], title=metadata.get("title") or metadata["problem"],
        path=metadata.get("path"), variable_names=tuple(columns["variables"]),
        kinds=tuple(columns.get("kinds") or ["real"] * len(columns["variables"])),
        choice_labels={int(k): tuple(v) for k, v in (columns.get("labels") or {}).items()},
        objective_names=tuple(columns["objectives"]), senses=tuple(columns["senses"]),
        constraint_names=tuple(columns["constraints"]),
        soft_constraint_names=tuple(columns["soft_constraints"]),
        model_hash=metadata.get("model_hash", ""), params=dict(metadata.get("params") or {}),
        overrides=dict(metadata.get("overrides") or {}), source=record.get("source") or "",
        data=list(metadata.get("data") or []))


Arrays = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _front_from_csv(path: Path, problem: SavedProblem) -> Arrays:
    from mooc.points import encode_points

    with open(path, encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    expected = [*problem.variable_names, *problem.objective_names, *problem.constraint_names,
                *problem.soft_constraint_names, "feasible"]
    if not rows or rows[0] != expected:
        raise ValueError("its header is not the one its run record describes")
    body = rows[1:]
    n_var, n_obj, n_hard = problem.n_var, problem.n_obj, problem.n_hard
    X = encode_points(problem, [r[:n_var] for r in body], name=str(path)) if body else \
        np.zeros((0, n_var))
    width = n_obj + n_hard + problem.n_soft
    numbers = np.array([[float(v) for v in r[n_var:-1]] for r in body]).reshape(len(body), width)
    F, hard, soft = np.split(numbers, [n_obj, n_obj + n_hard], axis=1)
    feasible = np.array([r[-1] == "True" for r in body], dtype=bool)
    return X, F, hard, soft, feasible


def _points(rows: Any, problem: SavedProblem, name: str) -> np.ndarray:
    """Recorded points: choice variables by label (or by index, as files written before
    wrote them: a label is a name, never a number), null where a variable does not exist."""
    from mooc.points import encode_points

    if isinstance(rows, list) and not rows:
        return np.zeros((0, problem.n_var))
    try:
        return encode_points(problem, rows, name=name)
    except UsageError as error:  # said as a file that cannot be read
        raise ValueError(error.message) from None


def _front_from_json(record: dict[str, Any], problem: SavedProblem) -> Arrays:
    def matrix(key: str, width: int, null: float) -> np.ndarray:
        values = [[null if v is None else v for v in row] for row in record[key]]
        return np.array(values, dtype=float).reshape(len(values), width)

    # a null is a number that is not finite (JSON has none): an objective that could not be
    # evaluated (NaN), or an infinite violation (a violation is never NaN: one that could not
    # be evaluated is infinite); in X, a variable that does not exist
    return (_points(record["X"], problem, "X"), matrix("F", problem.n_obj, np.nan),
            matrix("violation", problem.n_hard, np.inf),
            matrix("soft_violation", problem.n_soft, np.inf),
            np.array(record["feasible"], dtype=bool))


def _history(record: dict[str, Any]) -> list[Any]:
    """The recorded generations; a null least or mean violation is infinite (every point of
    the population broke a constraint it could not evaluate)."""
    from mooc.solver.progress import GenerationStats

    stats = [dict(entry) for entry in record.get("history") or []]
    for entry in stats:
        for key in ("min_violation", "mean_violation"):
            if entry.get(key, 0.0) is None:
                entry[key] = float("inf")
    return [GenerationStats(**entry) for entry in stats]


def read_result(path: str | os.PathLike[str]) -> Any:
    """A :class:`mooc.Result` loaded again from the files of a run: ``front.csv`` (with its
    side file ``front.run.json``), ``front.json``, or the side file itself. Its evaluations,
    when the run kept them in a file, are read when first asked for.

    The model is not compiled again: the result knows its problem by the names, directions,
    kinds and labels recorded (``result.problem`` is a :class:`SavedProblem`).
    """
    from mooc.externs import Failure
    from mooc.inputs import check_input_file
    from mooc.pick import Pick
    from mooc.result import Result

    if not isinstance(path, (str, os.PathLike)):
        raise UsageError(f"read_result takes a file's path, but was given {path!r}")
    source = Path(path)
    if os.path.exists(source):  # not /dev/zero read for ever; a missing file is said below
        check_input_file(str(source), "the front")
    try:
        record = read_record(source)
        problem = saved_problem(record)
        if "X" in record:
            arrays = _front_from_json(record, problem)
        else:
            front = record["files"].get("front") or source.name
            arrays = _front_from_csv(_record_path(source).parent / front, problem)
        initial = record["metadata"].get("initial")
        if initial is not None:  # the points the run was seeded with
            initial = _points(initial, problem, "initial")
    except FileNotFoundError as error:
        raise UsageError(f"cannot read a result from '{path}': {error.strerror}: "
                         f"'{error.filename}'") from None
    except (OSError, ValueError, KeyError, TypeError, IndexError, csv.Error) as error:
        raise UsageError(f"cannot read a result from '{path}': {error}") from None
    metadata = record["metadata"]
    reference = record.get("reference_point")
    result = Result(
        problem, *arrays, feasible_found=bool(metadata.get("feasible_found", True)),
        message=metadata.get("message", ""), stop_reason=metadata.get("stop_reason", ""),
        n_evaluations=int(metadata.get("evaluations", 0)),
        n_gradient_evaluations=int(metadata.get("gradient_evaluations", 0)),
        n_generations=int(metadata.get("generations", 0)),
        elapsed=float(metadata.get("duration_seconds", 0.0)), seed=metadata.get("seed"),
        settings=dict(metadata.get("settings") or {}),
        history=_history(record),
        failures=[Failure(**f) for f in record.get("failures") or []],
        reference_point=None if reference is None else np.asarray(reference, dtype=float),
        hypervolume=record.get("hypervolume"),
        initial=initial,
        method=str(metadata.get("method", "nsga2")),
        subproblems=int(metadata.get("subproblems", 0)), proven=bool(metadata.get("proven")),
        segments=bool(metadata.get("segments")), method_note=str(metadata.get("method_note", "")),
    )
    if record.get("pick"):
        result.picked = Pick.from_record(record["pick"], result)
    evaluations = (record.get("files") or {}).get("evaluations")
    if evaluations:
        result.evaluations_file = str(_record_path(source).parent / evaluations)
    return result
