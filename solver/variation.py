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


def _spread_factor(alpha: np.ndarray, u: np.ndarray, eta: float) -> np.ndarray:
    # alpha is in [1, 2) and u in [0, 1), so both branches are finite for every entry.
    scaled = u * alpha
    return np.where(scaled <= 1.0, scaled, 1.0 / (2.0 - scaled)) ** (1.0 / (eta + 1.0))


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
    exponent = -(eta + 1.0)
    alpha_low = 2.0 - (1.0 + 2.0 * (y1 - low) / distance) ** exponent
    alpha_high = 2.0 - (1.0 + 2.0 * (high - y2) / distance) ** exponent
    u = rng.random(at.size)
    middle = 0.5 * (y1 + y2)
    half = 0.5 * distance
    c1 = np.maximum(middle - _spread_factor(alpha_low, u, eta) * half, low)
    c2 = np.minimum(middle + _spread_factor(alpha_high, u, eta) * half, high)
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
    power = 1.0 / (eta + 1.0)
    left = u < 0.5
    reach = np.where(left, y - low, high - y) / span
    tail = (1.0 - reach) ** (eta + 1.0)
    base = np.where(left, 2.0 * u + (1.0 - 2.0 * u) * tail, 2.0 * (1.0 - u) + 2.0 * (u - 0.5) * tail)
    step = np.where(left, base**power - 1.0, 1.0 - base**power)
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
