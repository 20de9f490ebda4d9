"""``mooc solve``: run, show progress, print the front, write files, compare to a reference."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

from mooc.errors import UsageError

_OUTPUT_SUFFIXES = {".csv", ".json"}
_PLOT_SUFFIXES = {".png", ".svg", ".pdf"}


def _options(args: argparse.Namespace) -> dict[str, Any]:
    return {"population": args.population, "generations": args.generations,
            "max_evaluations": args.max_evaluations, "timeout": args.timeout,
            "seed": args.seed, "constraints": args.constraints,
            "max_subproblems": args.max_subproblems, "method": args.method}


def _check_paths(args: argparse.Namespace) -> None:
    """Refuse bad output names before the run, so no computed front is lost to a typo."""
    for path in args.out:
        if Path(path).suffix not in _OUTPUT_SUFFIXES:
            raise UsageError(f"--out takes a .csv or .json file name, but was given '{path}'")
    for path in args.plot:
        if Path(path).suffix not in _PLOT_SUFFIXES:
            raise UsageError(f"--plot takes a .png, .svg or .pdf file name, but was given "
                             f"'{path}'")
    for path in [*args.out, *args.plot, *([args.report] if args.report else []),
                 *([args.checkpoint] if args.checkpoint else [])]:
        folder = Path(path).resolve().parent
        if not folder.is_dir():
            raise UsageError(f"cannot write '{path}': the folder '{folder}' does not exist")


def _rerun_request(args: argparse.Namespace) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """The model, param overrides and settings recorded in an earlier JSON output."""
    from mooc.result import read_metadata

    try:
        metadata = read_metadata(args.rerun)
        model = metadata["path"] or metadata["problem"]
        settings = {k: v for k, v in metadata["settings"].items() if v is not None}
        settings.setdefault("method", "nsga2")  # outputs from before the exact method
        return model, dict(metadata["overrides"]), settings
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise UsageError(f"cannot rerun from '{args.rerun}': it is not a JSON output of "
                         f"'mooc solve' ({error})") from None


def _load_problem(args: argparse.Namespace) -> tuple[Any, dict[str, Any]]:
    import mooc
    from mooc.overrides import parse_overrides

    options = _options(args)
    if args.rerun:
        model, overrides, settings = _rerun_request(args)
        overrides.update(parse_overrides(args.overrides))
        problem = mooc.load(model, params=overrides, allow_extern=args.allow_extern)
        _check_same_model(problem, args.rerun)
        settings.update({k: v for k, v in options.items() if v is not None})
        return problem, settings
    if not args.model:
        raise UsageError("mooc solve needs a model file (or --rerun FRONT.json)")
    return mooc.load(args.model, params=parse_overrides(args.overrides),
                     allow_extern=args.allow_extern), options


def _check_same_model(problem: Any, recorded: str) -> None:
    from mooc.result import read_metadata

    metadata = read_metadata(recorded)
    now = problem.model_hash
    if now != metadata.get("model_hash"):
        raise UsageError(f"the model '{problem.path}' or its params changed since the run "
                         f"recorded in '{recorded}' (hash {metadata.get('model_hash')}, now "
                         f"{now}); the front would differ")


def run_solve(args: argparse.Namespace) -> int:
    from mooc.progress import ProgressDisplay
    from mooc.solve import solve_problem

    resumed = _resumed(args) if args.resume else None
    _check_paths(args)
    if resumed is not None:
        problem, options = _resumed_problem(args, resumed)
    else:
        problem, options = _load_problem(args)
    reference = _reference_front(args, problem)
    display = None
    if not args.quiet:
        display = ProgressDisplay(_budget(problem, options, resumed))
        options["callback"] = display
    checkpoint = args.checkpoint or args.resume
    note = {"out": _absolute(args.out), "plot": _absolute(args.plot),  # to resume from anywhere
            "report": args.report and os.path.abspath(args.report),
            "reference": args.reference if args.reference in (None, "library")
            else os.path.abspath(args.reference), "workers": args.workers, "dask": args.dask}
    try:
        result = solve_problem(problem, workers=args.workers or 1, dask=args.dask,
                               checkpoint=checkpoint, checkpoint_every=args.checkpoint_every,
                               checkpoint_note=note, resumed=resumed, **options)
    except KeyboardInterrupt:  # before a generation was done: no front yet
        if not checkpoint:
            raise
        print(f"\ninterrupted before the first generation was done; its finished evaluations "
              f"are saved to {checkpoint}; go on with: mooc solve --resume {checkpoint}",
              file=sys.stderr)
        return 130
    if display is not None:
        display.finish(result.history[-1] if result.history else None)
    _write_outputs(args, result, reference)
    if not args.quiet:
        print(result.table(args.rows))
        print(f"\n{result.message} ({result.elapsed:.2f} s, {result.how})", file=sys.stderr)
        print(f"method: {result.method_note}", file=sys.stderr)
        for path in [*args.out, *args.plot, *([args.report] if args.report else [])]:
            print(f"wrote {path}", file=sys.stderr)
    if reference is not None and not args.quiet:
        _print_indicators(result, reference)
    if result.stop_reason == "interrupted":
        if checkpoint:
            print(f"interrupted; saved to {checkpoint}; go on with: mooc solve --resume "
                  f"{checkpoint}", file=sys.stderr)
        return 130
    return 0


def _absolute(paths: list[str]) -> list[str]:
    return [os.path.abspath(path) for path in paths]


def _resumed(args: argparse.Namespace) -> Any:
    """The run saved in --resume, with its recorded outputs where none are given now."""
    from mooc.checkpoint import read_checkpoint

    if args.model or args.rerun or args.overrides:
        raise UsageError("--resume takes the model, its params and settings from the "
                         "checkpoint: give no model, --set or --rerun with it")
    resumed = read_checkpoint(args.resume)
    note = resumed.note
    if not (args.out or args.plot or args.report):
        args.out, args.plot, args.report = note.get("out", []), note.get("plot", []), note.get("report")
    if args.reference is None:
        args.reference = note.get("reference")
    if args.workers is None and args.dask is None:
        args.workers, args.dask = note.get("workers"), note.get("dask")
    return resumed


def _resumed_problem(args: argparse.Namespace, resumed: Any) -> tuple[Any, dict[str, Any]]:
    from mooc.api import resumed_problem

    return resumed_problem(resumed, args.resume, allow_extern=args.allow_extern), _options(args)


def _budget(problem: Any, options: dict[str, Any], resumed: Any) -> dict[str, Any]:
    """The settings the progress display shows the budget from."""
    from mooc.checkpoint import resume_settings
    from mooc.solve import solver_settings

    if resumed is not None:
        return solver_settings(problem, resume_settings(resumed, options))
    return solver_settings(problem, options)


def _write_outputs(args: argparse.Namespace, result: Any, reference: np.ndarray | None) -> None:
    for path in args.out:
        (result.to_json if path.endswith(".json") else result.to_csv)(path)
    for path in args.plot:
        result.plot(path, true_front=reference)
    if args.report:
        from mooc.report import write_report

        write_report(result, args.report, true_front=reference)


def _reference_front(args: argparse.Namespace, problem: Any) -> np.ndarray | None:
    """The front to compare with: --reference FILE, or the library's true front."""
    if args.reference and args.reference != "library":
        return _read_front(args.reference, problem.n_obj)
    from mooc.indicators import front_names, true_front

    if problem.name.lower() in front_names():
        try:
            return true_front(problem.name, params=problem.overrides or None)
        except ValueError:
            pass
    if args.reference == "library":
        raise UsageError(f"no true front is known for '{problem.name}'; give one with "
                         "--reference FRONT.csv")
    return None


