"""Every evaluation of a run, kept: one row per evaluated point, in the order evaluated.

Columns: ``number`` (from 0), ``generation`` (0: the initial population), the variables (choice
variables by label), the objectives in the user's directions, the hard and soft constraint
violations, ``feasible`` (every hard constraint holds and every objective is a finite number,
as for the front's points: see :func:`feasible_rows`), ``on_front`` (the point is on the run's
final front) and ``failure`` (why an extern call failed for the point, else empty).

:class:`EvaluationLog` is the solver's ``on_evaluated`` hook. Kept in memory it holds every
row (8 bytes a number: ``n_evaluations * (2 + n_var + n_obj + n_hard + n_soft) * 8`` bytes).
Streamed to a file it holds one batch at a time: rows go to a spool file beside the target as
they come, and at the end the spool is turned, a chunk at a time, into the CSV or Parquet file
(written to a temporary name and renamed, so a stopped run never leaves half a file); only
``on_front`` waits for the end, when the front is known. A resumed run (a checkpoint) goes on
with the spool the stopped run left; a run with a checkpoint leaves its spool when it ends too
(a resume may raise its limits).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mooc.errors import UsageError
from mooc.evaluation_files import require_pyarrow, write_file

#: Rows turned from the spool into the output file at a time.
CHUNK_ROWS = 16384
#: The file types ``--evaluations`` writes.
SUFFIXES = (".csv", ".parquet")


def fixed_columns() -> list[str]:
    return ["number", "generation"]


def check_target(path: str | os.PathLike[str]) -> None:
    """Refuse a file name the log cannot write, before a run starts."""
    suffix = Path(path).suffix
    if suffix not in SUFFIXES:
        raise UsageError(f"--evaluations takes a .csv or .parquet file name, but was given "
                         f"'{path}'")
    if suffix == ".parquet":
        require_pyarrow()


@dataclass
class Evaluations:
    """Every evaluated point of a run (see the module); arrays of one row per evaluation.

    ``F`` is in the user's directions; ``failure`` holds the reason an extern call failed
    for the point ("" when none did).
    """

    problem: Any
    number: np.ndarray
    generation: np.ndarray
    X: np.ndarray
    F: np.ndarray
    violation: np.ndarray
    soft_violation: np.ndarray
    on_front: np.ndarray
    failure: list[str]

    @property
    def feasible(self) -> np.ndarray:
        """True where every hard constraint holds and every objective is finite."""
        return feasible_rows(self.F, self.violation)

    def __len__(self) -> int:
        return int(self.number.shape[0])

    def columns(self) -> list[str]:
        return columns_of(self.problem)

    def rows(self) -> Iterator[list[Any]]:
        """The rows as written to a file (choice variables by label)."""
        yield from _rows(self.problem, self.number, self.generation, self.X, self.F,
                         self.violation, self.soft_violation, self.on_front, self.failure)

    def to_pandas(self) -> Any:
        """The table as a pandas DataFrame (needs pandas)."""
        try:
            import pandas
        except ImportError:
            raise UsageError("to_pandas() needs pandas: pip install pandas") from None
        return pandas.DataFrame(list(self.rows()), columns=self.columns())

    def __repr__(self) -> str:
        return f"<mooc.Evaluations: {len(self)} rows, columns {', '.join(self.columns())}>"


def feasible_rows(F: np.ndarray, hard: np.ndarray) -> np.ndarray:
    """Mask of the rows that satisfy every hard constraint with finite objectives: the rule of
    the front's ``feasible`` column (a point that could not be evaluated, its objective NaN or
    infinite, is never called feasible, even with no constraint broken)."""
    return np.all(hard == 0, axis=1) & np.isfinite(F).all(axis=1)


def columns_of(problem: Any) -> list[str]:
    return [*fixed_columns(), *problem.variable_names, *problem.objective_names,
            *problem.constraint_names, *problem.soft_constraint_names, "feasible", "on_front",
            "failure"]


def _rows(problem: Any, number: np.ndarray, generation: np.ndarray, X: np.ndarray,
          F: np.ndarray, hard: np.ndarray, soft: np.ndarray, on_front: np.ndarray,
          failure: list[str]) -> Iterator[list[Any]]:
    from mooc.points import decode_points

    variables = decode_points(problem, X)
    feasible = feasible_rows(F, hard)
    for k in range(number.shape[0]):
        yield [int(number[k]), int(generation[k]), *variables[k], *F[k].tolist(),
               *hard[k].tolist(), *soft[k].tolist(), bool(feasible[k]), bool(on_front[k]),
               failure[k]]


class EvaluationLog:
    """The solver's ``on_evaluated`` hook for one run: keeps every evaluation in memory
    (``target=None``) or streams it toward the file ``target``; see the module.

    ``runner`` is the problem's extern runner, whose failures name their rows; ``resume_rows``
    the evaluations a resumed run had done (the spool is cut back to them).
    """

    def __init__(self, problem: Any, target: str | os.PathLike[str] | None = None, *,
                 runner: Any = None, resume_rows: int = 0):
        self.problem, self.runner = problem, runner
        self.target = None if target is None else Path(target)
        self.flip = np.where(problem.maximize, -1.0, 1.0)
        self.width = 2 + problem.n_var + problem.n_obj + problem.n_hard + problem.n_soft
        self.count = resume_rows
        self.seen_failures = len(runner.failures) if runner is not None else 0
        self.failures: dict[int, str] = {}
        self.blocks: list[np.ndarray] = []
        self._claim: Any = None  # the spool, open and locked while this run writes it
        if self.target is not None:
            self._open_spool(resume_rows)

    # spool files ----------------------------------------------------------------------
    @property
    def spool_path(self) -> Path:
        assert self.target is not None
        return self.target.with_name(f".{self.target.name}.spool")

    @property
    def failures_path(self) -> Path:
        return self.spool_path.with_name(self.spool_path.name + ".failures")

    def _open_spool(self, resume_rows: int) -> None:
        spool, failures = self.spool_path, self.failures_path
        self._claim = _claimed(spool, self.target)
        size = os.fstat(self._claim.fileno()).st_size
        if size < resume_rows * self.width * 8:  # another file than the run's, or none kept
            if size:
                self.release()
            else:  # made just now: no trace left
                spool.unlink(missing_ok=True)
                self.release()
            raise UsageError(f"cannot keep the evaluations in '{self.target}': the resumed run "
                             f"has made {resume_rows:,}, whose rows are not in this file's "
                             "spool; give the evaluations file the run started with, or none")
        self._claim.truncate(min(resume_rows * self.width * 8, size))
        if resume_rows and failures.exists():
            self.failures = {n: r for n, r in _read_failures(failures).items()
                             if n < resume_rows}
        failures.write_text("".join(f"{n}\t{r}\n" for n, r in sorted(self.failures.items())),
                            encoding="utf-8")

    def release(self) -> None:
        """Let go of the spool, keeping it (a stopped run's, to be resumed)."""
        if self._claim is not None:
            self._claim.close()
            self._claim = None

    def discard(self) -> None:
        """Remove the spool files (a run that ended with nothing to write)."""
        if self.target is not None:
            self.spool_path.unlink(missing_ok=True)
            self.failures_path.unlink(missing_ok=True)
        self.release()

    # the hook -------------------------------------------------------------------------
    def __call__(self, population: Any, generation: int) -> None:
        n = len(population)
        if n == 0:
            return
        block = np.empty((n, self.width))
        block[:, 0] = np.arange(self.count, self.count + n)
        block[:, 1] = generation
        block[:, 2:] = np.concatenate([population.X, population.F * self.flip, population.hard,
                                       population.soft], axis=1)
        new_failures = self._batch_failures(self.count)
        self.count += n
        if self.target is None:
            self.blocks.append(block)
            self.failures.update(new_failures)
            return
        with open(self.spool_path, "ab") as stream:
            stream.write(block.tobytes())
        if new_failures:
            self.failures.update(new_failures)
            with open(self.failures_path, "a", encoding="utf-8") as stream:
                stream.writelines(f"{n}\t{r}\n" for n, r in sorted(new_failures.items()))

    def _batch_failures(self, start: int) -> dict[int, str]:
        if self.runner is None or len(self.runner.failures) == self.seen_failures:
            return {}
        found: dict[int, str] = {}
        for failure in self.runner.failures[self.seen_failures:]:
            if failure.row is not None:
                number = start + failure.row
                reason = f"{failure.extern}: {failure.reason}".replace("\n", " ").replace("\t", " ")
                found[number] = f"{found[number]}; {reason}" if number in found else reason
        self.seen_failures = len(self.runner.failures)
        return found

    # the end --------------------------------------------------------------------------
    def finish(self, front_X: np.ndarray, n_rows: int, *,
               resumable: bool = False) -> Evaluations | None:
        """The table (kept in memory) or write the file (streamed; returns None), with the
        first ``n_rows`` rows (those of the finished generations) and ``on_front`` from the
        final front's points ``front_X``. The spool of a ``resumable`` run (one with a
        checkpoint) is kept: its resume, even with a raised limit after its end, goes on with
        it, and its file then holds every row again."""
        marker = _FrontMarker(front_X)
        if self.target is None:
            data = np.concatenate(self.blocks) if self.blocks else np.empty((0, self.width))
            return self._table(data[data[:, 0] < n_rows], marker)
        try:
            write_file(self, marker, n_rows, columns_of(self.problem))
        finally:
            if resumable:
                self.release()
            else:
                self.discard()
        return None

    def _split(self, data: np.ndarray) -> tuple[np.ndarray, ...]:
        p = self.problem
        cuts = np.cumsum([2, p.n_var, p.n_obj, p.n_hard])
        X, F, hard, soft = np.split(data[:, 2:], cuts[1:] - 2, axis=1)
        return data[:, 0].astype(np.int64), data[:, 1].astype(np.int64), X, F, hard, soft

    def _table(self, data: np.ndarray, marker: _FrontMarker) -> Evaluations:
        number, generation, X, F, hard, soft = self._split(data)
        failure = [self.failures.get(int(n), "") for n in number]
        return Evaluations(self.problem, number, generation, X, F, hard, soft, marker(X),
                           failure)

    def chunks(self, n_rows: int) -> Iterator[np.ndarray]:
        """The spooled rows numbered below ``n_rows``, at most :data:`CHUNK_ROWS` at a time."""
        with open(self.spool_path, "rb") as stream:
            while True:
                data = np.fromfile(stream, count=CHUNK_ROWS * self.width)
                if not data.size:
                    return
                rows = data.reshape(-1, self.width)
                yield rows[rows[:, 0] < n_rows]


def row_key(row: np.ndarray) -> tuple[float | None, ...]:
    """A row as a set key: a variable that does not exist (NaN) as None, since NaN equals
    nothing, not even itself."""
    return tuple(None if value != value else value for value in row.tolist())


class _FrontMarker:
    """Which rows are points of the front (matched exactly, found by hash; a variable that
    does not exist matches one that does not exist)."""

    def __init__(self, front_X: np.ndarray):
        from mooc.solver.evaluated import row_hashes

        self.hash = row_hashes
        self.front = {row_key(row) for row in np.asarray(front_X, dtype=float)}
        self.hashes = np.sort(row_hashes(front_X)) if len(front_X) else np.empty(0, np.uint64)

    def __call__(self, X: np.ndarray) -> np.ndarray:
        if not X.shape[0] or not self.hashes.size:
            return np.zeros(X.shape[0], dtype=bool)
        maybe = np.isin(self.hash(X), self.hashes)
        for k in maybe.nonzero()[0]:
            maybe[k] = row_key(X[k]) in self.front
        return maybe


def _read_failures(path: Path) -> dict[int, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        number, _, reason = line.partition("\t")
        out[int(number)] = reason
    return out


def _empty_evaluations(problem: Any) -> Evaluations:
    def zeros(k: int) -> np.ndarray:
        return np.zeros((0, k))

    return Evaluations(problem, np.zeros(0, np.int64), np.zeros(0, np.int64), zeros(problem.n_var),
                       zeros(problem.n_obj), zeros(problem.n_hard), zeros(problem.n_soft),
                       np.zeros(0, bool), [])


def read_evaluations(path: str | os.PathLike[str], problem: Any) -> Evaluations:
    """The evaluations file at ``path`` (CSV or Parquet) of a run on ``problem`` (a Problem,
    or the problem recorded with a saved result)."""
    from mooc.points import encode_points

    path = Path(path)
    if path.suffix == ".parquet":
        require_pyarrow()
        import pyarrow.parquet as parquet

        table = parquet.read_table(path).to_pylist()
        header = columns_of(problem)
        rows = [[row[name] for name in header] for row in table]
    else:
        with open(path, encoding="utf-8", newline="") as stream:
            reader = csv.reader(stream)
            header = next(reader, [])
            rows = list(reader)
    if header != columns_of(problem):
        raise UsageError(f"'{path}' is not an evaluations file of '{problem.name}' (its columns "
                         "differ)")
    if not rows:
        return _empty_evaluations(problem)
    p = problem
    cuts = np.cumsum([2, p.n_var, p.n_obj, p.n_hard, p.n_soft])
    number = np.array([int(r[0]) for r in rows], dtype=np.int64)
    generation = np.array([int(r[1]) for r in rows], dtype=np.int64)
    X = encode_points(problem, [r[2:cuts[1]] for r in rows], name=str(path))
    numbers = np.array([[float(v) for v in r[cuts[1]:cuts[4]]] for r in rows]).reshape(len(rows), -1)
    F, hard, soft = np.split(numbers, cuts[2:4] - cuts[1], axis=1)
    on_front = np.array([r[cuts[4] + 1] in (True, "True") for r in rows])
    failure = [str(r[cuts[4] + 2] or "") for r in rows]
    return Evaluations(problem, number, generation, X, F, hard, soft, on_front, failure)


def _claimed(spool: Path, target: Any) -> Any:
    """The spool, opened (not emptied) and locked for this run; UsageError when another run
    holds it, whose rows would be mixed with this run's (where files can be locked)."""
    stream = open(spool, "a+b")  # held for the run, closed by release()
    try:
        import fcntl
    except ImportError:  # Windows
        return stream
    try:
        fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        stream.close()
        raise UsageError(f"the evaluations file '{target}' is being written by another run "
                         "(its spool is in use); give this run a file of its own") from None
    from mooc.checkpoint_lock import keep_from_children

    keep_from_children(stream)
    return stream


def start_log(problem: Any, evaluations: Any, resumed: Any = None) -> EvaluationLog | None:
    """The log a solve keeps: None (not kept), True (in memory) or a file path."""
    if evaluations is None or evaluations is False:
        return None
    # one row per point: gradient evaluations have none
    resume_rows = 0 if resumed is None or resumed.state is None else \
        resumed.state.points_evaluated
    if evaluations is True:
        if resume_rows:
            raise UsageError(f"cannot keep the evaluations in memory: the resumed run has made "
                             f"{resume_rows:,}, whose rows are not there; keep them in a file "
                             "from the run's start (evaluations='FILE.csv'), or none")
        return EvaluationLog(problem, runner=problem.extern_runner, resume_rows=resume_rows)
    check_target(evaluations)
    return EvaluationLog(problem, evaluations, runner=problem.extern_runner,
                         resume_rows=resume_rows)


def attach(result: Any, log: EvaluationLog, *, resumable: bool = False) -> None:
    """Finish ``log`` with ``result``'s front and hand its table or file to ``result``
    (``resumable``: see :meth:`EvaluationLog.finish`)."""
    table = log.finish(result.X, result.n_evaluations, resumable=resumable)
    if table is not None:
        result.evaluations_table = table
    else:
        result.evaluations_file = str(log.target)
