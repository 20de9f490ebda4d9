"""Live progress of a solve: a redrawn status line with a bar and ETA on a terminal, plain
lines at a modest rate otherwise. Long runs are never silent."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

#: Seconds between plain lines when the output is not a terminal.
PLAIN_INTERVAL = 5.0
#: Seconds between redraws on a terminal.
REDRAW_INTERVAL = 0.1


def budget_fraction(stats: Any, settings: dict[str, Any]) -> float | None:
    """How much of the run's budget is spent (0..1), or None when no budget is known."""
    if hasattr(stats, "subproblems"):  # an exact solve: only a time limit says how far
        return min(1.0, stats.elapsed / settings["timeout"]) if settings.get("timeout") else None
    fractions = []
    if settings.get("generations"):
        fractions.append(stats.generation / settings["generations"])
    if settings.get("max_evaluations"):
        fractions.append(stats.evaluations / settings["max_evaluations"])
    if settings.get("timeout"):
        fractions.append(stats.elapsed / settings["timeout"])
    if not any(settings.get(k) for k in ("generations", "max_evaluations", "timeout")):
        fractions.append(stats.generation / 100)  # the solver's default budget
    return min(1.0, max(fractions)) if fractions else None


def describe(stats: Any) -> str:
    """One generation's (or an exact solve's) figures in a few words."""
    if hasattr(stats, "subproblems"):
        parts = [f"exact: subproblems {stats.subproblems}", f"points {stats.points}"]
        if getattr(stats, "boxes", 0):
            parts.append(f"boxes {stats.boxes:,}")
        if getattr(stats, "grid", 0):
            parts.append(f"steps 1/{stats.grid} of each range")
        return "  ".join(parts)
    parts = [f"gen {stats.generation}", f"evals {stats.evaluations}",
             f"front {stats.front_size}"]
    if stats.min_violation > 0:
        parts.append(f"violation min {stats.min_violation:.3g} mean {stats.mean_violation:.3g}")
    if stats.hypervolume is not None:
        parts.append(f"hv {stats.hypervolume:.6g}")
    return "  ".join(parts)


def _step(stats: Any) -> int:
    """The generation, or an exact solve's subproblem count."""
    return int(getattr(stats, "generation", getattr(stats, "subproblems", 0)))


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 \
        else f"{seconds // 60}:{seconds % 60:02d}"


@dataclass
class ProgressDisplay:
    """A solver callback that shows progress on ``stream`` (standard error by default)."""

    settings: dict[str, Any]
    stream: TextIO = field(default_factory=lambda: sys.stderr)
    interactive: bool | None = None
    width: int = 24
    _last: float = field(default=-1e9, init=False)
    _drawn: bool = field(default=False, init=False)
    _shown: int = field(default=-1, init=False)

    def __post_init__(self) -> None:
        if self.interactive is None:
            self.interactive = bool(getattr(self.stream, "isatty", lambda: False)())

    def __call__(self, stats: Any) -> None:
        now = time.monotonic()
        interval = REDRAW_INTERVAL if self.interactive else PLAIN_INTERVAL
        if now - self._last < interval and _step(stats) > 0:
            return
        self._last = now
        self.show(stats)

    def line(self, stats: Any) -> str:
        fraction = budget_fraction(stats, self.settings)
        if fraction is None:
            return f"{describe(stats)}  {_clock(stats.elapsed)}"
        filled = int(round(fraction * self.width))
        bar = "#" * filled + "-" * (self.width - filled)
        eta = ""
        if 0 < fraction < 1:
            eta = f"  eta {_clock(stats.elapsed * (1 - fraction) / fraction)}"
        return f"[{bar}] {fraction:4.0%}  {describe(stats)}  {_clock(stats.elapsed)}{eta}"

    def show(self, stats: Any) -> None:
        self._shown = _step(stats)
        text = self.line(stats)
        if self.interactive:
            self.stream.write("\r\x1b[K" + text)
            self._drawn = True
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self, stats: Any | None = None) -> None:
        """Draw the last generation and end the status line."""
        if stats is not None and _step(stats) != self._shown:
            self.show(stats)
        if self.interactive and self._drawn:
            self.stream.write("\n")
            self.stream.flush()
