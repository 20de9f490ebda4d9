"""Variation operators: simulated binary crossover and polynomial mutation (Deb's bounded
versions, as in the NSGA-II reference code) for continuous columns; uniform crossover and
random reset to another label for binary and choice columns. All vectorized over the pairs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mooc.solver import kernel
from mooc.solver.variables import VariableSpace

#: Parents closer than this in a variable are not crossed in it (as in Deb's code).
_SAME_VALUE = 1e-14
#: Half the step of 4 * u for a single-precision uniform u in [0, 0.5).
_HALF_STEP = 2.0**-23


@dataclass(frozen=True)
class VariationSettings:
    """Distribution indices and probabilities of crossover and mutation."""

    crossover_eta: float = 15.0
    crossover_prob: float = 0.9
    mutation_eta: float = 20.0
    mutation_prob: float = 0.0


def power(base: np.ndarray, exponent: float, /) -> np.ndarray:
    """``base ** exponent`` for non-negative ``base``; by squarings or square roots when the
    exponent is 2**k, 1/2**k or their negatives, k <= 6 (SBX's usual index 15 gives 16 and
    1/16), which is several times faster than a general power.

    Examples
    --------
    >>> power(np.array([2.0, 0.5]), -16.0).tolist() == (np.array([2.0, 0.5]) ** -16.0).tolist()
    True
    """
    steps = power_steps(exponent)
    if not steps:
        return base**exponent
    step = np.square if steps > 0 else np.sqrt
    result = step(base)
    for _ in range(abs(steps) - 1):
        step(result, out=result)
    return np.reciprocal(result, out=result) if exponent < 0 else result


def power_steps(exponent: float, /) -> int:
    """How :func:`power` raises to ``exponent``: k squarings (k > 0) or square roots (k < 0),
    then a reciprocal for a negative exponent; 0 for a general power. (The compiled kernel
    takes the same way, given this number.)

    Examples
    --------
    >>> power_steps(16.0), power_steps(-1 / 16), power_steps(21.0)
    (4, -4, 0)
    """
    steps = math.log2(abs(exponent)) if exponent else 0.5
    return int(steps) if steps == int(steps) and 1 <= abs(steps) <= 6 else 0


def _planned(exponent: float) -> tuple[float, int]:
    return exponent, power_steps(exponent)


def bernoulli_positions(size: int, prob: float, /, *, rng: np.random.Generator) -> np.ndarray:
    """Sorted positions in ``range(size)``, each present with probability ``prob``.

    For small ``prob`` the gaps between positions are drawn (they are geometric), which takes
    about ``size * prob`` draws instead of ``size``.

    Examples
    --------
    >>> positions = bernoulli_positions(100_000, 0.01, rng=np.random.default_rng(0))
    >>> 900 < positions.size < 1100, bool((np.diff(positions) > 0).all())
    (True, True)
    """
    if prob >= 0.25 or size == 0:
        return (rng.random(size) < prob).nonzero()[0]
    if prob <= 0.0:
        return np.zeros(0, dtype=np.intp)
    expected = size * prob
    positions = rng.geometric(prob, size=int(expected + 5.0 * math.sqrt(expected) + 5.0)).cumsum()
    while positions[-1] < size:  # hardly ever: the first draw falls short of the end
        more = rng.geometric(prob, size=positions.size).cumsum()
        positions = np.concatenate([positions, more + positions[-1]])
    positions -= 1
    return positions[: positions.searchsorted(size)]


def simulated_binary_crossover(
    first: np.ndarray, second: np.ndarray, lower: np.ndarray, upper: np.ndarray,
    crosses: np.ndarray, /, *, eta: float, rng: np.random.Generator,
) -> np.ndarray:
    """Children of the pairs of rows ``first[i]``, ``second[i]``: the first children of all
    pairs, then the second children.

    Pairs with ``crosses`` True exchange each variable with probability 0.5 through the bounded
    SBX spread, and the two children's values are swapped with probability 0.5; other pairs
    are copied.
    """
    # One uniform number u per variable of each pair decides all three draws: the variable is
    # crossed if u < 0.5; then 4u is uniform on [0, 2) by itself, its whole part decides the
    # swap and its fraction, moved half a step off 0, is the spread's uniform number on (0, 1].
    # (Single precision is plenty.)
    u = rng.random(first.shape, dtype=np.float32)
    if kernel.compiled() is not None:
        return kernel.sbx(first, second, lower, upper, crosses, u,
                          exponent=_planned(-(eta + 1.0)), inverse=_planned(1.0 / (eta + 1.0)))
    return _crossed(first, second, lower, upper, crosses, u, eta)


def _crossed(first: np.ndarray, second: np.ndarray, lower: np.ndarray, upper: np.ndarray,
             crosses: np.ndarray, u: np.ndarray, eta: float) -> np.ndarray:
    """The children of :func:`simulated_binary_crossover` from its draws ``u``, in numpy."""
    # C-contiguous whatever the parents' layout: the children are written through a flat view
    children = np.ascontiguousarray(np.concatenate([first, second]))
    y1, y2 = np.minimum(first, second), np.maximum(first, second)
    # Parents near the float range's ends: halves, whose differences do not overflow; a room
    # beyond the float range of gaps overflows to infinity, which gives alpha = 2 below.
    with np.errstate(over="ignore", invalid="ignore"):
        half_gap = np.multiply(y2, 0.5)
        half_gap -= np.multiply(y1, 0.5)
        picked = u < 0.5
        picked &= crosses[:, None]
        picked &= half_gap > 0.5 * _SAME_VALUE
        at = np.flatnonzero(picked)
        # Row 0: the room from the lower parent down to the lower bound; row 1: from the upper
        # parent up to the upper bound.
        rooms = np.empty((2, *first.shape))
        np.subtract(y1, lower, out=rooms[0])
        np.subtract(upper, y2, out=rooms[1])
        room = rooms.reshape(2, -1).take(at, axis=1)
        np.maximum(room, 0.0, out=room)  # log(x) of a point at a bound may round just past it
        quarter = u.take(at)  # (take without an axis reads the flattened array)
        swap = quarter >= 0.25
        uniform = np.multiply(quarter, 4.0, dtype=float)
        uniform -= swap
        uniform += _HALF_STEP
        half = half_gap.take(at)
        # alpha = 2 - (1 + room / half) ** -(eta + 1); the power by squarings for the default
        # eta (and Deb's "scaled if scaled <= 1 else 1 / (2 - scaled)" below, to the power
        # 1 / (eta + 1), by square roots): several times cheaper than a general power
        alpha = np.divide(room, half)
        alpha += 1.0
        alpha = power(alpha, -(eta + 1.0))
        np.subtract(2.0, alpha, out=alpha)
        alpha *= uniform  # scaled: the same uniform number for both children, in (0, 2)
        base = np.minimum(alpha, 1.0)  # Deb's branch without a branch
        np.maximum(alpha, 1.0, out=alpha)
        np.subtract(2.0, alpha, out=alpha)
        base /= alpha
        spread = power(base, 1.0 / (eta + 1.0))
        spread *= half
        room += half
        np.minimum(spread, room, out=spread)  # children stay within the bounds
        middle = y1.take(at)
        middle += half
        below = np.subtract(middle, spread[0])
        above = np.add(middle, spread[1], out=middle)
    # The child below goes to the first child and the one above to the second, or the other
    # way round when swapped: flat positions in the first or the second half of the children.
    flat = children.reshape(-1)
    to_second = np.multiply(swap, first.size, dtype=np.intp)
    flat[at + to_second] = below
    at += first.size
    at -= to_second
    flat[at] = above
    np.maximum(children, lower, out=children)  # against rounding at the bounds
    return np.minimum(children, upper, out=children)


def polynomial_mutation(
    Z: np.ndarray, lower: np.ndarray, upper: np.ndarray, /, *,
    eta: float, prob: float, rng: np.random.Generator,
) -> np.ndarray:
    """Mutate each entry of the C-contiguous ``Z`` with probability ``prob`` by the bounded
    polynomial distribution (in place; ``Z`` is returned)."""
    if not Z.flags.c_contiguous:  # written through a flat view, which must not be a copy
        raise ValueError("polynomial_mutation needs a C-contiguous array")
    at = bernoulli_positions(Z.size, prob, rng=rng)
    spans = upper - lower
    if spans.min(initial=1.0) <= 0.0:  # a variable with equal bounds stays where it is
        at = at.compress(spans.take(at % Z.shape[1]) > 0.0)
    # Deb's two cases in one: t < 0 moves down (side -1) by the room to the lower bound, t >= 0
    # up (side +1) by the room to the upper bound; u = (1 + t) / 2 is Deb's uniform number.
    t = rng.uniform(-1.0, 1.0, at.size)
    if kernel.compiled() is not None:
        kernel.mutate(Z, lower, upper, at, t, exponent=_planned(eta + 1.0),
                      inverse=_planned(1.0 / (eta + 1.0)))
        return Z
    flat = Z.reshape(-1)
    y = flat.take(at)
    column = at % Z.shape[1]
    low, high = lower.take(column), upper.take(column)
    span = high - low
    side = np.copysign(1.0, t)
    share = 1.0 - np.abs(t)  # 2u below the middle, 2(1 - u) above it
    # (1 - room / span): the distance to the other bound over the span
    far = y - low
    far /= span
    far -= 0.5
    far *= side
    far += 0.5
    blend = power(far, eta + 1.0)
    blend *= 1.0 - share
    blend += share
    step = 1.0 - power(blend, 1.0 / (eta + 1.0))
    step *= side
    step *= span
    step += y
    flat[at] = np.minimum(np.maximum(step, low, out=step), high, out=step)
    return Z


def uniform_crossover(
    first: np.ndarray, second: np.ndarray, crosses: np.ndarray, /, *, rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Children of pairs that cross swap each variable with probability 0.5 (not one that
    does not exist, NaN, in either parent)."""
    swap = crosses[:, None] & (rng.random(first.shape) < 0.5)
    swap &= ~np.isnan(first) & ~np.isnan(second)
    return np.where(swap, second, first), np.where(swap, first, second)


