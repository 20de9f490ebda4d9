"""What a solve hands back: the front in the user's directions, with everything to keep it."""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mooc.files import read_metadata, write_atomically  # noqa: F401 - where they were
from mooc.table import counted


def jsonable(value: Any) -> Any:
    """``value`` with numpy arrays and numbers as lists and Python numbers (for JSON)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (np.ndarray, np.generic)):
        return value.tolist()
    return value


#: How the summary names the evolutionary methods.
_TITLES = {"nsga2": "NSGA-II", "nsga3": "NSGA-III"}

#: A param with more elements is recorded in the metadata by its shape and a hash.
_RECORDED_ELEMENTS = 1000


def _recorded_param(value: Any) -> Any:
    array = np.asarray(value, dtype=float)
    if array.size <= _RECORDED_ELEMENTS:
        return array.tolist()
    digest = hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()[:16]
    return {"shape": list(array.shape), "sha256": digest}


def model_hash(source: str, params: dict[str, Any]) -> str:
    """A hash of a model's text together with its parameter values."""
    canonical = json.dumps({k: np.asarray(v).tolist() for k, v in sorted(params.items())})
    return hashlib.sha256((source + "\0" + canonical).encode()).hexdigest()[:16]


#: Solver options that are code or data, not settings: left out of what a run records.
UNRECORDED = ("callback", "initial", "rng")


