"""Test problems written in numpy, with their true fronts where known."""

from __future__ import annotations

import math

import moocore
import numpy as np

from mooc.solver import FunctionProblem


def _zdt_g(X: np.ndarray) -> np.ndarray:
    return 1.0 + 9.0 * X[:, 1:].mean(axis=1)


def zdt1(X: np.ndarray) -> np.ndarray:
    f1, g = X[:, 0], _zdt_g(X)
    return np.stack([f1, g * (1.0 - np.sqrt(f1 / g))], axis=1)


def zdt2(X: np.ndarray) -> np.ndarray:
    f1, g = X[:, 0], _zdt_g(X)
    return np.stack([f1, g * (1.0 - (f1 / g) ** 2)], axis=1)


def zdt3(X: np.ndarray) -> np.ndarray:
    f1, g = X[:, 0], _zdt_g(X)
    return np.stack([f1, g * (1.0 - np.sqrt(f1 / g) - f1 / g * np.sin(10 * np.pi * f1))], axis=1)


def zdt_front(name: str, n: int = 20001) -> np.ndarray:
    f1 = np.linspace(0.0, 1.0, n)
    f2 = {
        "zdt1": 1.0 - np.sqrt(f1),
        "zdt2": 1.0 - f1**2,
        "zdt3": 1.0 - np.sqrt(f1) - f1 * np.sin(10 * np.pi * f1),
    }[name]
    return moocore.filter_dominated(np.stack([f1, f2], axis=1))


ZDT = {"zdt1": zdt1, "zdt2": zdt2, "zdt3": zdt3}


def zdt_problem(name: str, n_var: int = 30) -> FunctionProblem:
    return FunctionProblem(ZDT[name], lower=np.zeros(n_var), upper=np.ones(n_var), n_obj=2)


def dtlz2(X: np.ndarray) -> np.ndarray:
    g = ((X[:, 2:] - 0.5) ** 2).sum(axis=1)
    a, b = X[:, 0] * np.pi / 2, X[:, 1] * np.pi / 2
    return (1.0 + g)[:, None] * np.stack(
        [np.cos(a) * np.cos(b), np.cos(a) * np.sin(b), np.sin(a)], axis=1)


def dtlz2_problem(n_var: int = 12) -> FunctionProblem:
    return FunctionProblem(dtlz2, lower=np.zeros(n_var), upper=np.ones(n_var), n_obj=3)


def dtlz2_front(n: int = 201) -> np.ndarray:
    a, b = np.meshgrid(np.linspace(0, np.pi / 2, n), np.linspace(0, np.pi / 2, n))
    a, b = a.ravel(), b.ravel()
    return np.stack([np.cos(a) * np.cos(b), np.cos(a) * np.sin(b), np.sin(a)], axis=1)


def binh_korn_violations(X: np.ndarray) -> np.ndarray:
    x1, x2 = X[:, 0], X[:, 1]
    return np.stack([
        np.maximum((x1 - 5) ** 2 + x2**2 - 25.0, 0.0),
        np.maximum(7.7 - (x1 - 8) ** 2 - (x2 + 3) ** 2, 0.0),
    ], axis=1)


