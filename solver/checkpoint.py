"""Checkpoints: the whole state of a run between two generations, to save and to go on from.

:func:`snapshot` takes a :class:`SolverState` after each generation. It holds references, not
copies (populations, rankings and the sorted runs of evaluated hashes are replaced between
generations, never changed in place), so taking one costs next to nothing. :func:`restore`
rebuilds a run from it, and the run then goes on exactly as the original would have: same
random stream, same archive, same record of evaluated points.

A state is saved as a NumPy ``.npz`` file of plain arrays plus one JSON document (no pickle:
loading a checkpoint runs no code), written atomically.

Examples
--------
>>> import numpy as np, tempfile, os
>>> from mooc.solver import FunctionProblem, nsga2
>>> problem = FunctionProblem(lambda X: np.c_[X[:, 0], (1 - X[:, 0]) ** 2],
...                           lower=[0.0], upper=[1.0], n_obj=2)
>>> saved = []
>>> first = nsga2(problem, population=10, generations=4, seed=2,
...               checkpoint=lambda state, final: saved.append(state))
>>> path = os.path.join(tempfile.mkdtemp(), "run.ckpt")
>>> save_checkpoint(path, saved[1])  # the state after generation 1
>>> state, extra = load_checkpoint(path)
>>> again = nsga2(problem, population=10, generations=4, resume=state)
>>> bool(np.array_equal(first.F, again.F)), again.n_generations
(True, 4)
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import hashlib
import io
import json
import os
import stat
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mooc.solver.population import Population
from mooc.solver.progress import GenerationStats, ProgressMonitor
from mooc.solver.run import Generation, Run
from mooc.solver.selection import Ranking

#: Bumped when the layout of a checkpoint file changes.
#: 2: rows hashed without the final mixing; 3: hypervolume against the fixed point,
#: unnormalized; 4: what the gradient steps learned
FORMAT = 4
_META = "meta.json"
#: The array holding the digest of all the others (see :func:`_digest`).
_DIGEST = "digest"
#: How a checkpoint file (a zip archive of arrays) begins.
_ZIP_MAGIC = b"PK\x03\x04"

#: ``checkpoint(state, final)``: called after every generation; ``final`` on the last one.
CheckpointHook = Callable[["SolverState", bool], object]


@dataclass(slots=True)  # not frozen: one is taken every generation, and frozen costs
class SolverState:
    """A run between two generations (treat as read-only). ``settings`` are the arguments
    that must not change when the run goes on (population, operators, constraint handling)."""

    settings: dict[str, Any]
    seed: int | None
    generation: int
    evaluations: int
    feasible_found: bool
    idle: int
    elapsed: float
    rng: dict[str, Any]
    survivors: Population
    ranking: Ranking
    scale: np.ndarray
    epsilon: float | None
    archive_members: Population | None
    archive_objectives: np.ndarray
    archive_pending: tuple[Population, ...]
    evaluated: tuple[np.ndarray, ...]
    progress: ProgressMonitor  # the run's, which goes on recording; see ``monitor``
    progress_mark: tuple[Any, ...]
    #: what the gradient steps have spent and learned (None: the run has none)
    gradients: dict[str, Any] | None = None
    #: the archive's shadow (objectives of points thinned away; None: empty)
    archive_shadow: np.ndarray | None = None

    @property
    def points_evaluated(self) -> int:
        """The points evaluated so far: :attr:`evaluations` without the gradient evaluations
        (which evaluate no new point)."""
        return self.evaluations - (0 if self.gradients is None
                                   else int(self.gradients["evaluations"]))

    @property
    def monitor(self) -> ProgressMonitor:
        """The progress monitor as it was at this state."""
        return self.progress.at(self.progress_mark)


def snapshot(run: Run, survivors: Generation, monitor: ProgressMonitor, *, idle: int,
             seed: int | None, settings: dict[str, Any]) -> SolverState:
    """The state of ``run`` after a generation; later generations do not change it."""
    archive = run.archive
    return SolverState(
        settings=settings, seed=seed, generation=run.generation, evaluations=run.evaluations,
        feasible_found=run.feasible_found, idle=idle, elapsed=run.elapsed(),
        rng=run.rng.bit_generator.state, survivors=survivors.population,
        ranking=survivors.ranking, scale=run.handling.scale, epsilon=run.handling.epsilon,
        archive_members=archive.members, archive_objectives=archive.objectives,
        archive_pending=tuple(archive.pending), evaluated=tuple(run.evaluated.runs),
        progress=monitor, progress_mark=monitor.mark(),
        gradients=None if run.steps is None else
        {**run.steps.state_dict(), "evaluations": run.gradient_evaluations},
        archive_shadow=archive.shadow if len(archive.shadow) else None,
    )


def restore(state: SolverState, run: Run) -> tuple[Generation, ProgressMonitor]:
    """Put ``state`` into ``run`` (freshly made with the same settings) and return the
    survivors and the progress monitor to go on with."""
    run.generation, run.evaluations = state.generation, state.evaluations
    run.feasible_found = state.feasible_found
    run.start = time.perf_counter() - state.elapsed
    run.rng.bit_generator.state = state.rng
    run.handling.scale, run.handling.epsilon = state.scale, state.epsilon
    archive = run.archive
    archive.members, archive.objectives = state.archive_members, state.archive_objectives
    archive.pending = list(state.archive_pending)
    archive.pending_rows = sum(len(part) for part in state.archive_pending)
    if state.archive_shadow is not None:
        archive.shadow = state.archive_shadow
    run.evaluated.runs = list(state.evaluated)
    if run.steps is not None and state.gradients is not None:
        run.steps.load_state(state.gradients)
        run.gradient_evaluations = int(state.gradients["evaluations"])
    return Generation(state.survivors, state.ranking), state.monitor


def check_settings(state: SolverState, settings: dict[str, Any]) -> None:
    """Raise ValueError naming each setting that differs from the checkpoint's."""
    changed = [f"'{key}' was {state.settings.get(key)!r}, now {value!r}"
               for key, value in settings.items() if state.settings.get(key) != value]
    if changed:
        raise ValueError("the run cannot go on with other settings than it started with: "
                         + "; ".join(changed))


