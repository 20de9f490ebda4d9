"""True Pareto fronts of the library problems, and the quality indicators to compare against them.

Fronts come from the analytic form where one is known, otherwise from a CSV file in
``stdlib/fronts/`` made once by ``stdlib/fronts/generate.py``; nothing is fetched at run time.
Every front is in the problem's user directions (as ``mooc.load(name).evaluate`` reports F).

>>> import mooc.indicators as ind
>>> front = ind.true_front("zdt1", n_points=3)
>>> front.tolist()
[[0.0, 1.0], [0.5, 0.2928932188134524], [1.0, 0.0]]
>>> round(ind.hypervolume(front, ref=[1.1, 1.1]), 4)
0.5636
"""

from __future__ import annotations

from collections.abc import Callable
from math import comb
from pathlib import Path
from typing import Any

import numpy as np

from mooc.solver.indicators import hypervolume, igd, igd_plus
from mooc.solver.moocore_import import import_moocore

moocore = import_moocore()

__all__ = ["comparison", "das_dennis", "front_names", "hypervolume", "igd", "igd_plus",
           "true_front"]

#: A front is compared by hypervolume for at most this many objectives: its cost grows
#: exponentially with them (500 points of six objectives take about a second, of eight
#: objectives minutes). IGD and IGD+ are computed for any number.
COMPARED_HYPERVOLUME_MAX_OBJECTIVES = 5

#: Library problems whose front is a CSV file made once by stdlib/fronts/generate.py.
CSV_FRONTS = ("kursawe", "poloni", "viennet", "tanaka", "osyczka_kramer", "two_bar_truss",
              "welded_beam")


def _fronts_dir() -> Path:
    import mooc.stdlib

    return Path(mooc.stdlib.__file__).parent / "fronts"


def das_dennis(n_partitions: int, n_obj: int, /) -> np.ndarray:
    """Das and Dennis's evenly spaced points on the unit simplex (rows sum to 1).

    >>> das_dennis(2, 3).tolist()
    [[0.0, 0.0, 1.0], [0.0, 0.5, 0.5], [0.0, 1.0, 0.0], [0.5, 0.0, 0.5], [0.5, 0.5, 0.0], [1.0, 0.0, 0.0]]
    """
    if n_obj == 1:
        return np.array([[1.0]])
    rows = []
    for first in range(n_partitions + 1):
        rest = das_dennis(n_partitions - first, n_obj - 1) if first < n_partitions else None
        if rest is None:
            rows.append(np.concatenate([[1.0], np.zeros(n_obj - 1)])[None, :])
            continue
        scale = (n_partitions - first) / n_partitions
        rows.append(np.column_stack([np.full(len(rest), first / n_partitions), rest * scale]))
    return np.vstack(rows)


def _simplex(n_points: int, n_obj: int) -> np.ndarray:
    """At least ``n_points`` Das-Dennis points (the fewest partitions that give that many)."""
    partitions = 1
    while comb(partitions + n_obj - 1, n_obj - 1) < n_points:
        partitions += 1
    return das_dennis(partitions, n_obj)


def _nondominated(F: np.ndarray, n_points: int) -> np.ndarray:
    """The non-dominated rows of a dense sample, thinned to at most ``n_points`` rows."""
    front = F[moocore.is_nondominated(F)]
    keep = np.unique(np.linspace(0, len(front) - 1, min(n_points, len(front))).astype(int))
    return front[keep]


def _curve(f1: np.ndarray, f2: np.ndarray) -> np.ndarray:
    return np.column_stack([f1, f2])


def _zdt3(n_points: int, _: dict[str, Any]) -> np.ndarray:
    x = np.linspace(0, 1, 20 * n_points)
    return _nondominated(_curve(x, 1 - np.sqrt(x) - x * np.sin(10 * np.pi * x)), n_points)


def _zdt6(n_points: int, _: dict[str, Any]) -> np.ndarray:
    f1 = np.linspace(0.2807753191, 1, n_points)
    return _curve(f1, 1 - f1**2)


def _sphere(n_points: int, params: dict[str, Any]) -> np.ndarray:
    W = _simplex(n_points, int(params.get("M", 3)))
    return W / np.linalg.norm(W, axis=1, keepdims=True)


def _dtlz1(n_points: int, params: dict[str, Any]) -> np.ndarray:
    return 0.5 * _simplex(n_points, int(params.get("M", 3)))


def _dtlz5(n_points: int, params: dict[str, Any]) -> np.ndarray:
    """The degenerate curve: theta[1] free, the other angles pi/4 (g = 0). That is the whole
    front at two and three objectives only: from four on, points with g > 0 are not dominated
    either (Ishibuchi, Masuda and Nojima, "Pareto fronts of many-objective degenerate test
    problems", IEEE TEVC 2016), and no closed form of the front is known."""
    M = int(params.get("M", 3))
    if M > 3:
        raise ValueError(f"no known front for DTLZ5 and DTLZ6 with {M} objectives: from four on "
                         "it is more than the curve at g = 0 (Ishibuchi et al., 2016)")
    theta = np.column_stack([np.linspace(0, np.pi / 2, n_points)]
                            + [np.full(n_points, np.pi / 4)] * (M - 2))
    F = np.empty((n_points, M))
    for m in range(1, M + 1):
        F[:, m - 1] = np.prod(np.cos(theta[:, :M - m]), axis=1)
        if m > 1:
            F[:, m - 1] *= np.sin(theta[:, M - m])
    return F


