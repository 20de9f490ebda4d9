"""A result's files: the front as plain CSV or JSON, the run record, and reading them back.

``front.csv`` is plain CSV, a header row then one row per point, that pandas, spreadsheets and
the ``csv`` module read with default settings. The run record -- the problem, the model's hash
with its param values, the settings and seed, versions, duration, the columns' meaning, the
history, the hypervolume reference point, the picked point and the evaluations file -- goes in
the JSON output and in a side file next to the CSV, ``front.run.json`` for ``front.csv``
(:func:`side_path`). ``mooc solve --rerun`` and :func:`read_result` find it there.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from mooc.solver.checkpoint import write_bytes_atomically

#: The side file of ``front.csv`` is ``front`` + this suffix.
SIDE_SUFFIX = ".run.json"


def write_atomically(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it into place."""
    write_bytes_atomically(path, text.encode("utf-8"))


def side_path(path: str | os.PathLike[str]) -> Path:
    """The run record's file next to the CSV file ``path``: ``front.csv`` -> ``front.run.json``."""
    target = Path(path)
    return target.with_name(target.stem + SIDE_SUFFIX)


def _plain(value: Any) -> Any:
    return np.asarray(value).tolist()


def finite_or_null(value: Any) -> Any:
    """``value`` (dicts, lists and numbers) with every number that is not finite as None:
    standard JSON, which jq, JavaScript's ``JSON.parse`` and other readers take, has no NaN or
    Infinity. A reader of mooc's own files knows what a null stands for where it is not NaN
    (a violation, a history's least violation: infinite)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite_or_null(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_or_null(item) for item in value]
    return value


def json_text(value: Any, **options: Any) -> str:
    """``value`` as standard JSON text (see :func:`finite_or_null`)."""
    return json.dumps(finite_or_null(value), allow_nan=False, **options)


def columns_record(problem: Any) -> dict[str, Any]:
    """The columns' meaning: names, objective senses, variable kinds and choice labels."""
    return {"variables": list(problem.variable_names), "kinds": list(problem.kinds),
            "labels": {str(k): list(v) for k, v in problem.choice_labels.items()},
            "objectives": list(problem.objective_names), "senses": list(problem.senses),
            "constraints": list(problem.constraint_names),
            "soft_constraints": list(problem.soft_constraint_names)}


def run_record(result: Any, *, evaluations: str | None = None, front: str | None = None) -> dict[str, Any]:
    """The run record: what the side file holds (the JSON output holds it too)."""
    problem = result.problem
    return {
        "metadata": result.metadata(),
        "columns": columns_record(problem),
        "source": problem.source,
        "reference_point": None if result.reference_point is None else _plain(result.reference_point),
        "hypervolume": result.hypervolume,
        "pick": None if result.picked is None else result.picked.record(),
        "history": [dataclasses.asdict(stats) for stats in result.history],
        "failures": [{"extern": f.extern, "point": f.point, "reason": f.reason}
                     for f in result.failures],
        "files": {"front": front, "evaluations": evaluations},
    }


def front_csv(result: Any) -> str:
    """The front as plain CSV text: a header row, then a row per point."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns())
    writer.writerows([[repr(v) if isinstance(v, float) else v for v in row] for row in result.rows()])
    return buffer.getvalue()


def write_csv(result: Any, path: str | os.PathLike[str], *, evaluations: str | None = None) -> str:
    """Write the front to ``path`` and the run record to its side file; return the CSV."""
    target = Path(path)
    text = front_csv(result)
    write_atomically(target, text)
    if evaluations is not None:
        evaluations = os.path.relpath(os.path.abspath(evaluations), target.resolve().parent)
    record = run_record(result, evaluations=evaluations, front=target.name)
    write_atomically(side_path(target), json_text(record, indent=1) + "\n")
    return text


def front_json(result: Any, *, evaluations: str | None = None) -> str:
    """The front and the run record as JSON text; ``X`` as the CSV writes it: a choice
    variable's label (a string: a label is a name), an int or bin variable's value a JSON
    integer, null where a variable does not exist. (Files written before wrote the label's
    index and every value as a float: a number in a choice column is an index.)"""
    document = run_record(result, evaluations=evaluations)
    document.update({
        "X": result.variable_values(), "F": _plain(result.F), "violation": _plain(result.violation),
        "soft_violation": _plain(result.soft_violation), "feasible": result.feasible.tolist(),
    })
    return json_text(document, indent=1) + "\n"


def write_json(result: Any, path: str | os.PathLike[str], *, evaluations: str | None = None) -> None:
    if evaluations is not None:
        evaluations = os.path.relpath(os.path.abspath(evaluations), Path(path).resolve().parent)
    write_atomically(path, front_json(result, evaluations=evaluations))


# reading back --------------------------------------------------------------------------

def _record_path(path: Path) -> Path:
    """The JSON document that holds the run record of ``path``."""
    if path.suffix == ".csv":
        side = side_path(path)
        if not side.exists():
            raise ValueError(f"its run record '{side.name}' is not next to it")
        return side
    return path


def read_record(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The run record of a CSV output (from its side file), a JSON output or a side file."""
    from mooc.dsl.written_numbers import written_float

    with open(_record_path(Path(path)), encoding="utf-8") as stream:
        try:
            document = json.load(stream, parse_float=written_float)  # 1e400 kept as written
        except json.JSONDecodeError:
            raise
        except ValueError:  # Python's words: "Exceeds the limit (4300 digits) for integer..."
            raise ValueError("it holds an integer of thousands of digits, which no run writes"
                             ) from None
    if not isinstance(document, dict) or "metadata" not in document:
        raise ValueError("it holds no run record")
    return document


def read_metadata(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The run metadata recorded with an output of ``mooc solve`` (CSV, JSON or side file)."""
    return dict(read_record(path)["metadata"])
