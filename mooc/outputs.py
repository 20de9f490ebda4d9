"""The files ``mooc solve`` writes, checked before the run and written so that one that fails
loses nothing else: every output that can be written is, and each failure is named.

Before the run each path is tried the way it will be written (a temporary file beside it),
so a missing or read-only folder, a path that is a folder, or a place like /proc is refused
before any time is spent. A write can still fail at the end (a folder removed or made
read-only meanwhile, a full disk): :func:`write_outputs` then goes on with the others and
returns what failed, and the command prints the front and names each failure.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mooc.errors import MooError, UsageError
from mooc.files import side_path
from mooc.solver.checkpoint import not_a_regular_file


@dataclass(frozen=True)
class Output:
    """One file to write: the flag that asked for it, its path, and how to write it."""

    flag: str
    path: str
    write: Callable[[], object]


def output_paths(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(flag, path) of every file the command writes, the checkpoint and the evaluations
    included."""
    paths = [("--out", path) for path in args.out] + [("--plot", path) for path in args.plot]
    if args.report:
        paths.append(("--report", args.report))
    if args.evaluations:
        paths.append(("--evaluations", args.evaluations))
    if args.checkpoint:
        paths.append(("--checkpoint", args.checkpoint))
    elif args.resume:
        paths.append(("--resume", args.resume))  # the run goes on saving to it
    return paths


def check_output_paths(args: argparse.Namespace) -> None:
    """Refuse, before the run, every output that cannot be written, and two outputs that
    would be written to one file (the last would replace the other)."""
    if args.plot and importlib.util.find_spec("matplotlib") is None:
        raise UsageError("--plot needs matplotlib: pip install matplotlib")
    paths = output_paths(args)
    for flag, path in paths:
        check_writable(path, flag)
    check_distinct(paths)


def check_distinct(paths: list[tuple[str, str]]) -> None:
    """UsageError when two of the (flag, path) outputs are one file, a CSV front's run record
    (``front.run.json`` beside ``front.csv``) included; one output given twice (the same
    flag and file, so the same text) is no conflict."""
    seen: dict[str, tuple[str, str]] = {}
    for flag, path in paths:
        for name, kind, shown in _files_of(flag, path):
            key = _file_key(name)
            if key in seen and seen[key][0] != kind:
                raise UsageError(f"{seen[key][1]} and {shown} are the same file; give each "
                                 "output a file of its own")
            seen.setdefault(key, (kind, shown))


def check_inputs_kept(args: argparse.Namespace, problem: Any) -> None:
    """UsageError when an output would be written over the model's file or a data file the
    run reads (a checkpoint over the model): a run must not destroy its own input."""
    written = {_file_key(name): shown for flag, path in output_paths(args)
               for name, _, shown in _files_of(flag, path)}
    inputs = [("the model file", problem.path)] + [
        ("a data file of the model", item) for item in problem.data
        if isinstance(item, (str, os.PathLike))]
    for what, path in inputs:
        shown = None if path is None else written.get(_file_key(path))
        if shown is not None:
            raise UsageError(f"{shown} is {what}: the run would write over its own input; "
                             "give the output a file of its own")


def _file_key(path: str | os.PathLike[str]) -> str:
    """What tells two names of one file apart from two files."""
    return os.path.normcase(os.path.realpath(path))


def _files_of(flag: str, path: str) -> list[tuple[str, str, str]]:
    """The files one output writes: each with what it holds and how to name it to the user."""
    files = [(path, flag, f"{flag} '{path}'")]
    if flag == "--out" and Path(path).suffix == ".csv":
        side = str(side_path(path))
        files.append((side, "run record", f"the run record of {flag} '{path}' ('{side}')"))
    return files


def check_writable(path: str, flag: str) -> None:
    """UsageError naming ``flag`` unless a file can be written to ``path`` as outputs are
    (a temporary file in its folder, then renamed)."""
    try:  # looking at the path fails too, on a name too long for the file system
        target = Path(path)
        refused = not_a_regular_file(target)
        if refused is not None:
            raise UsageError(f"cannot write {flag} '{path}': {refused}; give a file name")
        if target.is_dir():
            raise UsageError(f"cannot write {flag} '{path}': it is a folder; give a file name")
        folder = target.resolve().parent
        if not folder.is_dir():
            raise UsageError(f"cannot write {flag} '{path}': the folder '{folder}' does not "
                             "exist")
        handle, probe = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.")
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        raise UsageError(f"cannot write {flag} '{path}': {_reason(error)}") from None


def planned_outputs(args: argparse.Namespace, result: Any,
                    reference: np.ndarray | None) -> list[Output]:
    """The result's files the command line asks for, in order."""
    outputs = []
    for path in args.out:
        write = result.to_json if path.endswith(".json") else result.to_csv
        outputs.append(Output("--out", path, _bound(write, path)))
    for path in args.plot:
        outputs.append(Output("--plot", path, _bound(result.plot, path, true_front=reference)))
    if args.report:
        from mooc.report import write_report

        outputs.append(Output("--report", args.report,
                              _bound(write_report, result, args.report, true_front=reference)))
    return outputs


def _bound(function: Callable[..., object], *args: Any, **kwargs: Any) -> Callable[[], object]:
    return lambda: function(*args, **kwargs)


def write_outputs(outputs: list[Output]) -> tuple[list[str], list[str]]:
    """Write each output; (paths written, one message per output that failed). Never raises
    for a failed write: the others are still written."""
    written, failed = [], []
    for output in outputs:
        try:
            output.write()
        except OSError as error:
            failed.append(f"cannot write {output.flag} '{output.path}': {_reason(error)}")
        except MooError as error:  # the reason of an OSError under it, in its own words
            cause = error.__cause__
            reason = _reason(cause) if isinstance(cause, OSError) else error.message
            failed.append(f"cannot write {output.flag} '{output.path}': {reason}")
        except Exception as error:  # a plotting library's failure must not lose the others
            failed.append(f"cannot write {output.flag} '{output.path}': "
                          f"{type(error).__name__}: {error}")
        else:
            written.append(output.path)
    return written, failed


def _reason(error: OSError) -> str:
    """An OSError in words, without the temporary file's name it may carry."""
    return error.strerror or str(error)