def reset_mutation(
    D: np.ndarray, lower: np.ndarray, upper: np.ndarray, /, *,
    prob: float, rng: np.random.Generator,
) -> np.ndarray:
    """Move each entry with probability ``prob`` to another label of ``lower..upper`` drawn
    uniformly (for a binary variable: flip it). In place; ``D`` is returned."""
    n_labels = upper - lower + 1
    hit = (rng.random(D.shape) < prob) & (n_labels > 1) & ~np.isnan(D)
    rows, cols = np.nonzero(hit)
    shift = rng.integers(1, n_labels[cols].astype(np.int64))
    low = lower[cols]
    D[rows, cols] = low + np.mod(D[rows, cols] - low + shift, n_labels[cols])
    return D


def make_offspring(
    first: np.ndarray, second: np.ndarray, /, *, space: VariableSpace,
    settings: VariationSettings, rng: np.random.Generator,
) -> np.ndarray:
    """Offspring of the pairs of rows ``first[i]``, ``second[i]`` (the first children of all
    pairs, then the second children): crossover then mutation, in the problem's values and
    within its domain."""
    crosses = rng.random((first.shape[0],)) < settings.crossover_prob
    if space.continuous.size:
        low, high = space.encoded_lower, space.encoded_upper
        Z = simulated_binary_crossover(space.encode(first), space.encode(second), low, high,
                                       crosses, eta=settings.crossover_eta, rng=rng)
        polynomial_mutation(Z, low, high, eta=settings.mutation_eta,
                            prob=settings.mutation_prob, rng=rng)
        if not space.discrete.size:
            return space.decode(Z)
    children = np.empty((2 * first.shape[0], first.shape[1]))
    if space.continuous.size:
        children[:, space.continuous] = space.decode(Z)
    cols = space.discrete
    d1, d2 = uniform_crossover(first[:, cols], second[:, cols], crosses, rng=rng)
    children[:, cols] = reset_mutation(np.concatenate([d1, d2]), space.lower[cols],
                                       space.upper[cols], prob=settings.mutation_prob, rng=rng)
    return children