# files ------------------------------------------------------------------------------------

def not_a_regular_file(path: str | os.PathLike[str]) -> str | None:
    """Why a file written atomically must not go to ``path``, in words: it names a device, a
    pipe or a socket (a link to one included), which the rename would replace (``/dev/null``
    itself, for a run as root). None when it is a regular file, or nothing yet."""
    try:
        mode = os.stat(path).st_mode
    except OSError:  # nothing there (or nothing to follow): the write says what is wrong
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):  # a folder's name: the write says so
        return None
    return "it is not a regular file (a device, a pipe or a socket), which writing would replace"


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[str]:
    """A temporary file's path beside ``path`` to write; renamed into place (with the usual
    permissions) when the block ends, removed if it fails: an interrupted write never leaves
    a half-written file. OSError when ``path`` is not a regular file to replace (see
    :func:`not_a_regular_file`)."""
    target = Path(path)
    refused = not_a_regular_file(target)
    if refused is not None:
        raise OSError(errno.EEXIST, refused, os.fspath(path))
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    os.close(handle)
    try:
        yield temporary
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_bytes_atomically(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_path`)."""
    with atomic_path(path) as temporary, open(temporary, "wb") as stream:
        stream.write(data)


def save_checkpoint(path: str | os.PathLike[str], state: SolverState | None,
                    extra: dict[str, Any] | None = None) -> None:
    """Write ``state`` (None before the first generation is done) and ``extra`` (JSON-able
    data of the caller's) to ``path`` atomically."""
    arrays: dict[str, np.ndarray] = {}
    meta: dict[str, Any] = {"format": FORMAT, "extra": extra or {}, "state": None}
    if state is not None:
        meta["state"] = _pack_state(state, arrays)
    arrays[_META] = np.frombuffer(json.dumps(meta, default=_plain).encode(), dtype=np.uint8)
    arrays[_DIGEST] = np.frombuffer(_digest(arrays).encode(), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, allow_pickle=False, **arrays)
    write_bytes_atomically(path, buffer.getvalue())


def load_checkpoint(path: str | os.PathLike[str]) -> tuple[SolverState | None, dict[str, Any]]:
    """The state and the caller's extra data saved by :func:`save_checkpoint`; ValueError
    when ``path`` is not such a file."""
    meta, arrays = _read_arrays(path)
    if meta.get("format") != FORMAT:
        raise ValueError(f"'{path}' is a checkpoint of format {meta.get('format')}; this "
                         f"version of mooc reads format {FORMAT}")
    try:
        state = None if meta["state"] is None else _unpack_state(meta["state"], arrays)
        return state, meta["extra"]
    except (KeyError, TypeError, IndexError, AttributeError, ValueError) as error:
        raise ValueError(f"'{path}' is not a mooc checkpoint ({error!r})") from None


def _read_arrays(path: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The JSON document and the arrays of the checkpoint file ``path``; ValueError when it
    is not one, or is truncated or damaged."""
    with open(path, "rb") as stream:  # opened here: np.load leaves a damaged file open
        if stream.read(len(_ZIP_MAGIC)) != _ZIP_MAGIC:  # else np.load would try a pickle
            raise ValueError(f"'{path}' is not a mooc checkpoint")
        stream.seek(0)
        try:
            with np.load(stream, allow_pickle=False) as data:
                arrays = {name: data[name] for name in data.files}
            digest = arrays.pop(_DIGEST, None)  # none in a checkpoint of an older mooc
            changed = digest is not None and digest.tobytes() != _digest(arrays).encode()
            meta = json.loads(arrays.pop(_META).tobytes().decode())
        except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile) as error:
            raise ValueError(f"'{path}' is not a mooc checkpoint, or it is truncated or "
                             f"damaged ({error})") from None
    if changed:
        raise ValueError(f"'{path}' was changed after mooc wrote it; mooc resumes only "
                         "checkpoints as it wrote them")
    if not isinstance(meta, dict):
        raise ValueError(f"'{path}' is not a mooc checkpoint")
    return meta, arrays


def _digest(arrays: dict[str, np.ndarray]) -> str:
    """sha256 of every array, its name, type and shape: a checkpoint edited by hand (a field
    of another kind in its JSON document) is refused whole, not read into a run that fails."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}|{array.dtype.str}|{array.shape}|".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def _pack_population(name: str, population: Population, arrays: dict[str, np.ndarray]) -> None:
    for part in ("X", "F", "hard", "soft"):
        arrays[f"{name}.{part}"] = getattr(population, part)


def _unpack_population(name: str, arrays: dict[str, np.ndarray]) -> Population:
    return Population(*(arrays[f"{name}.{part}"] for part in ("X", "F", "hard", "soft")))


def _optional_array(name: str, value: np.ndarray | None, arrays: dict[str, np.ndarray]) -> bool:
    if value is not None:
        arrays[name] = value
    return value is not None


def _pack_state(state: SolverState, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    _pack_population("survivors", state.survivors, arrays)
    for part in ("objectives", "rank", "crowding", "feasible"):
        arrays[f"ranking.{part}"] = getattr(state.ranking, part)
    arrays["scale"] = state.scale
    if state.archive_members is not None:
        _pack_population("archive", state.archive_members, arrays)
    arrays["archive.objectives"] = state.archive_objectives
    for k, part in enumerate(state.archive_pending):
        _pack_population(f"pending{k}", part, arrays)
    _optional_array("archive.shadow", state.archive_shadow, arrays)
    for k, run in enumerate(state.evaluated):
        arrays[f"evaluated{k}"] = run
    monitor = state.monitor
    arrays_present = {name: _optional_array(f"monitor.{name}", getattr(monitor, name), arrays)
                      for name in ("_origin", "_scale", "_bounds", "_reference")}
    return {
        "settings": state.settings, "seed": state.seed, "generation": state.generation,
        "evaluations": state.evaluations, "feasible_found": state.feasible_found,
        "idle": state.idle, "elapsed": state.elapsed, "rng": _json_rng(state.rng),
        "all_feasible": state.ranking.all_feasible, "epsilon": state.epsilon,
        "archive": state.archive_members is not None, "pending": len(state.archive_pending),
        "evaluated": len(state.evaluated), "gradients": state.gradients,
        "monitor": {"tolerance": monitor.tolerance, "since_improvement": monitor.since_improvement,
                    "best_hypervolume": monitor._best_hypervolume,
                    "best_violation": monitor._best_violation,
                    "arrays": arrays_present,
                    "history": [dataclasses.asdict(stats) for stats in monitor.history]},
    }


def _unpack_state(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> SolverState:
    ranking = Ranking(*(arrays[f"ranking.{part}"] for part in
                        ("objectives", "rank", "crowding", "feasible")), meta["all_feasible"])
    saved = meta["monitor"]
    monitor = ProgressMonitor(
        tolerance=saved["tolerance"], since_improvement=saved["since_improvement"],
        history=[GenerationStats(**stats) for stats in saved["history"]],
        _best_hypervolume=saved["best_hypervolume"], _best_violation=saved["best_violation"],
        **{name: arrays[f"monitor.{name}"] if present else None
           for name, present in saved["arrays"].items()},
    )
    return SolverState(
        settings=meta["settings"], seed=meta["seed"], generation=meta["generation"],
        evaluations=meta["evaluations"], feasible_found=meta["feasible_found"],
        idle=meta["idle"], elapsed=meta["elapsed"], rng=_rng_from_json(meta["rng"]),
        survivors=_unpack_population("survivors", arrays), ranking=ranking,
        scale=arrays["scale"], epsilon=meta["epsilon"],
        archive_members=_unpack_population("archive", arrays) if meta["archive"] else None,
        archive_objectives=arrays["archive.objectives"],
        archive_pending=tuple(_unpack_population(f"pending{k}", arrays)
                              for k in range(meta["pending"])),
        evaluated=tuple(arrays[f"evaluated{k}"] for k in range(meta["evaluated"])),
        progress=monitor, progress_mark=monitor.mark(), gradients=meta.get("gradients"),
        archive_shadow=arrays.get("archive.shadow"),
    )


def _plain(value: Any) -> Any:
    """numpy scalars and arrays as JSON sees them."""
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    raise TypeError(f"cannot save {type(value).__name__} in a checkpoint")


def _json_rng(state: Any) -> Any:
    """A bit generator's state with its arrays (MT19937's key) as tagged lists."""
    if isinstance(state, dict):
        return {key: _json_rng(value) for key, value in state.items()}
    if isinstance(state, np.ndarray):
        return {"__array__": state.tolist(), "dtype": str(state.dtype)}
    return state


def _rng_from_json(state: Any) -> Any:
    if isinstance(state, dict) and "__array__" in state:
        return np.asarray(state["__array__"], dtype=state["dtype"])
    if isinstance(state, dict):
        return {key: _rng_from_json(value) for key, value in state.items()}
    return state


class CheckpointFile:
    """A checkpoint hook writing to ``path``: after a generation when ``every`` seconds have
    passed since the last write, and always after the last one; for instance
    ``nsga2(problem, generations=500, checkpoint=CheckpointFile("run.ckpt", every=30.0))``.
    ``extra`` returns the caller's data to save along (JSON-able).
    """

    def __init__(self, path: str | os.PathLike[str], *, every: float = 0.0,
                 extra: Callable[[], dict[str, Any]] | None = None):
        self.path, self.every, self.extra = path, every, extra
        self.state: SolverState | None = None
        self.written = -np.inf

    def __call__(self, state: SolverState, final: bool) -> None:
        self.state = state
        if final or time.monotonic() - self.written >= self.every:
            self.write()

    def write(self) -> None:
        """Write the latest state now (with the caller's extra data)."""
        save_checkpoint(self.path, self.state, self.extra() if self.extra else None)
        self.written = time.monotonic()
