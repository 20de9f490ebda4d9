"""The end of a ``mooc solve`` run: its output files written first (so a reader that stops
reading the table early loses none), then the front's table or the picked point, the summary,
and the indicators against a reference front; and the command's exit code."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import numpy as np

from mooc.errors import UsageError
from mooc.table import format_point


def deliver_results(args: argparse.Namespace, result: Any, reference: np.ndarray | None,
                    checkpoint: str | None, checkpoint_lost: bool) -> int:
    """Write the outputs, print the front and the summary; the exit code: 2 when an output,
    the pick or the checkpoint's last save failed, Stopping's code when interrupted."""
    from mooc.outputs import planned_outputs, write_outputs
    from mooc.signals import Stopping

    chosen, failed = None, []
    if args.pick:
        try:
            chosen = result.pick(args.pick)
        except UsageError as error:  # the front and the files are kept all the same
            failed.append(error.message)
    written, not_written = write_outputs(planned_outputs(args, result, reference))
    failed += not_written
    if args.evaluations and result.evaluations_file is not None:
        written.append(args.evaluations)  # written by the run itself, as it went
    if not args.quiet:
        _print_front(result, args.rows, chosen, kept=bool(args.out))
        print(f"\n{result.message} ({result.elapsed:.2f} s, {result.how})", file=sys.stderr)
        print(f"method: {result.method_note}", file=sys.stderr)
        for note in getattr(result.problem, "notes", ()):
            print(f"note: {note}", file=sys.stderr)
        if result.hypervolume is not None:
            print(f"front {len(result)}  hv {result.hypervolume:.6g} (hypervolume against the "
                  f"reference point {format_point(result.reference_point)}, fixed from the first "
                  "population)", file=sys.stderr)
        for path in written:
            print(f"wrote {path}", file=sys.stderr)
    if reference is not None and not args.quiet:
        _print_indicators(result, reference)
    if checkpoint_lost:
        failed.append(f"cannot save the checkpoint '{checkpoint}' (see the warning above)")
    for message in failed:
        print(f"error: {message}", file=sys.stderr)
    if failed:
        return 2
    if result.stop_reason == "interrupted":
        if checkpoint:
            print(f"{Stopping.word()}; saved to {checkpoint}; go on with: mooc solve --resume "
                  f"{checkpoint}", file=sys.stderr)
        return Stopping.exit_code()
    return 0


def _print_front(result: Any, rows: int, chosen: Any = None, *, kept: bool) -> None:
    """The front's table (or the picked point) on standard output, saying how to keep what it
    leaves out unless an ``--out`` file ``kept`` it; a reader that has gone just stops it."""
    from mooc.pick import pick_table
    from mooc.signals import silence

    text = result.table(rows) if chosen is None else pick_table(result, chosen)
    if chosen is None and not kept and text.rsplit("\n", 1)[-1].startswith("... "):
        text += " (use --out front.csv to keep all)"
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        silence(sys.stdout)


def _print_indicators(result: Any, reference: np.ndarray) -> None:
    from mooc.indicators import comparison

    for line in comparison(result.F, reference, maximize=result.problem.maximize,
                           reference_point=result.reference_point):
        print(line)