def _read_front(path: str, n_obj: int) -> np.ndarray:
    try:
        front = np.loadtxt(path, delimiter=",", ndmin=2, comments="#")
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot read the reference front '{path}': {error}") from None
    if front.shape[1] != n_obj:
        raise UsageError(f"the reference front '{path}' has {front.shape[1]} columns, but the "
                         f"problem has {n_obj} objectives")
    return front


def _print_indicators(result: Any, reference: np.ndarray) -> None:
    from mooc.solver.indicators import hypervolume, igd, igd_plus

    sign = np.where(result.problem.maximize, -1.0, 1.0)  # indicators work on minimization
    front, true = result.F * sign, reference * sign
    ref = np.max(true, axis=0) * 1.1 if np.all(np.max(true, axis=0) > 0) \
        else np.max(true, axis=0) + 0.1 * np.ptp(true, axis=0)
    mine = hypervolume(front[np.isfinite(front).all(axis=1)], ref=ref)
    best = hypervolume(true, ref=ref)
    print(f"hypervolume {mine:.6g} ({mine / best:.2%} of the reference front's {best:.6g}, "
          f"reference point {np.array2string(ref, precision=4, separator=', ')})")
    print(f"IGD  {igd(front, reference_front=true):.6g}")
    print(f"IGD+ {igd_plus(front, reference_front=true):.6g}")
