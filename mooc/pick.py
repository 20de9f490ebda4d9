"""Choosing one point of a front.

Every rule works in minimization form on the front's objectives normalized by its ideal and
nadir points (each objective mapped to [0, 1] over the front), so units do not matter and each
objective's direction is respected. Only feasible points with finite objectives are candidates
(all points with finite objectives when none is feasible).

``knee``
    The point farthest on the ideal side of the hyperplane through the front's extreme points
    (for two objectives, the line between its two ends): where giving up a little of one
    objective buys the most of the others.
``weights=w1,w2,...``
    Deb's pseudo-weights: each point's weight of objective ``i`` is its relative distance from
    the worst value, ``(nadir_i - f_i) / (nadir_i - ideal_i)``, normalized to sum 1; the point
    whose pseudo-weights are nearest (Euclidean) to the given weights (normalized to sum 1) wins.
``reference=z1,z2,...``
    The achievement scalarizing function toward the aspiration levels ``z`` (in the user's
    directions): ``max_i (f_i - z_i) / (nadir_i - ideal_i)``, plus ``1e-6`` times the sum to break
    ties; the smallest wins, whether ``z`` is reachable or not.
``lexicographic=f2,f1``
    Best in the first named objective, ties broken by the next (unnamed objectives follow in
    declared order); ``lexicographic`` alone uses the declared order.

Examples
--------
>>> import numpy as np
>>> F = np.array([[0.0, 1.0], [0.2, 0.2], [0.6, 0.1], [1.0, 0.0]])
>>> choose(F, "knee")  # distances to the line f1 + f2 = 1: 0, 0.42, 0.21, 0
1
>>> pseudo_weights(F).round(3).tolist()
[[1.0, 0.0], [0.5, 0.5], [0.308, 0.692], [0.0, 1.0]]
>>> choose(F, "weights=0.3,0.7")
2
>>> choose(F, "reference=0.7,0.0")  # largest gaps: 1, 0.2, 0.1, 0.3
2
>>> choose(F, "lexicographic=f2", names=("f1", "f2"))
3
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from mooc.errors import UsageError

RULES = ("knee", "weights", "reference", "lexicographic")
#: The augmentation of the achievement scalarizing function, to break ties.
ASF_AUGMENTATION = 1e-6


@dataclass
class Pick:
    """A point chosen from a front: its ``index`` (row of the front), the ``rule`` that chose it,
    its variables ``x`` (choice variables by label) and objectives ``f`` (user's directions)."""

    index: int
    rule: str
    x: list[Any]
    f: list[float]

    def record(self) -> dict[str, Any]:
        return {"index": self.index, "rule": self.rule}

    @classmethod
    def from_record(cls, record: dict[str, Any], result: Any) -> Pick:
        index = int(record["index"])
        return cls(index, str(record["rule"]), result.variable_values()[index],
                   result.F[index].tolist())


def _cut(text: str) -> str:
    """``text`` as typed, cut short for a message (as mooc.options.cut_text, which imports back
    to here)."""
    return text if len(text) <= 40 else text[:30] + "..."


#: A comma between names, not one inside an element's brackets (``cost[lathe, 2]``): labels
#: hold no brackets or commas, so this splits every list of names one way only.
_OUTER_COMMAS = re.compile(r",(?![^\[]*\])")
#: A comma between an element's indices, written as its name is: ``cost[lathe,2]`` too.
_INNER_COMMA = re.compile(r"\s*,\s*")


def parse_rule(rule: str, names: Sequence[str], /) -> tuple[str, Any]:
    """``(kind, argument)`` of a rule written as text; UsageError when it is not one."""
    kind, sep, text = rule.strip().partition("=")
    kind = kind.strip().lower()
    if kind in ("lex", "lexicographic"):
        order = [_INNER_COMMA.sub(", ", n.strip()) for n in _OUTER_COMMAS.split(text)
                 if n.strip()] if sep else list(names)
        unknown = [n for n in order if n not in names]
        if unknown:
            raise UsageError(f"pick: no objective {', '.join(map(repr, unknown))}; the objectives "
                             f"are {', '.join(names)}")
        return "lexicographic", order
    if kind == "knee" and not sep:
        return "knee", None
    if kind in ("weights", "reference") and sep:
        try:
            values = [float(v) for v in text.split(",")]
        except ValueError:
            raise UsageError(f"pick {kind}= takes numbers separated by commas, but was given "
                             f"'{_cut(text)}'") from None
        if len(values) != len(names):
            raise UsageError(f"pick {kind}= takes {len(names)} numbers, one per objective "
                             f"({', '.join(names)}), but was given {len(values)}")
        if not all(np.isfinite(values)):
            raise UsageError(f"pick {kind}= takes finite numbers, but was given "
                             f"'{_cut(text)}'")
        return kind, values
    raise UsageError(f"unknown pick rule '{rule}': use knee, weights=w1,w2,..., "
                     "reference=z1,z2,... or lexicographic=NAME,...")


def _normalized(F: np.ndarray) -> np.ndarray:
    ideal, nadir = F.min(axis=0), F.max(axis=0)
    span = np.where(nadir > ideal, nadir - ideal, 1.0)
    return (F - ideal) / span


def knee(F: np.ndarray, /) -> int:
    """Row of the point farthest on the ideal side of the hyperplane through the extreme points
    of ``F`` (minimization form), after normalization."""
    N = _normalized(F)
    m = N.shape[1]
    if m == 1 or N.shape[0] <= 2:
        return int(np.lexsort(N.T[::-1])[0])
    extremes = np.array([N[np.lexsort((N.sum(axis=1), N[:, i]))[0]] for i in range(m)])
    try:
        normal = np.linalg.solve(extremes, np.ones(m))
    except np.linalg.LinAlgError:
        normal = np.ones(m)
    if not np.all(np.isfinite(normal)) or np.any(normal <= 0):
        normal = np.ones(m)
    distance = (1.0 - N @ normal) / np.linalg.norm(normal)
    return int(np.argmax(distance))


def pseudo_weights(F: np.ndarray, /) -> np.ndarray:
    """Deb's pseudo-weight vector of each row of ``F`` (minimization form); rows sum to 1."""
    ideal, nadir = F.min(axis=0), F.max(axis=0)
    span = np.where(nadir > ideal, nadir - ideal, 1.0)
    closeness = (nadir - F) / span
    total = closeness.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        weights = np.where(total > 0, closeness / np.where(total > 0, total, 1.0), 1.0 / F.shape[1])
    return weights


def by_weights(F: np.ndarray, weights: Sequence[float], /) -> int:
    """Row whose pseudo-weights are nearest to ``weights`` (normalized to sum 1)."""
    wanted = np.asarray(weights, dtype=float)
    if np.any(wanted < 0) or wanted.sum() <= 0:
        raise UsageError("pick weights= takes numbers of at least 0, not all 0")
    wanted = wanted / wanted.sum()
    return int(np.argmin(np.linalg.norm(pseudo_weights(F) - wanted, axis=1)))


def by_reference(F: np.ndarray, reference: Any, /) -> int:
    """Row with the least achievement scalarizing function toward ``reference`` (both in
    minimization form)."""
    span = F.max(axis=0) - F.min(axis=0)
    span = np.where(span > 0, span, 1.0)
    gap = (F - np.asarray(reference, dtype=float)) / span
    return int(np.argmin(gap.max(axis=1) + ASF_AUGMENTATION * gap.sum(axis=1)))


def lexicographic(F: np.ndarray, order: Sequence[int], /) -> int:
    """Row best in objective ``order[0]``, ties broken by the next (minimization form)."""
    rest = [j for j in range(F.shape[1]) if j not in order]
    keys = [F[:, j] for j in [*order, *rest]]
    return int(np.lexsort(keys[::-1])[0])


def choose(F: Any, rule: str, /, *, maximize: Any = False, names: Sequence[str] | None = None,
           candidates: np.ndarray | None = None) -> int:
    """The row of ``F`` (user's directions; ``maximize`` flags per objective) that ``rule``
    picks among ``candidates`` (a mask; default: the rows with finite objectives).

    Parameters
    ----------
    F : array_like
        Objectives, one row per point.
    rule : str
        ``knee``, ``weights=...``, ``reference=...`` or ``lexicographic[=names]``.
    maximize : bool or sequence of bool
        Which objectives are maximized (``reference`` values are read in the same directions).
    names : sequence of str, optional
        The objectives' names (for ``lexicographic``); default ``f1, f2, ...``.
    candidates : ndarray of bool, optional
        The rows that may be picked.
    """
    values = np.asarray(F, dtype=float)
    n_obj = values.shape[1]
    names = tuple(names or (f"f{k + 1}" for k in range(n_obj)))
    kind, argument = parse_rule(rule, names)
    sign = np.where(np.broadcast_to(np.asarray(maximize, dtype=bool), (n_obj,)), -1.0, 1.0)
    usable = np.isfinite(values).all(axis=1)
    if candidates is not None and (usable & candidates).any():
        usable &= candidates
    rows = usable.nonzero()[0]
    if not rows.size:
        raise UsageError("pick: the front is empty: there is no point to pick" if not len(values)
                         else "pick: no point of the front has finite objectives (each has a "
                         "NaN or infinite objective): there is no point to pick")
    M = values[rows] * sign
    if kind == "knee":
        chosen = knee(M)
    elif kind == "weights":
        chosen = by_weights(M, argument)
    elif kind == "reference":
        chosen = by_reference(M, np.asarray(argument) * sign)
    else:
        chosen = lexicographic(M, [names.index(n) for n in argument])
    return int(rows[chosen])


def rule_text(rule: str | None, options: dict[str, Any]) -> str:
    """A rule given as text or as one keyword (``weights=[...]``) as text."""
    if rule is not None and options:
        raise UsageError("pick takes a rule or one keyword, not both")
    if rule is not None:
        if not isinstance(rule, str):
            raise UsageError(f"pick takes a rule as text ('knee', 'weights=0.2,0.8', ...), but "
                             f"was given {rule!r}")
        return rule
    if len(options) != 1:
        raise UsageError("pick takes one rule: 'knee', weights=[...], reference=[...] or "
                         "lexicographic=[...]")
    (kind, value), = options.items()
    if kind not in (*RULES, "lex"):
        raise UsageError(f"pick has no rule '{kind}': use knee, weights=[...], reference=[...] "
                         "or lexicographic=[...]")
    if kind == "knee":
        return "knee"
    if isinstance(value, str):
        return f"{kind}={value}"
    if np.ndim(value) != 1:
        raise UsageError(f"pick {kind}= takes a list, one value per objective, but was given "
                         f"{value!r}")
    return f"{kind}={','.join(str(v) for v in value)}"


def pick(result: Any, rule: str | None = None, /, **options: Any) -> Pick:
    """Choose a point of ``result``'s front (see the module) and return it as a :class:`Pick`."""
    text = rule_text(rule, options)
    problem = result.problem
    index = choose(result.F, text, maximize=problem.maximize, names=problem.objective_names,
                   candidates=np.asarray(result.feasible, dtype=bool))
    return Pick(index, text, result.variable_values()[index], result.F[index].tolist())


def pick_table(result: Any, chosen: Pick, /) -> str:
    """The chosen point as a one-row text table, under the rule that chose it."""
    note = "" if result.feasible[chosen.index] else \
        " (infeasible: no feasible point was found; this one violates the least)"
    return (f"picked by {chosen.rule}: point {chosen.index + 1} of {len(result)}{note}\n"
            + result.table(indices=[chosen.index]))
