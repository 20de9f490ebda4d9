"""``mooc solve``: check the flags, find what to run (a model, ``--rerun`` of an earlier output,
``--resume`` of a checkpoint), run it with progress and checkpoint warnings; then
:mod:`mooc.solve_results` writes the files and prints the front."""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path
from typing import Any, TextIO, cast

import numpy as np

from mooc.errors import MooWarning, UsageError
from mooc.solve_results import deliver_results

_OUTPUT_SUFFIXES = {".csv", ".json"}
_PLOT_SUFFIXES = {".png", ".svg", ".pdf"}
_REPORT_SUFFIXES = {".html", ".htm"}


def _options(args: argparse.Namespace) -> dict[str, Any]:
    return {"population": args.population, "generations": args.generations,
            "max_evaluations": args.max_evaluations, "timeout": args.timeout,
            "seed": args.seed, "constraints": args.constraints,
            "max_subproblems": args.max_subproblems, "method": args.method,
            "polish": args.polish, "project": args.project}


def _check_flags(args: argparse.Namespace) -> None:
    """Refuse bad option values before anything is loaded, naming the flag."""
    from mooc.options import RUN_RULES, check_run_options, check_settings, checked_number, flag_name

    check_settings(_options(args), spell=flag_name)
    check_run_options(workers=args.workers, dask=args.dask, checkpoint=args.checkpoint,
                      checkpoint_every=args.checkpoint_every, spell=flag_name)
    checked_number(args.rows, RUN_RULES["rows"], "--rows")


def _recorded_report(path: str | None) -> str | None:
    """The report a resumed run's checkpoint asks for; None, said in a warning, for a name
    that is not .html or .htm, which an older mooc took (and wrote an HTML page to) and
    --report now refuses: the run goes on and writes its other outputs."""
    if path is None or Path(path).suffix in _REPORT_SUFFIXES:
        return path
    print(f"warning: the checkpoint's report '{path}' is not written, as its name is not "
          ".html or .htm; to have one, resume with --report NAME.html (and the --out and "
          "--plot files you want)", file=sys.stderr)
    return None


def _check_paths(args: argparse.Namespace) -> None:
    """Refuse bad output names before the run, so no computed front is lost to a typo."""
    for path in args.out:
        if Path(path).suffix not in _OUTPUT_SUFFIXES:
            raise UsageError(f"--out takes a .csv or .json file name, but was given '{path}'")
    for path in args.plot:
        if Path(path).suffix not in _PLOT_SUFFIXES:
            raise UsageError(f"--plot takes a .png, .svg or .pdf file name, but was given "
                             f"'{path}'")
    if args.report and Path(args.report).suffix not in _REPORT_SUFFIXES:
        raise UsageError(f"--report takes a .html or .htm file name (the report is one HTML "
                         f"page), but was given '{args.report}'")
    if args.evaluations:
        from mooc.evaluations import check_target

        check_target(args.evaluations)
    from mooc.outputs import check_output_paths

    check_output_paths(args)


def _rerun_request(args: argparse.Namespace
                   ) -> tuple[str, dict[str, Any], dict[str, Any], list[Any]]:
    """The model, param overrides, settings and data recorded in an earlier output."""
    from mooc.inputs import check_input_file
    from mooc.result import read_metadata

    check_input_file(args.rerun, "--rerun")
    try:
        metadata = read_metadata(args.rerun)
        model = metadata["path"] or metadata["problem"]
        settings = {k: v for k, v in metadata["settings"].items() if v is not None}
        settings.setdefault("method", "nsga2")  # outputs from before the exact method
        if metadata.get("initial") is not None:  # the points the run was seeded with
            settings["initial"] = metadata["initial"]
        data = list(metadata.get("data", [])) + list(args.data)
        return model, dict(metadata["overrides"]), settings, data
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise UsageError(f"cannot rerun from '{args.rerun}': it is not an output of "
                         f"'mooc solve' ({error})") from None