def recorded_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The settings a run records (in its outputs and checkpoints) to be repeated from."""
    return {key: value for key, value in settings.items() if key not in UNRECORDED}


def checked_output(path: Any, name: str, *, suffixes: tuple[str, ...] = ()) -> None:
    """UsageError, naming the method ``name``, unless ``path`` is a file's path (ending in
    one of ``suffixes``, when given and it has a suffix)."""
    from mooc.errors import UsageError

    if not isinstance(path, (str, os.PathLike)):
        raise UsageError(f"{name}() takes a file's path, but was given {path!r}")
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    if suffixes and suffix and suffix not in suffixes:  # none: PNG
        raise UsageError(f"{name}() takes a {', '.join(suffixes[:-1])} or {suffixes[-1]} file "
                         f"name, but was given '{os.fspath(path)}'")


@contextmanager
def writing(path: Any, name: str, *, suffixes: tuple[str, ...] = ()) -> Iterator[None]:
    """Writing ``path`` for the method ``name``: a path that is not one (see
    :func:`checked_output`), or a file that cannot be written (a missing folder, a folder's
    name), is a UsageError naming the method, the latter caused by the OSError (whose reason
    the command line says)."""
    from mooc.errors import UsageError

    checked_output(path, name, suffixes=suffixes)
    try:
        yield
    except OSError as error:
        raise UsageError(f"{name}() cannot write '{os.fspath(path)}': "
                         f"{error.strerror or error}") from error


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
    #: The run's fixed hypervolume reference point, in the user's directions.
    reference_point: np.ndarray | None = field(default=None, repr=False)
    #: The front's hypervolume against it: the number the progress line ends with.
    hypervolume: float | None = None
    #: The point chosen by :meth:`pick` (the report marks it), if any.
    picked: Any = field(default=None, repr=False)
    evaluations_table: Any = field(default=None, repr=False)
    evaluations_file: str | None = field(default=None, repr=False)
    #: The points the run was seeded with (``initial``), recorded so a rerun repeats it.
    initial: np.ndarray | None = field(default=None, repr=False)
    #: Which method ran ("nsga2", "exact"), how many subproblems it solved (exact), whether
    #: the front is proven to be every non-dominated point, and whether consecutive points
    #: are joined by segments of the front (a linear program's front).
    method: str = "nsga2"
    subproblems: int = 0
    proven: bool = False
    segments: bool = False
    method_note: str = ""  # why the solving chain picked the method
    #: Jacobians computed for gradient steps (one per point), each counted toward
    #: ``max_evaluations`` as ``n_evaluations`` are.
    n_gradient_evaluations: int = 0

    @classmethod
    def from_solver(cls, problem: Any, raw: Any, *, settings: dict[str, Any],
                    started: float, failures: list[Any] | None = None) -> Result:
        hypervolume = raw.hypervolume()
        user = raw.flip_objectives(problem.maximize)  # the one flip back to the user's signs
        reference = None if raw.reference_point is None else \
            np.where(problem.maximize, -raw.reference_point, raw.reference_point)
        kept = recorded_settings({**settings, "method": raw.method})
        kept["seed"] = raw.seed
        from mooc.externs import failure_summary

        message = user.message
        if failures:
            message += f"; {failure_summary(failures)}"
        return cls(problem, user.X, user.F, user.hard, user.soft, user.feasible,
                   user.feasible_found, message, user.stop_reason, user.n_evaluations,
                   user.n_generations, user.elapsed, user.seed, kept, list(user.history),
                   started, list(failures or []), reference, hypervolume,
                   initial=None if settings.get("initial") is None
                   else np.asarray(settings["initial"], dtype=float), method=raw.method,
                   n_gradient_evaluations=user.n_gradient_evaluations)

    @property
    def how(self) -> str:
        """Which method ran, in a few words: ``exact, 57 subproblems, proven`` or
        ``NSGA-II, seed 1``."""
        if self.method == "exact":
            return f"exact, {counted(self.subproblems, 'subproblem')}, " \
                f"{'proven' if self.proven else 'not proven'}"
        return f"{_TITLES.get(self.method, self.method)}, seed {self.seed}"

    # names -------------------------------------------------------------------------
    variable_names = property(lambda self: self.problem.variable_names)
    objective_names = property(lambda self: self.problem.objective_names)
    constraint_names = property(lambda self: self.problem.constraint_names)
    soft_constraint_names = property(lambda self: self.problem.soft_constraint_names)

    def __len__(self) -> int:
        return int(self.X.shape[0])

    def variable_values(self, X: np.ndarray | None = None) -> list[list[Any]]:
        """X (by default the front's) with each choice variable's label instead of its index,
        integers as ``int``, and None where a variable does not exist (``when``): a blank cell
        in the table and the CSV, null in the JSON."""
        from mooc.points import decode_points

        return decode_points(self.problem, self.X if X is None else X)

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
        params = {k: _recorded_param(v) for k, v in problem.params.items()}
        return {
            "problem": problem.name, "title": problem.title, "path": problem.path,
            "model_hash": problem.model_hash, "params": params,
            "overrides": jsonable(problem.overrides), "data": jsonable(problem.data),
            "settings": self.settings, "seed": self.seed, "mooc_version": mooc.__version__,
            "numpy_version": np.__version__, "duration_seconds": round(self.elapsed, 6),
            "evaluations": self.n_evaluations,
            "gradient_evaluations": self.n_gradient_evaluations,
            "generations": self.n_generations,
            "stop_reason": self.stop_reason, "feasible_found": self.feasible_found,
            "failed_evaluations": len(self.failures),
            "initial": None if self.initial is None else self.variable_values(self.initial),
            "method": self.method, "subproblems": self.subproblems, "proven": self.proven,
            "segments": self.segments, "method_note": self.method_note,
            "message": self.message,
        }

    def to_csv(self, path: str | os.PathLike[str] | None = None, *,
               evaluations: str | None = None) -> str:
        """The front as plain CSV: a header row, then one row per point (one column per variable
        element, objective and violation, then ``feasible``).

        With ``path``, also writes the run record (:meth:`metadata`, the columns' meaning,
        the history, the pick, the ``evaluations`` file's name) to the side file
        ``front.run.json`` next to ``front.csv``, where ``mooc solve --rerun`` and
        :func:`mooc.read_result` find it.
        """
        from mooc.files import front_csv, write_csv

        if path is None:
            return front_csv(self)
        with writing(path, "to_csv"):
            return write_csv(self, path, evaluations=evaluations or self.evaluations_file)

    def to_json(self, path: str | os.PathLike[str] | None = None, *,
                evaluations: str | None = None) -> str:
        """The front and the run record as JSON."""
        from mooc.files import front_json, write_json

        if path is not None:
            with writing(path, "to_json"):
                write_json(self, path, evaluations=evaluations or self.evaluations_file)
        return front_json(self, evaluations=evaluations)

    @property
    def evaluations(self) -> Any:
        """Every evaluation of the run, an :class:`mooc.evaluations.Evaluations` table, when it
        was kept (``solve(evaluations=True)`` in memory; ``evaluations="file.csv"`` or
        ``--evaluations``: read from that file on each access); else None."""
        if self.evaluations_table is not None:
            return self.evaluations_table
        if self.evaluations_file is not None:
            from mooc.evaluations import read_evaluations

            return read_evaluations(self.evaluations_file, self.problem)
        return None

    def pick(self, rule: str | None = None, /, **options: Any) -> Any:
        """Choose one point of the front and remember it (the report marks it): ``"knee"``,
        ``"weights=w1,w2,..."``, ``"reference=z1,z2,..."`` or ``"lexicographic=f2,f1"`` (see
        :mod:`mooc.pick`), or the same as keywords: ``pick(weights=[0.2, 0.8])``.

        Returns a :class:`mooc.pick.Pick`: ``index`` (the row of the front), ``x``, ``f``.
        """
        from mooc.pick import pick

        self.picked = pick(self, rule, **options)
        return self.picked

    def table(self, max_rows: int = 20, max_variables: int = 8, *,
              indices: list[int] | None = None) -> str:
        """The front as a text table: objectives, violations, feasibility, then variables;
        best first in the first objective (or the rows ``indices``)."""
        from mooc.errors import UsageError
        from mooc.table import format_table

        for name, value in (("max_rows", max_rows), ("max_variables", max_variables)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise UsageError(f"'{name}' takes a whole number of at least 0, but was given "
                                 f"{value!r}")
        if indices is not None and not all(isinstance(k, (int, np.integer)) and
                                           -len(self) <= k < len(self) for k in indices):
            raise UsageError(f"'indices' takes rows of the front (0 to {len(self) - 1}), but "
                             f"was given {indices!r}")
        first = -self.F[:, 0] if self.problem.senses[0] == "maximize" else self.F[:, 0]
        order = np.argsort(first, kind="stable")[:max_rows] if indices is None else indices
        n_var = len(self.variable_names)
        columns = self.columns()
        shown_vars = list(range(min(n_var, max_variables)))
        keep = list(range(n_var, len(columns))) + shown_vars
        rows = self.rows()
        text = format_table([columns[j] for j in keep],
                            [[rows[k][j] for j in keep] for k in order])
        notes = []
        if n_var > max_variables:
            notes.append(counted(n_var - max_variables, "more variable"))
        if indices is None and len(rows) > max_rows:
            notes.append(counted(len(rows) - max_rows, "more row"))
        if notes:
            text += f"\n... {' and '.join(notes)}"
        return text

    def plot(self, path: str | os.PathLike[str] | None = None, *,
             true_front: np.ndarray | None = None) -> Any:
        """The front as an interactive plotly figure (shown in Jupyter; needs plotly), or, with
        ``path`` (.png, .svg, .pdf), drawn to that file with matplotlib and that matplotlib
        figure returned (see :func:`mooc.plot.plot_front`)."""
        if path is None:
            from mooc.figures import front_figure

            return front_figure(self, true_front=true_front)
        from mooc.plot import plot_front

        with writing(path, "plot", suffixes=(".png", ".svg", ".pdf")):
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

        from mooc.table import format_columns

        rows = self.rows()[:30]
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns())
        body = "".join("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row)
                       + "</tr>" for row in format_columns(rows))
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

        from mooc.plot import plot_front

        figure = plot_front(self)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", bbox_inches="tight")
        plt.close(figure)
        text = buffer.getvalue()
        return text[text.find("<svg"):]

    def __repr__(self) -> str:
        if self.method == "exact":
            return (f"<mooc.Result {self.problem.name!r}: {len(self)} points, "
                    f"{self.how}>")
        return (f"<mooc.Result {self.problem.name!r}: {len(self)} points, "
                f"{self.n_evaluations} evaluations, stopped by {self.stop_reason}>")