def _dtlz7(n_points: int, params: dict[str, Any]) -> np.ndarray:
    """Non-dominated part of f_M = 2 (M - sum f_i / 2 (1 + sin(3 pi f_i))) over a grid (g = 1)."""
    M = int(params.get("M", 3))
    side = max(2, int(np.ceil((20 * n_points) ** (1 / (M - 1)))))
    axes = np.meshgrid(*[np.linspace(0, 1, side)] * (M - 1), indexing="ij")
    head = np.column_stack([a.ravel() for a in axes])
    last = 2 * (M - np.sum(head / 2 * (1 + np.sin(3 * np.pi * head)), axis=1))
    return _nondominated(np.column_stack([head, last]), n_points)


def _schaffer_n1(n_points: int, _: dict[str, Any]) -> np.ndarray:
    x = np.linspace(0, 2, n_points)
    return _curve(x**2, (x - 2) ** 2)


def _schaffer_n2(n_points: int, _: dict[str, Any]) -> np.ndarray:
    """Two pieces: x in [1, 2) (f1 = x - 2) and x in [4, 5] (f1 = x - 4)."""
    half = max(2, n_points // 2)
    x = np.concatenate([np.linspace(1, 2, half, endpoint=False), np.linspace(4, 5, half)])
    return _curve(np.where(x < 3, x - 2, x - 4), (x - 5) ** 2)


def _fonseca_fleming(n_points: int, params: dict[str, Any]) -> np.ndarray:
    """All x[i] equal to t, t in [-1/sqrt(n), 1/sqrt(n)]."""
    n = int(params.get("n", 3))
    t = np.linspace(-1 / np.sqrt(n), 1 / np.sqrt(n), n_points)
    return _curve(1 - np.exp(-n * (t - 1 / np.sqrt(n)) ** 2),
                  1 - np.exp(-n * (t + 1 / np.sqrt(n)) ** 2))


def _binh_korn(n_points: int, _: dict[str, Any]) -> np.ndarray:
    """x = y on [0, 3], then y = 3 with x on [3, 5] (pymoo's BNH front)."""
    x = np.linspace(0, 5, n_points)
    y = np.minimum(x, 3)
    return _curve(4 * x**2 + 4 * y**2, (x - 5) ** 2 + (y - 5) ** 2)


def _chankong_haimes(n_points: int, _: dict[str, Any]) -> np.ndarray:
    """Three pieces, filtered for dominance: along c2's line x = 3 y - 10 from f1's constrained
    minimum (1.1, 3.7) to (-2.5, 2.5); then x = -2.5 up to the circle x^2 + y^2 = 225; then along
    the circle. (pymoo's SRN front is the middle piece only.)
    """
    along_c2 = np.linspace(2.5, 3.7, n_points)
    on_x = np.linspace(2.5, np.sqrt(225 - 2.5**2), n_points)
    angle = np.linspace(np.arctan2(np.sqrt(225 - 2.5**2), -2.5), np.pi, 2 * n_points)
    x = np.concatenate([3 * along_c2 - 10, np.full(n_points, -2.5), 15 * np.cos(angle)])
    y = np.concatenate([along_c2, on_x, 15 * np.sin(angle)])
    F = _curve(2 + (x - 2) ** 2 + (y - 1) ** 2, 9 * x - (y - 1) ** 2)
    return _nondominated(F, n_points)


def _constr(n_points: int, _: dict[str, Any]) -> np.ndarray:
    """x2 = 6 - 9 x1 for x1 in [7/18, 2/3] (c1 active), then x2 = 0 for x1 in [2/3, 1]."""
    x1 = np.linspace(7 / 18, 1, n_points)
    x2 = np.maximum(6 - 9 * x1, 0)
    return _curve(x1, (1 + x2) / x1)


def _ctp1(n_points: int, _: dict[str, Any]) -> np.ndarray:
    """f2 = the highest of exp(-f1) (g = 1) and the two constraint boundaries, f1 in [0, 1]."""
    beta1 = np.exp(-1 / 3)
    a1 = (1 + beta1) / 2
    b1 = -3 * np.log(beta1 / a1)
    beta2 = a1 * np.exp(-b1 * 2 / 3)
    a2 = (a1 + beta2) / 2
    b2 = -3 / 2 * np.log(beta2 / a2)
    f1 = np.linspace(0, 1, n_points)
    f2 = np.maximum.reduce([np.exp(-f1), a1 * np.exp(-b1 * f1), a2 * np.exp(-b2 * f1)])
    return _nondominated(_curve(f1, f2), n_points)


def _convex(n_points: int, _: dict[str, Any]) -> np.ndarray:
    f1 = np.linspace(0, 1, n_points)
    return _curve(f1, 1 - np.sqrt(f1))


def _concave(n_points: int, _: dict[str, Any]) -> np.ndarray:
    f1 = np.linspace(0, 1, n_points)
    return _curve(f1, 1 - f1**2)


_ANALYTIC: dict[str, Callable[[int, dict[str, Any]], np.ndarray]] = {
    "zdt1": _convex, "zdt2": _concave, "zdt3": _zdt3, "zdt4": _convex, "zdt6": _zdt6,
    "dtlz1": _dtlz1, "dtlz2": _sphere, "dtlz3": _sphere, "dtlz4": _sphere,
    "dtlz5": _dtlz5, "dtlz6": _dtlz5, "dtlz7": _dtlz7,
    "schaffer_n1": _schaffer_n1, "schaffer_n2": _schaffer_n2,
    "fonseca_fleming": _fonseca_fleming, "binh_korn": _binh_korn,
    "chankong_haimes": _chankong_haimes, "constr": _constr, "ctp1": _ctp1,
}


def front_names() -> list[str]:
    """The library problems with a known true front."""
    return sorted(set(_ANALYTIC) | set(CSV_FRONTS))


def true_front(name: str, /, *, n_points: int = 500,
               params: dict[str, Any] | None = None) -> np.ndarray:
    """Points of library problem ``name``'s Pareto front, in the problem's user directions.

    ``n_points`` is a target: analytic fronts give about that many (a simplex lattice gives the
    next size up; disconnected fronts give fewer), CSV fronts give every stored point.
    ``params`` are the model's param overrides (``M`` for DTLZ, ``n`` for Fonseca-Fleming);
    CSV fronts hold for the default params only.

    >>> true_front("dtlz2", n_points=10).shape
    (10, 3)
    """
    key = name.lower()
    options = dict(params or {})
    if key in _ANALYTIC:
        return _ANALYTIC[key](int(n_points), options)
    if key in CSV_FRONTS:
        if options:
            raise ValueError(f"the stored front of '{name}' holds for its default params only, "
                             f"but 'params' sets {sorted(options)}")
        return np.loadtxt(_fronts_dir() / f"{key}.csv", delimiter=",", ndmin=2)
    raise ValueError(f"no known front for '{name}'; these have one: {', '.join(front_names())}")


def comparison(F: np.ndarray, reference: np.ndarray, *, maximize: np.ndarray,
               reference_point: np.ndarray | None = None) -> list[str]:
    """Lines comparing the front ``F`` with a reference front (both in the user's
    directions): hypervolume, IGD and IGD+; an indicator that cannot be computed is named
    with the reason instead. The hypervolumes are taken against ``reference_point`` (the
    run's, in the user's directions) when given, so they match the run's summary; otherwise
    against a point a tenth beyond the reference front's worst values.

    >>> for line in comparison(np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([[0.0, 0.5],
    ...                        [0.5, 0.0]]), maximize=np.array([False, False])):
    ...     print(line)
    hypervolume 0 (0.00% of the reference front's 0.0525, reference point [0.55, 0.55])
    IGD  0.5
    IGD+ 0.5
    """
    sign = np.where(maximize, -1.0, 1.0)  # indicators work on minimization
    front, true = F * sign, reference * sign
    front = front[np.isfinite(front).all(axis=1)]
    if not len(front):
        return ["no point of the front has finite objectives: no indicator against the "
                "reference front"]
    fixed = None if reference_point is None else np.asarray(reference_point) * sign
    return [_hypervolume_line(front, true, fixed, sign),
            f"IGD  {igd(front, reference_front=true):.6g}",
            f"IGD+ {igd_plus(front, reference_front=true):.6g}"]


def _hypervolume_line(front: np.ndarray, true: np.ndarray, ref: np.ndarray | None,
                      sign: np.ndarray) -> str:
    """The hypervolume line: ``front``, ``true`` and ``ref`` in minimization form, the
    reference point printed in the user's directions (``sign`` flips it back), as the run's
    summary prints it."""
    n_obj = true.shape[1]
    if n_obj > COMPARED_HYPERVOLUME_MAX_OBJECTIVES:
        return (f"hypervolume not computed for {n_obj} objectives (at most "
                f"{COMPARED_HYPERVOLUME_MAX_OBJECTIVES}: its cost grows exponentially with them)")
    if ref is None:
        top = np.max(true, axis=0)
        with np.errstate(over="ignore"):  # a point beyond the float range: said below
            ref = top * 1.1 if np.all(top > 0) else top + 0.1 * np.ptp(true, axis=0)
    if not np.isfinite(ref).all():
        return "hypervolume not computed: the reference front reaches beyond the float range"
    mine, best = hypervolume(front, ref=ref), hypervolume(true, ref=ref)
    share = f"{mine / best:.2%} of " if best > 0 else ""
    shown = ref * sign + 0.0  # + 0.0: no -0
    return (f"hypervolume {mine:.6g} ({share}the reference front's {best:.6g}, "
            f"reference point {np.array2string(shown, precision=4, separator=', ')})")
