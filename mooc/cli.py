"""The ``mooc`` command. Only :class:`mooc.MooError` is caught: a user's mistake never shows a
traceback. Exit codes: 0 success, 2 a model or usage error or an output that could not be
written, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM)."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from typing import Any

from mooc.errors import MooError, UsageError
from mooc.overrides import parse_overrides

EXAMPLES_SOLVE = """examples:
  mooc solve examples/zdt1.moo
  mooc solve examples/zdt1.moo --set n=10 --population 200 --generations 300 --seed 7
  mooc solve examples/binh_korn.moo --constraints penalty --out front.csv
  mooc solve zdt1                          (a library problem; see 'mooc list')
  mooc solve model.moo --checkpoint run.ckpt, then after a stop: mooc solve --resume run.ckpt
"""


class _Parser(argparse.ArgumentParser):
    """argparse that raises UsageError instead of exiting, so every error looks the same."""

    def error(self, message: str) -> Any:  # type: ignore[override]
        raise UsageError(f"{message}\n{self.format_usage().rstrip()}")


def _whole_number(text: str) -> int | float:
    """An integer flag's value: an int, or a LongInteger when it has more digits than Python
    converts (refused where the flag is checked, in a short message: argparse's repeated every
    digit)."""
    from mooc.dsl.written_numbers import LongInteger
    from mooc.options import cut_text

    try:
        return int(text)
    except ValueError:
        if re.fullmatch(r"\s*[+-]?\d+\s*", text):
            return LongInteger(text.strip())
        raise argparse.ArgumentTypeError(f"invalid int value: '{cut_text(text)}'") from None


def _real_number(text: str) -> float:
    """A number flag's value; one beyond the float range (``1e400``) an OutOfRangeNumber, kept as
    written for its message (argparse's message repeated a long value whole)."""
    from mooc.dsl.written_numbers import written_float
    from mooc.options import cut_text

    try:
        return written_float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid float value: '{cut_text(text)}'") from None


def _add_model(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", help="a .moo file, or the name of a library problem")
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="NAME=VALUE",
                        help="override a param: a number or a JSON list (repeatable)")
    _add_data(parser)
    _add_cache(parser)


def _add_cache(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-cache", dest="cache", action="store_false",
                        help="compile afresh, without the compile cache (kept in ~/.cache/mooc, "
                        "or $MOOC_CACHE_DIR)")


def _add_data(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", action="append", default=[], metavar="FILE",
                        help="read sets and params from a data file: CSV, JSON or Parquet "
                        "(repeatable); --set NAME=@FILE reads one param from a file")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mooc", description="Multi-objective optimization from a model file.",
                     formatter_class=argparse.RawDescriptionHelpFormatter,
                     epilog="Run 'mooc COMMAND --help' for a command's options.\n\n"
                     + EXAMPLES_SOLVE)
    from mooc import __version__

    parser.add_argument("--version", action="version", version=f"mooc {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    check = commands.add_parser("check", help="check a model and report its size",
                                epilog="example:\n  mooc check examples/kit.moo",
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_model(check)
    show = commands.add_parser("show", help="print the compiled model as mathematics",
                               epilog="examples:\n  mooc show examples/kit.moo\n"
                               "  mooc show examples/zdt1.moo --python",
                               formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_model(show)
    show.add_argument("--python", action="store_true", help="print the generated numpy source")
    solve = commands.add_parser("solve", help="find the Pareto front", epilog=EXAMPLES_SOLVE,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    solve.add_argument("model", nargs="?", help="a .moo file, or the name of a library problem")
    solve.add_argument("--set", dest="overrides", action="append", default=[],
                       metavar="NAME=VALUE",
                       help="override a param: a number or a JSON list (repeatable)")
    _add_data(solve)
    _add_cache(solve)
    _add_solver_options(solve)
    pick = commands.add_parser("pick", help="choose one point of a saved front",
                               epilog="examples:\n  mooc pick front.csv knee\n"
                               "  mooc pick front.csv weights=0.2,0.8\n"
                               "  mooc pick front.json reference=0.1,0.5\n"
                               "  mooc pick front.csv lexicographic=cost,mass",
                               formatter_class=argparse.RawDescriptionHelpFormatter)
    pick.add_argument("front", help="a front written by 'mooc solve --out' (.csv or .json)")
    pick.add_argument("rule", help="knee, weights=w1,w2,..., reference=z1,z2,... or "
                      "lexicographic=NAME,...")
    commands.add_parser("list", help="list the library problems",
                        epilog="example:\n  mooc list",
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    return parser


def _add_solver_options(solve: argparse.ArgumentParser) -> None:
    from mooc.dsl.names import METHOD_SETTINGS  # the chain's methods, without importing it

    group = solve.add_argument_group("solver (override the file's solver block)")
    group.add_argument("--method", choices=("auto", *sorted(METHOD_SETTINGS)),
                       help="auto (default): the exact method where the model is linear with at "
                       "most two objectives or its front can be proven, else NSGA-III from "
                       "three objectives on and NSGA-II below")
    group.add_argument("--max-subproblems", type=_whole_number, metavar="N",
                       help="exact method: stop after this many MILP solves (default 20000)")
    group.add_argument("--population", type=_whole_number, metavar="N")
    group.add_argument("--generations", type=_whole_number, metavar="N")
    group.add_argument("--max-evaluations", type=_whole_number, metavar="N")
    group.add_argument("--timeout", type=_real_number, metavar="SECONDS")
    group.add_argument("--seed", type=_whole_number, metavar="S",
                       help="random seed (default 0: the same model and settings always give "
                       "the same front)")
    group.add_argument("--constraints", metavar="MODE",
                       help="feasibility (default), penalty, epsilon or ignore")
    group.add_argument("--polish", metavar="on|off",
                       help="gradient steps on the best points, where the model has "
                       "derivatives (default on with NSGA-II, off with NSGA-III)")
    group.add_argument("--project", metavar="on|off",
                       help="move new points onto the equality constraints before they are "
                       "evaluated (default on)")
    group.add_argument("--initial", metavar="POINTS.csv",
                       help="seed the first population with these points (a CSV file whose "
                       "header names the variables, labels for choice variables; a front.csv "
                       "works)")
    extern = solve.add_argument_group("black-box objectives (extern)")
    extern.add_argument("--allow-extern", action="store_true",
                        help="let the model's extern declarations run their code")
    extern.add_argument("--workers", type=_whole_number, metavar="N",
                        help="evaluate per-point externs in N local processes (default 1)")
    extern.add_argument("--dask", metavar="ADDRESS",
                        help="evaluate per-point externs on a Dask cluster: a scheduler "
                        "address, or local:N to start N local workers")
    saving = solve.add_argument_group("checkpoint and resume")
    saving.add_argument("--checkpoint", metavar="FILE",
                        help="save the run to FILE as it goes (atomically), to resume it later; "
                        "one run at a time may write FILE")
    saving.add_argument("--checkpoint-every", type=_real_number, default=60.0, metavar="SECONDS",
                        help="save at most this often (default 60; 0: after every generation); "
                        "the last generation and a Ctrl-C are always saved")
    saving.add_argument("--resume", metavar="FILE",
                        help="go on with the run saved in FILE (its model, settings and outputs; "
                        "--generations and the other limits may be raised)")
    output = solve.add_argument_group("output")
    output.add_argument("--out", metavar="FILE", action="append", default=[],
                        help="write the front to FILE (.csv or .json; repeatable)")
    output.add_argument("--plot", metavar="FILE", action="append", default=[],
                        help="draw the front to FILE (.png, .svg or .pdf; needs matplotlib)")
    output.add_argument("--report", metavar="FILE",
                        help="write a self-contained interactive HTML report to FILE (.html or "
                        ".htm)")
    output.add_argument("--reference", nargs="?", const="library", metavar="FRONT",
                        help="report hypervolume, IGD and IGD+ against the library problem's "
                        "true front, or against a CSV file of objective vectors")
    output.add_argument("--rerun", metavar="OUTPUT",
                        help="repeat the run recorded in a JSON or CSV output of an earlier solve")
    output.add_argument("--evaluations", metavar="FILE",
                        help="keep every evaluation in FILE (.csv, or .parquet with pyarrow): "
                        "number, generation, variables, objectives, violations, feasible, "
                        "on_front, failure")
    output.add_argument("--pick", metavar="RULE",
                        help="print one point of the front: knee, weights=w1,w2,..., "
                        "reference=z1,z2,... or lexicographic=NAME,... (the report marks it)")
    output.add_argument("--rows", type=_whole_number, default=20, metavar="N",
                        help="rows of the front to print (default 20)")
    output.add_argument("--quiet", action="store_true", help="print nothing but errors")


def _load(args: argparse.Namespace) -> Any:
    import mooc

    return mooc.load(args.model, params=parse_overrides(args.overrides), data=args.data or None,
                     cache=args.cache)


def command_check(args: argparse.Namespace) -> int:
    from mooc.table import counted

    problem = _load(args)
    how = "from the compile cache in" if problem._compiled.cached else "compiled in"
    print(f"{args.model}: ok: {counted(problem.n_var, 'variable')}, "
          f"{counted(problem.n_obj, 'objective')}, {problem.n_hard} hard and "
          f"{counted(problem.n_soft, 'soft constraint')} "
          f"({how} {problem.compile_seconds:.3f} s)")
    for note in problem.notes:
        print(f"note: {note}")
    return 0


def command_show(args: argparse.Namespace) -> int:
    problem = _load(args)
    if args.python:
        print(problem.python_source, end="")
        return 0
    from mooc.show import describe

    print(describe(problem))
    return 0


def command_solve(args: argparse.Namespace) -> int:
    from mooc.solve_command import run_solve

    return run_solve(args)


def command_list(args: argparse.Namespace) -> int:
    from mooc.library import library_summaries

    for name, summary in library_summaries():
        print(f"{name:<16} {summary}")
    return 0


def command_pick(args: argparse.Namespace) -> int:
    from mooc.pick import pick_table
    from mooc.saved import read_result

    result = read_result(args.front)
    print(pick_table(result, result.pick(args.rule)))
    return 0


COMMANDS = {"check": command_check, "show": command_show, "solve": command_solve,
            "pick": command_pick, "list": command_list}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        code = COMMANDS[args.command](args)
        sys.stdout.flush()  # here, so that a reader that has gone is met inside this try
        return code
    except MooError as error:
        print(error, file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        from mooc.signals import Stopping

        print(Stopping.word(), file=sys.stderr)
        return Stopping.exit_code()
    except BrokenPipeError:  # the reader stopped reading (mooc show zdt1 | head -1): not an error
        from mooc.signals import silence

        silence(sys.stdout)
        silence(sys.stderr)
        return 0
    except ImportError as error:  # Ctrl-C during an import can surface as this
        from mooc.signals import Stopping, caused_by_interrupt

        if not caused_by_interrupt(error):
            raise
        print(Stopping.word(), file=sys.stderr)
        return Stopping.exit_code()


if __name__ == "__main__":
    sys.exit(main())
