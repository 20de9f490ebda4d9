"""Variation operators: simulated binary crossover and polynomial mutation (Deb's bounded
versions, as in the NSGA-II reference code) for continuous columns; uniform crossover and
random reset to another label for binary and choice columns. All vectorized over the pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mooc.solver.variables import VariableSpace

#: Parents closer than this in a variable are not crossed in it (as in Deb's code).
_SAME_VALUE = 1e-14


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
    steps = np.log2(abs(exponent)) if exponent else 0.5
    if steps != round(steps) or abs(steps) > 6:
        return base**exponent
    step = np.square if steps > 0 else np.sqrt
    result = base
    for _ in range(abs(int(steps))):
        result = step(result)
    return 1.0 / result if exponent < 0 else result


def simulated_binary_crossover(
    parents: np.ndarray, lower: np.ndarray, upper: np.ndarray, crosses: np.ndarray, /, *,
    eta: float, rng: np.random.Generator,
) -> np.ndarray:
    """Children of the pairs of consecutive rows of ``parents``: the first children of all
    pairs, then the second children.

    Pairs with ``crosses`` True exchange each variable with probability 0.5 through the bounded
    SBX spread, and the two children's values are swapped with probability 0.5; other pairs
    are copied.
    """
    first, second = parents[0::2], parents[1::2]
    children = np.concatenate([first, second])
    picked = rng.random(first.shape) < 0.5
    picked &= crosses[:, None]
    picked &= np.abs(first - second) > _SAME_VALUE
    at = np.flatnonzero(picked)
    p1, p2 = first.take(at), second.take(at)
    y1, y2 = np.minimum(p1, p2), np.maximum(p1, p2)
    column = at % first.shape[1]
    low, high = lower[column], upper[column]
    distance = y2 - y1
    # Row 0 spreads the lower child towards the lower bound, row 1 the upper one upwards.
    room = np.stack([y1 - low, high - y2])
    alpha = 2.0 - power(1.0 + 2.0 * room / distance, -(eta + 1.0))
    scaled = rng.random(at.size) * alpha  # the same uniform number for both children
    # alpha is in [1, 2) and scaled in [0, alpha), so both branches are finite everywhere.
    spread = power(np.where(scaled <= 1.0, scaled, 1.0 / (2.0 - scaled)), 1.0 / (eta + 1.0))
    spread *= 0.5 * distance
    c1 = np.maximum(0.5 * (y1 + y2) - spread[0], low)
    c2 = np.minimum(0.5 * (y1 + y2) + spread[1], high)
    swap = rng.random(at.size) < 0.5
    children.put(at, np.where(swap, c2, c1))
    children.put(at + first.size, np.where(swap, c1, c2))
    return children


def polynomial_mutation(
    Z: np.ndarray, lower: np.ndarray, upper: np.ndarray, /, *,
    eta: float, prob: float, rng: np.random.Generator,
) -> np.ndarray:
    """Mutate each entry of ``Z`` with probability ``prob`` by the bounded polynomial
    distribution (in place; ``Z`` is returned)."""
    hit = (rng.random(Z.shape) < prob) & (upper > lower)
    rows, cols = np.nonzero(hit)
    y, low, high = Z[rows, cols], lower[cols], upper[cols]
    span = high - low
    u = rng.random(rows.size)
    left = u < 0.5
    reach = np.where(left, y - low, high - y) / span
    tail = power(1.0 - reach, eta + 1.0)
    base = np.where(left, 2.0 * u + (1.0 - 2.0 * u) * tail, 2.0 * (1.0 - u) + 2.0 * (u - 0.5) * tail)
    root = power(base, 1.0 / (eta + 1.0))
    step = np.where(left, root - 1.0, 1.0 - root)
    Z[rows, cols] = np.minimum(np.maximum(y + step * span, low), high)
    return Z


def uniform_crossover(
    first: np.ndarray, second: np.ndarray, crosses: np.ndarray, /, *, rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Children of pairs that cross swap each variable with probability 0.5."""
    swap = crosses[:, None] & (rng.random(first.shape) < 0.5)
    return np.where(swap, second, first), np.where(swap, first, second)


def reset_mutation(
    D: np.ndarray, lower: np.ndarray, upper: np.ndarray, /, *,
    prob: float, rng: np.random.Generator,
) -> np.ndarray:
    """Move each entry with probability ``prob`` to another label of ``lower..upper`` drawn
    uniformly (for a binary variable: flip it). In place; ``D`` is returned."""
    n_labels = upper - lower + 1
    hit = (rng.random(D.shape) < prob) & (n_labels > 1)
    rows, cols = np.nonzero(hit)
    shift = rng.integers(1, n_labels[cols].astype(np.int64))
    low = lower[cols]
    D[rows, cols] = low + np.mod(D[rows, cols] - low + shift, n_labels[cols])
    return D


def make_offspring(
    parents: np.ndarray, /, *, space: VariableSpace, settings: VariationSettings,
    rng: np.random.Generator,
) -> np.ndarray:
    """Offspring of consecutive pairs of rows of ``parents`` (an even number of rows): crossover
    then mutation, in the problem's values and within its domain."""
    crosses = rng.random(parents.shape[0] // 2) < settings.crossover_prob
    if space.continuous.size:
        low, high = space.encoded_lower, space.encoded_upper
        Z = simulated_binary_crossover(space.encode(parents), low, high, crosses,
                                       eta=settings.crossover_eta, rng=rng)
        polynomial_mutation(Z, low, high, eta=settings.mutation_eta,
                            prob=settings.mutation_prob, rng=rng)
        if not space.discrete.size:
            return space.decode(Z)
    children = np.empty_like(parents)
    if space.continuous.size:
        children[:, space.continuous] = space.decode(Z)
    cols = space.discrete
    d1, d2 = uniform_crossover(parents[0::2, cols], parents[1::2, cols], crosses, rng=rng)
    children[:, cols] = reset_mutation(np.concatenate([d1, d2]), space.lower[cols],
                                       space.upper[cols], prob=settings.mutation_prob, rng=rng)
    return children
