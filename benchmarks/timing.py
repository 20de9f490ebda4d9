"""What the benchmarks share: the fastest of several timed calls."""

from __future__ import annotations

import math
import time
from collections.abc import Callable


def fastest(function: Callable[[], object], repeats: int = 3) -> float:
    """The shortest wall time, in seconds, of ``repeats`` calls of ``function``."""
    best = math.inf
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best
