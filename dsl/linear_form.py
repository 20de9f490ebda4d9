"""A model's structure as plain data: :class:`LinearModel` (its matrices) or :class:`NotLinear`
(why not), and their plain form, which the compile cache keeps so that a model loaded from it
knows its structure without sympy (:mod:`mooc.dsl.structure` finds it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from mooc.dsl.span import Span

if TYPE_CHECKING:
    from scipy import sparse


@dataclass(frozen=True)
class NotLinear:
    """Why a model is not linear, and where."""

    reason: str
    span: Span | None = None

    def describe(self) -> str:
        where = f" (line {self.span.line})" if self.span is not None else ""
        return f"not linear: {self.reason}{where}"


@dataclass(frozen=True)
class LinearModel:
    """A linear model as matrices, in minimization form; see the module's docstring."""

    objectives: sparse.csr_array  # (n_obj, n)
    offsets: np.ndarray  # (n_obj,)
    A_ub: sparse.csr_array
    b_ub: np.ndarray
    A_eq: sparse.csr_array
    b_eq: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    integral: np.ndarray  # bool per column
    n_model: int  # the first n_model columns are the model's variables
    counts: dict[str, int] = field(default_factory=dict)  # model columns by kind
    n_soft: int = 0
    hard_scales: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def describe(self) -> str:
        """``linear, 20 binary, 0 integer and 3 continuous variables`` and what was added."""
        c = self.counts
        text = (f"linear, {c.get('bin', 0)} binary, {c.get('int', 0)} integer and "
                f"{c.get('real', 0) + c.get('log', 0)} continuous variables")
        if c.get("choice"):
            text += f", {c['choice']} choice variable{'s' if c['choice'] > 1 else ''} as binaries"
        if self.n_soft:
            text += (f", {self.n_soft} soft constraint{'s' if self.n_soft > 1 else ''} as "
                     "penalty slacks")
        return text


_MATRICES = ("objectives", "A_ub", "A_eq")
_ARRAYS = ("offsets", "b_ub", "b_eq", "lower", "upper", "integral", "hard_scales")


def to_plain(structure: LinearModel | NotLinear, /) -> dict[str, Any]:
    """``structure`` as numbers, strings, arrays and spans (sparse matrices by their parts)."""
    if isinstance(structure, NotLinear):
        return {"linear": False, "reason": structure.reason, "span": structure.span}
    plain: dict[str, Any] = {"linear": True, "n_model": structure.n_model,
                             "counts": dict(structure.counts), "n_soft": structure.n_soft}
    for name in _MATRICES:
        matrix = getattr(structure, name).tocsr()
        plain[name] = {"data": np.asarray(matrix.data, dtype=float),
                       "indices": np.asarray(matrix.indices, dtype=np.int64),
                       "indptr": np.asarray(matrix.indptr, dtype=np.int64),
                       "shape": [int(n) for n in matrix.shape]}
    for name in _ARRAYS:
        plain[name] = np.asarray(getattr(structure, name))
    return plain


def from_plain(plain: dict[str, Any], /) -> LinearModel | NotLinear:
    """The structure :func:`to_plain` gave."""
    if not plain["linear"]:
        return NotLinear(plain["reason"], plain["span"])
    from scipy import sparse

    matrices = {name: sparse.csr_array((plain[name]["data"], plain[name]["indices"],
                                        plain[name]["indptr"]), shape=tuple(plain[name]["shape"]))
                for name in _MATRICES}
    arrays = {name: np.asarray(plain[name]) for name in _ARRAYS}
    arrays["integral"] = arrays["integral"].astype(bool)
    return LinearModel(**matrices, **arrays, n_model=int(plain["n_model"]),  # type: ignore[arg-type]
                       counts={k: int(v) for k, v in plain["counts"].items()},
                       n_soft=int(plain["n_soft"]))