def _load_problem(args: argparse.Namespace) -> tuple[Any, dict[str, Any]]:
    import mooc
    from mooc.overrides import parse_overrides
    from mooc.result import read_metadata

    options = _options(args)
    if args.rerun:
        model, overrides, settings, data = _rerun_request(args)
        overrides.update(parse_overrides(args.overrides))
        problem = mooc.load(model, params=overrides, data=data or None,
                            allow_extern=args.allow_extern, cache=args.cache)
        if args.overrides and problem.model_hash != read_metadata(args.rerun).get("model_hash"):
            raise UsageError(f"--set changes the params of the run recorded in '{args.rerun}', "
                             "which --rerun repeats as it was; to solve with other values, "
                             f"give the model: mooc solve {model} --set ...")
        _check_same_model(problem, args.rerun)
        settings.update({k: v for k, v in options.items() if v is not None})
        return problem, settings
    if not args.model:
        raise UsageError("mooc solve needs a model file (or --rerun FRONT.json)")
    return mooc.load(args.model, params=parse_overrides(args.overrides), data=args.data or None,
                     allow_extern=args.allow_extern, cache=args.cache), options


def _check_same_model(problem: Any, recorded: str) -> None:
    from mooc.result import read_metadata

    metadata = read_metadata(recorded)
    now = problem.model_hash
    if now != metadata.get("model_hash"):
        raise UsageError(f"the model '{problem.path}' or its params changed since the run "
                         f"recorded in '{recorded}' (hash {metadata.get('model_hash')}, now "
                         f"{now}); the front would differ")


def run_solve(args: argparse.Namespace) -> int:
    from mooc.signals import sigterm_as_interrupt

    with sigterm_as_interrupt():
        return _run_solve(args)


def _run_solve(args: argparse.Namespace) -> int:
    from mooc.progress import ProgressDisplay
    from mooc.signals import GuardedStream, Stopping

    _check_flags(args)
    resumed = _resumed(args) if args.resume else None
    _check_paths(args)
    if resumed is not None:
        problem, options = _resumed_problem(args, resumed)
    else:
        problem, options = _load_problem(args)
    from mooc.outputs import check_inputs_kept

    check_inputs_kept(args, problem)
    reference = _reference_front(args, problem)
    if args.initial:
        from mooc.points import read_points

        options["initial"] = read_points(args.initial, problem)
    if args.pick:
        from mooc.pick import parse_rule

        parse_rule(args.pick, problem.objective_names)  # a mistake shows before the run
    display = None
    if not args.quiet:
        stream = cast(TextIO, GuardedStream(sys.stderr))  # a closed stderr must not stop the run
        display = ProgressDisplay(_budget(problem, options, resumed), stream=stream)
        options["callback"] = display
    checkpoint = args.checkpoint or args.resume
    with _CheckpointWarnings() as saving:
        try:
            result = _solve(args, problem, options, resumed, checkpoint)
        except KeyboardInterrupt:  # before a generation was done: no front yet
            if not checkpoint:
                raise
            if saving.final_failure:
                print(f"\n{Stopping.word()} before the first generation was done; its finished "
                      f"evaluations could not be saved to {checkpoint}", file=sys.stderr)
                return 2
            print(f"\n{Stopping.word()} before the first generation was done; its finished "
                  f"evaluations are saved to {checkpoint}; go on with: mooc solve --resume "
                  f"{checkpoint}", file=sys.stderr)
            return Stopping.exit_code()
    if display is not None:
        display.finish(_final_stats(result))
    return deliver_results(args, result, reference, checkpoint, saving.final_failure)


def _solve(args: argparse.Namespace, problem: Any, options: dict[str, Any], resumed: Any,
           checkpoint: str | None) -> Any:
    from mooc.solve import solve_problem

    note = {"out": _absolute(args.out), "plot": _absolute(args.plot),  # to resume from anywhere
            "report": args.report and os.path.abspath(args.report),
            "reference": args.reference if args.reference in (None, "library")
            else os.path.abspath(args.reference), "workers": args.workers, "dask": args.dask,
            "evaluations": args.evaluations and os.path.abspath(args.evaluations),
            "pick": args.pick}
    return solve_problem(problem, workers=1 if args.workers is None else args.workers,
                         dask=args.dask, checkpoint=checkpoint,
                         checkpoint_every=args.checkpoint_every, checkpoint_note=note,
                         resumed=resumed, evaluations=args.evaluations, **options)