def binh_korn(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x1, x2 = X[:, 0], X[:, 1]
    F = np.stack([4 * x1**2 + 4 * x2**2, (x1 - 5) ** 2 + (x2 - 5) ** 2], axis=1)
    return F, binh_korn_violations(X)


def binh_korn_problem() -> FunctionProblem:
    return FunctionProblem(binh_korn, lower=[0.0, 0.0], upper=[5.0, 3.0], n_obj=2, n_hard=2)


def infeasible(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x1 + x2 >= 3 on the unit square: violated everywhere, least at (1, 1)."""
    F = np.stack([X[:, 0], 1.0 - X[:, 0] + X[:, 1]], axis=1)
    return F, (3.0 - X[:, 0] - X[:, 1])[:, None]


def infeasible_problem() -> FunctionProblem:
    return FunctionProblem(infeasible, lower=[0.0, 0.0], upper=[1.0, 1.0], n_obj=2, n_hard=1)


MIXED_KINDS = ("real", "log", "int", "bin", "choice", "int")
MIXED_LOWER = np.array([-1.0, 0.01, -3.0, 0.0, 0.0, 0.0])
MIXED_UPPER = np.array([1.0, 100.0, 4.0, 1.0, 4.0, 0.0])


def mixed(X: np.ndarray) -> np.ndarray:
    """Two objectives over real, log, int, bin and choice variables (and a fixed int)."""
    x, scale, count, flag, label = X[:, 0], X[:, 1], X[:, 2], X[:, 3], X[:, 4]
    f1 = x**2 + np.abs(np.log10(scale)) + (count - 1) ** 2 + flag + (label != 2)
    f2 = (x - 1) ** 2 + np.abs(np.log10(scale) - 1) + (count + 2) ** 2 + (1 - flag) + label
    return np.stack([f1, f2], axis=1)


def in_mixed_domain(X: np.ndarray) -> bool:
    inside = (X >= MIXED_LOWER).all() and (X <= MIXED_UPPER).all()
    integral = np.array([kind in ("int", "bin", "choice") for kind in MIXED_KINDS])
    return bool(inside and (X[:, integral] == np.round(X[:, integral])).all())


def dtlz2_objectives(X: np.ndarray, n_obj: int) -> np.ndarray:
    """DTLZ2 with ``n_obj`` objectives (the last n_var - n_obj + 1 variables make g)."""
    g = ((X[:, n_obj - 1:] - 0.5) ** 2).sum(axis=1)
    angle = X[:, : n_obj - 1] * np.pi / 2
    F = np.empty((X.shape[0], n_obj))
    for m in range(n_obj):
        F[:, m] = np.prod(np.cos(angle[:, : n_obj - 1 - m]), axis=1)
        if m:
            F[:, m] *= np.sin(angle[:, n_obj - 1 - m])
    return (1.0 + g)[:, None] * F


def dtlz2_many_problem(n_obj: int, n_var: int | None = None) -> FunctionProblem:
    n_var = n_obj + 9 if n_var is None else n_var
    return FunctionProblem(lambda X: dtlz2_objectives(X, n_obj), lower=np.zeros(n_var),
                           upper=np.ones(n_var), n_obj=n_obj)


def c2_dtlz2_violation(F: np.ndarray) -> np.ndarray:
    """C2-DTLZ2 (Jain and Deb, 2014): feasible near each axis's end of the front or near its
    middle, within r = 0.4 (three objectives) or 0.5 (more)."""
    n_obj = F.shape[1]
    r = 0.4 if n_obj == 3 else 0.5
    squares = (F**2).sum(axis=1, keepdims=True)
    near_axis = ((F - 1.0) ** 2 + squares - F**2 - r**2).min(axis=1)
    near_middle = ((F - 1.0 / np.sqrt(n_obj)) ** 2).sum(axis=1) - r**2
    return np.maximum(np.minimum(near_axis, near_middle), 0.0)


def c2_dtlz2_problem(n_obj: int = 3) -> FunctionProblem:
    n_var = n_obj + 9

    def function(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        F = dtlz2_objectives(X, n_obj)
        return F, c2_dtlz2_violation(F)[:, None]

    return FunctionProblem(function, lower=np.zeros(n_var), upper=np.ones(n_var), n_obj=n_obj,
                           n_hard=1)


def dtlz2_exact_hypervolume(n_obj: int, ref: float = 1.1) -> float:
    """Hypervolume of DTLZ2's whole front (the unit sphere's positive orthant) to the point
    ``ref`` in every objective: the box minus the orthant of the unit ball."""
    ball = np.pi ** (n_obj / 2) / math.gamma(n_obj / 2 + 1)
    return ref**n_obj - ball / 2**n_obj
