"""What a solve hands back: the front in the user's directions, with everything to keep it."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mooc.solver.checkpoint import write_bytes_atomically


def write_atomically(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it into place."""
    write_bytes_atomically(path, text.encode("utf-8"))


#: The first line of a CSV output: this prefix, then the run's metadata as JSON.
CSV_METADATA_PREFIX = "# mooc run: "


def read_metadata(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The run metadata recorded in a JSON or CSV output of ``mooc solve``."""
    with open(path, encoding="utf-8") as stream:
        if str(path).endswith(".csv"):
            first = stream.readline()
            if not first.startswith(CSV_METADATA_PREFIX):
                raise ValueError("its first line is not '# mooc run: {...}'")
            return dict(json.loads(first[len(CSV_METADATA_PREFIX):]))
        return dict(json.load(stream)["metadata"])


def model_hash(source: str, params: dict[str, Any]) -> str:
    """A hash of a model's text together with its parameter values."""
    canonical = json.dumps({k: np.asarray(v).tolist() for k, v in sorted(params.items())})
    return hashlib.sha256((source + "\0" + canonical).encode()).hexdigest()[:16]


#: Solver options that are code or data, not settings: left out of what a run records.
UNRECORDED = ("callback", "initial", "rng")


def recorded_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The settings a run records (in its outputs and checkpoints) to be repeated from."""
    return {key: value for key, value in settings.items() if key not in UNRECORDED}


@dataclass
class Result:
    """The Pareto front of a solve. ``F`` is in the user's directions (maximized stay maximized)."""

    problem: Any = field(repr=False)
    X: np.ndarray
    F: np.ndarray
    violation: np.ndarray
    soft_violation: np.ndarray
    feasible: np.ndarray
    feasible_found: bool
    message: str
    stop_reason: str
    n_evaluations: int
    n_generations: int
    elapsed: float
    seed: int | None
    settings: dict[str, Any]
    history: list[Any] = field(default_factory=list, repr=False)
    started: float = 0.0
    failures: list[Any] = field(default_factory=list, repr=False)
    #: Which method ran ("nsga2", "exact"), how many subproblems it solved (exact), whether
    #: the front is proven to be every non-dominated point, and whether consecutive points
    #: are joined by segments of the front (a linear program's front).
    method: str = "nsga2"
    subproblems: int = 0
    proven: bool = False
    segments: bool = False
    method_note: str = ""  # why the solving chain picked the method

    @classmethod
    def from_solver(cls, problem: Any, raw: Any, *, settings: dict[str, Any],
                    started: float, failures: list[Any] | None = None) -> Result:
        user = raw.flip_objectives(problem.maximize)  # the one flip back to the user's signs
        kept = recorded_settings({**settings, "method": "nsga2"})
        kept["seed"] = raw.seed
        from mooc.externs import failure_summary

        message = user.message
        if failures:
            message += f"; {failure_summary(failures)}"
        return cls(problem, user.X, user.F, user.hard, user.soft, user.feasible,
                   user.feasible_found, message, user.stop_reason, user.n_evaluations,
                   user.n_generations, user.elapsed, user.seed, kept, list(user.history),
                   started, list(failures or []))

    @property
    def how(self) -> str:
        """Which method ran, in a few words: ``exact, 57 subproblems, proven`` or
        ``NSGA-II, seed 1``."""
        if self.method == "exact":
            return (f"exact, {self.subproblems} subproblems, "
                    f"{'proven' if self.proven else 'not proven'}")
        return f"NSGA-II, seed {self.seed}"

    # names -------------------------------------------------------------------------
    variable_names = property(lambda self: self.problem.variable_names)
    objective_names = property(lambda self: self.problem.objective_names)
    constraint_names = property(lambda self: self.problem.constraint_names)
    soft_constraint_names = property(lambda self: self.problem.soft_constraint_names)

    def __len__(self) -> int:
        return int(self.X.shape[0])

    def variable_values(self) -> list[list[Any]]:
        """X with each choice variable's label instead of its index."""
        labels_by_column = _choice_labels(self.problem)
        rows = []
        for x in self.X:
            rows.append([labels_by_column[j][int(v)] if j in labels_by_column else _plain(v, kind)
                         for j, (v, kind) in enumerate(zip(x, self.problem.kinds, strict=True))])
        return rows

    # output ------------------------------------------------------------------------
    def columns(self) -> list[str]:
        return [*self.variable_names, *self.objective_names, *self.constraint_names,
                *self.soft_constraint_names, "feasible"]

    def rows(self) -> list[list[Any]]:
        values = self.variable_values()
        return [[*values[k], *self.F[k].tolist(), *self.violation[k].tolist(),
                 *self.soft_violation[k].tolist(), bool(self.feasible[k])]
                for k in range(len(self))]

    def metadata(self) -> dict[str, Any]:
        """What a run can be repeated from: problem, model hash, params, settings, versions."""
        import mooc

        problem = self.problem
        params = {k: np.asarray(v).tolist() for k, v in problem.params.items()}
        return {
            "problem": problem.name, "title": problem.title, "path": problem.path,
            "model_hash": problem.model_hash, "params": params,
            "overrides": {k: np.asarray(v).tolist() for k, v in problem.overrides.items()},
            "settings": self.settings, "seed": self.seed, "mooc_version": mooc.__version__,
            "numpy_version": np.__version__, "duration_seconds": round(self.elapsed, 6),
            "evaluations": self.n_evaluations, "generations": self.n_generations,
            "stop_reason": self.stop_reason, "feasible_found": self.feasible_found,
            "failed_evaluations": len(self.failures),
            "method": self.method, "subproblems": self.subproblems, "proven": self.proven,
            "segments": self.segments, "method_note": self.method_note,
            "message": self.message,
        }

    def to_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """The front as CSV (one column per variable element, objective and violation).

        The first line is a comment, ``# mooc run: {...}``, holding :meth:`metadata` as JSON
        (``pandas.read_csv(path, comment="#")`` skips it); ``mooc solve --rerun`` reads it.
        """
        buffer = io.StringIO()
        buffer.write(f"{CSV_METADATA_PREFIX}{json.dumps(self.metadata())}\n")
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.columns())
        writer.writerows([[_csv_cell(v) for v in row] for row in self.rows()])
        text = buffer.getvalue()
        if path is not None:
            write_atomically(path, text)
        return text

    def to_json(self, path: str | os.PathLike[str] | None = None) -> str:
        """The front and the run's metadata as JSON."""
        document = {
            "metadata": self.metadata(),
            "columns": {"variables": list(self.variable_names),
                        "objectives": list(self.objective_names),
                        "senses": list(self.problem.senses),
                        "constraints": list(self.constraint_names),
                        "soft_constraints": list(self.soft_constraint_names)},
            "X": _json_matrix(self.X), "F": _json_matrix(self.F),
            "violation": _json_matrix(self.violation),
            "soft_violation": _json_matrix(self.soft_violation),
            "feasible": self.feasible.tolist(),
            "failures": [{"extern": f.extern, "point": f.point, "reason": f.reason}
                         for f in self.failures],
        }
        text = json.dumps(document, indent=1) + "\n"
        if path is not None:
            write_atomically(path, text)
        return text

    def table(self, max_rows: int = 20, max_variables: int = 8) -> str:
        """The front as a text table: objectives, violations, feasibility, then variables;
        best first in the first objective."""
        from mooc.table import format_table

        first = -self.F[:, 0] if self.problem.senses[0] == "maximize" else self.F[:, 0]
        order = np.argsort(first, kind="stable")[:max_rows]
        n_var = len(self.variable_names)
        columns = self.columns()
        shown_vars = list(range(min(n_var, max_variables)))
        keep = list(range(n_var, len(columns))) + shown_vars
        rows = self.rows()
        text = format_table([columns[j] for j in keep],
                            [[rows[k][j] for j in keep] for k in order])
        notes = []
        if n_var > max_variables:
            notes.append(f"{n_var - max_variables} more variable{'s' if n_var - max_variables > 1 else ''}")
        if len(rows) > max_rows:
            notes.append(f"{len(rows) - max_rows} more rows")
        if notes:
            text += f"\n... {' and '.join(notes)} (use --out front.csv to keep all)"
        return text

    def plot(self, path: str | os.PathLike[str] | None = None, *,
             true_front: np.ndarray | None = None) -> Any:
        """Draw the front with matplotlib (see :func:`mooc.plot.plot_front`)."""
        from mooc.plot import plot_front

        return plot_front(self, path, true_front=true_front)

    def to_pandas(self) -> Any:
        """The front as a pandas DataFrame (needs pandas)."""
        try:
            import pandas
        except ImportError:
            from mooc.errors import UsageError

            raise UsageError("to_pandas() needs pandas: pip install pandas") from None
        return pandas.DataFrame(self.rows(), columns=self.columns())

    def _repr_html_(self) -> str:
        """Jupyter: a summary, a plot when matplotlib is installed, and the table."""
        import html

        from mooc.table import format_cell

        rows = self.rows()[:30]
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns())
        body = "".join("<tr>" + "".join(f"<td>{html.escape(format_cell(v))}</td>" for v in row)
                       + "</tr>" for row in rows)
        more = f"<p>… {len(self) - 30} more rows</p>" if len(self) > 30 else ""
        return (f"<p><b>{html.escape(self.problem.title)}</b>: {html.escape(self.message)}</p>"
                f"{self._svg_plot()}<table><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table>{more}")

    def _svg_plot(self) -> str:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            return ""
        import matplotlib.pyplot as plt

        figure = self.plot()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", bbox_inches="tight")
        plt.close(figure)
        text = buffer.getvalue()
        return text[text.find("<svg"):]

    def __repr__(self) -> str:
        if self.method == "exact":
            return (f"<mooc.Result {self.problem.name!r}: {len(self)} points, exact, "
                    f"{self.subproblems} subproblems, {'proven' if self.proven else 'not proven'}>")
        return (f"<mooc.Result {self.problem.name!r}: {len(self)} points, "
                f"{self.n_evaluations} evaluations, stopped by {self.stop_reason}>")


def _choice_labels(problem: Any) -> dict[int, tuple[str, ...]]:
    out, column = {}, 0
    for block in problem._compiled.lowered.variables:
        for _ in range(block.size):
            if block.kind == "choice":
                out[column] = block.labels
            column += 1
    return out


def _plain(value: float, kind: str) -> Any:
    return int(value) if kind in ("int", "bin") else float(value)


def _csv_cell(value: Any) -> Any:
    if isinstance(value, float):
        return repr(value)
    return value


def _json_matrix(values: np.ndarray) -> list[list[float | None]]:
    return [[float(v) if np.isfinite(v) else None for v in row] for row in values]
