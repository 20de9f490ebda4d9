"""When a run stops: generations, evaluations, wall-clock time, whichever comes first."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

#: Generations run when no generations, max_evaluations or timeout is given.
DEFAULT_GENERATIONS = 100


def _check_positive(name: str, value: float | None, *, allow_zero: bool = False,
                    whole: bool = True) -> None:
    """A limit: a finite number (a whole one where ``whole``), positive or at least 0 (a NaN
    or infinite limit would never be reached)."""
    if value is None:
        return
    bound = "at least 0" if allow_zero else "positive"
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or \
            not is_finite(value) or (whole and value != int(value)):
        noun = "a whole number" if whole else "a finite number"
        raise ValueError(f"'{name}' must be {noun}, {bound}, but is {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"'{name}' must be {bound}, but is {value}")


def is_finite(value: numbers.Real) -> bool:
    """Whether ``value`` is finite; an int always is, however large (``math.isfinite`` would
    convert one beyond the float range, 2**1024 and up, and raise OverflowError)."""
    return isinstance(value, numbers.Integral) or math.isfinite(value)


@dataclass(frozen=True)
class Budget:
    """The limits of one run; ``None`` means no limit of that kind.

    Examples
    --------
    >>> Budget.of().generations
    100
    >>> Budget.of(max_evaluations=1000).used(generation=3, evaluations=250, elapsed=1.0)
    0.25
    """

    generations: int | None = None
    max_evaluations: int | None = None
    timeout: float | None = None

    @classmethod
    def of(cls, *, generations: int | None = None, max_evaluations: int | None = None,
           timeout: float | None = None) -> Budget:
        """A checked budget; ``generations`` defaults to :data:`DEFAULT_GENERATIONS` when no
        limit is given."""
        _check_positive("generations", generations, allow_zero=True)
        _check_positive("max_evaluations", max_evaluations)
        _check_positive("timeout", timeout, whole=False)
        if generations is None and max_evaluations is None and timeout is None:
            generations = DEFAULT_GENERATIONS
        return cls(None if generations is None else int(generations),
                   None if max_evaluations is None else int(max_evaluations), timeout)

    def used(self, *, generation: int, evaluations: int, elapsed: float) -> float:
        """The fraction of the budget spent (the largest over the limits set), at most 1.

        The time spent counts only when time is the only limit: a run with a generation or
        evaluation limit then gives the same answer however fast the machine (a timeout it
        does not reach changes nothing).

        >>> Budget.of(generations=10, timeout=1.0).used(generation=2, evaluations=0, elapsed=0.9)
        0.2
        """
        fractions = [0.0]
        if self.generations:
            fractions.append(generation / self.generations)
        if self.max_evaluations:
            fractions.append(evaluations / self.max_evaluations)
        if self.timeout and not (self.generations or self.max_evaluations):
            fractions.append(elapsed / self.timeout)
        return min(max(fractions), 1.0)

    def remaining_evaluations(self, evaluations: int, /) -> int | None:
        """How many more evaluations are allowed (None: no limit)."""
        return None if self.max_evaluations is None else self.max_evaluations - evaluations

    def stop_reason(self, *, generation: int, evaluations: int, elapsed: float) -> str | None:
        """The name of the limit reached, or None to go on."""
        if self.generations is not None and generation >= self.generations:
            return "generations"
        if self.max_evaluations is not None and evaluations >= self.max_evaluations:
            return "max_evaluations"
        if self.timeout is not None and elapsed >= self.timeout:
            return "timeout"
        return None