class _CheckpointWarnings:
    """While solving: a checkpoint that cannot be saved is reported as ``warning: ...`` on
    standard error (once, and again if the last save fails: then ``final_failure``); while
    resuming, a checkpoint whose externs' code cannot be checked."""

    def __init__(self) -> None:
        self.final_failure = False
        self._catch = warnings.catch_warnings()

    def __enter__(self) -> _CheckpointWarnings:
        self._catch.__enter__()
        warnings.simplefilter("always", MooWarning)
        shown = warnings.showwarning

        def show(message: Any, category: type[Warning], *rest: Any, **more: Any) -> None:
            if not issubclass(category, MooWarning):
                shown(message, category, *rest, **more)
                return
            self.final_failure = self.final_failure or bool(getattr(message, "final", False))
            print(f"\nwarning: {message}", file=sys.stderr)

        warnings.showwarning = show
        return self

    def __exit__(self, *exc: Any) -> None:
        self._catch.__exit__(*exc)


def _absolute(paths: list[str]) -> list[str]:
    return [os.path.abspath(path) for path in paths]


def _resumed(args: argparse.Namespace) -> Any:
    """The run saved in --resume, with its recorded outputs where none are given now."""
    from mooc.checkpoint import read_checkpoint

    if args.model or args.rerun or args.overrides or args.data or args.initial:
        raise UsageError("--resume takes the model, its params, data, initial points and "
                         "settings from the checkpoint: give no model, --set or --rerun with "
                         "it, nor --data or --initial")
    if os.path.exists(args.resume):
        from mooc.inputs import MAX_CHECKPOINT_BYTES, check_input_file

        check_input_file(args.resume, "--resume", MAX_CHECKPOINT_BYTES)
    resumed = read_checkpoint(args.resume)
    note = resumed.note
    if not (args.out or args.plot or args.report):
        args.out, args.plot = note.get("out", []), note.get("plot", [])
        args.report = _recorded_report(note.get("report"))
    if args.reference is None:
        args.reference = note.get("reference")
    if args.workers is None and args.dask is None:
        args.workers, args.dask = note.get("workers"), note.get("dask")
    if args.evaluations is None:
        args.evaluations = note.get("evaluations")
    else:
        _check_same_evaluations(args.evaluations, note.get("evaluations"))
    if args.pick is None:
        args.pick = note.get("pick")
    return resumed


def _check_same_evaluations(given: str, recorded: str | None) -> None:
    """UsageError unless ``--evaluations`` on a resume names the file the run writes: the
    rows of the run so far are in that file's spool, and another file would lack them."""
    if recorded is None:
        raise UsageError(f"--evaluations '{given}': the resumed run did not keep its "
                         "evaluations from its start, so a file of them would lack rows; "
                         "resume without --evaluations")
    if os.path.normcase(os.path.abspath(given)) != os.path.normcase(recorded):
        raise UsageError(f"--evaluations '{given}': the resumed run keeps its evaluations in "
                         f"'{recorded}' (its rows so far are there); give that file or none")


def _resumed_problem(args: argparse.Namespace, resumed: Any) -> tuple[Any, dict[str, Any]]:
    from mooc.api import resumed_problem

    with _CheckpointWarnings():  # an old checkpoint's: the externs' code cannot be checked
        problem = resumed_problem(resumed, args.resume, allow_extern=args.allow_extern,
                                  cache=args.cache)
    return problem, _options(args)


def _budget(problem: Any, options: dict[str, Any], resumed: Any) -> dict[str, Any]:
    """The settings the progress display shows the budget from."""
    from mooc.checkpoint import resume_settings
    from mooc.solve import solver_settings

    if resumed is not None:
        return solver_settings(problem, resume_settings(resumed, options))
    return solver_settings(problem, options)


def _reference_front(args: argparse.Namespace, problem: Any) -> np.ndarray | None:
    """The front to compare with: --reference FILE, or the library's true front (not looked
    for when nothing would show it: --quiet with no plot, report or --reference)."""
    if args.reference is None and args.quiet and not args.plot and not args.report:
        return None
    if args.reference and args.reference != "library":
        from mooc.inputs import read_front

        return read_front(args.reference, problem.n_obj)
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


def _final_stats(result: Any) -> Any:
    """The run's last figures, so the progress line ends on the numbers the summary prints:
    the last generation's with the result's front (its feasible points: least-violating ones
    are no front) and hypervolume, or an exact solve's subproblems and points."""
    import dataclasses

    if result.method == "exact":
        from mooc.solver.exact_search import ExactProgress

        return ExactProgress(result.subproblems, len(result), result.elapsed)
    if not result.history:
        return None
    return dataclasses.replace(result.history[-1], front_size=int(result.feasible.sum()),
                               hypervolume=result.hypervolume)
