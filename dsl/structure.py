"""The model's structure, found after lowering: is it linear, and if so its matrices.

A model is linear when every objective and every constraint is affine in the variables once
params are folded (sympy's polynomial degree at most 1, found by :mod:`mooc.dsl.affine`
without expanding sums). Its data for a MILP solver, in minimization form (maximized
objectives negated here, once), is a :class:`LinearModel`:

- one column per scalar variable, in the model's order; ``int`` and ``bin`` columns are
  integral, ``real`` and ``log`` columns continuous (a ``log`` variable's scale only guides
  the evolutionary search: the model is linear in its value, which is what is solved);
- a ``choice`` variable keeps its column (the label's index) and gets one binary per label,
  with ``sum(z) == 1`` and ``column == sum(k * z_k)``: a table indexed by it
  (``price[material]``) and an ``if`` on its label with constant branches are then linear;
- a soft constraint gets a slack column ``s >= violation`` (the slacks are the last
  columns, in the order of the soft constraints), and ``weight * s`` is added to every
  objective, which is how the evolutionary search ranks points too (the penalized
  objectives are the ones whose front is found; reported objectives leave the penalty out);
- a hard constraint ``lhs <= rhs tol eps`` is the row ``lhs - rhs <= eps`` (``==`` with a
  tolerance is two rows).

Anything else (a product of variables, a function of one, an ``if`` on a variable, an
extern's value) makes the model :class:`NotLinear`, with the reason and where it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from mooc.dsl import ast
from mooc.dsl.affine import Affine, AffineExtractor, NotAffine
from mooc.dsl.linear_form import LinearModel, NotLinear
from mooc.dsl.lowered import ConstraintForm, Definition, ExternCall, LoweredModel

if TYPE_CHECKING:  # scipy is imported when a linear model's matrices are built
    from scipy import sparse


class _Rows:
    """Constraint rows gathered as coordinate triplets."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.rhs: list[np.ndarray] = []
        self.count = 0

    def add(self, form: Affine, rhs: np.ndarray, sign: float = 1.0) -> np.ndarray:
        """Rows ``sign * form_terms <= rhs`` for each member of the form's batch (flat);
        returns their row numbers."""
        flat = form.const.size
        terms = form.cols.shape[-1]
        numbers = np.arange(self.count, self.count + flat)
        self.rows.append(np.repeat(numbers, terms))
        self.cols.append(form.cols.reshape(-1))
        self.vals.append(sign * form.coefs.reshape(-1))
        self.rhs.append(np.broadcast_to(rhs, form.const.shape).astype(float).reshape(flat))
        self.count += flat
        return numbers

    def matrix(self, n: int) -> tuple[sparse.csr_array, np.ndarray]:
        from scipy import sparse

        if not self.count:
            return sparse.csr_array((0, n)), np.zeros(0)
        matrix = sparse.coo_array((np.concatenate(self.vals), (np.concatenate(self.rows),
                                                              np.concatenate(self.cols))),
                                  shape=(self.count, n)).tocsr()
        matrix.sum_duplicates()
        return matrix, np.concatenate(self.rhs)


class _Builder:
    """Builds a :class:`LinearModel` from a lowered model, step by step."""

    def __init__(self, model: LoweredModel):
        self.model = model
        columns = {}
        kinds: list[str] = []
        lower, upper = [], []
        for block in model.variables:
            table = np.arange(block.first_column, block.first_column + block.size)
            columns[block.name] = (table.reshape(block.shape), block.starts)
            kinds += [block.kind] * block.size
            lower.append(block.lower)
            upper.append(block.upper)
        self.n_model = len(kinds)
        self.kinds = kinds
        self.lower: list[float] = list(np.concatenate(lower)) if lower else []
        self.upper: list[float] = list(np.concatenate(upper)) if upper else []
        self.integral = [kind in ("int", "bin", "choice") for kind in kinds]
        self.ub, self.eq = _Rows(), _Rows()
        self.choices: dict[str, tuple[int, int]] = {}
        for block in model.variables:
            if block.kind == "choice":
                self.add_choice(block.name, block.first_column, block.size, len(block.labels))
        params = {name: (np.asarray(p.value, dtype=float), p.starts, p.label_of)
                  for name, p in model.params.items()}
        self.extractor = AffineExtractor(columns, self.choices, params)
        self.objectives: list[Affine] = []
        self.penalty: list[tuple[int, float]] = []  # (slack column, weight)
        self.hard_scales: list[np.ndarray] = []
        self.n_soft = 0

    def new_columns(self, count: int, lower: float, upper: float, integral: bool) -> int:
        first = len(self.lower)
        self.lower += [lower] * count
        self.upper += [upper] * count
        self.integral += [integral] * count
        return first

    def add_choice(self, name: str, column: int, size: int, labels: int) -> None:
        if size != 1:
            raise NotAffine(f"the choice variable '{name}' is a vector, which the linear form "
                            "does not take")
        first = self.new_columns(labels, 0.0, 1.0, True)
        self.choices[name] = (first, labels)
        binaries = np.arange(first, first + labels)
        self.eq.add(Affine(np.zeros(()), binaries, np.ones(labels)), np.ones(()))
        link = np.concatenate([[column], binaries])
        self.eq.add(Affine(np.zeros(()), link, np.concatenate([[1.0], -np.arange(labels)])),
                    np.zeros(()))

    # steps ------------------------------------------------------------------------------
    def form(self, expr: object, family: object) -> Affine:
        if family is None:
            return self.extractor.scalar(expr)  # type: ignore[arg-type]
        return self.extractor.family(expr, family.indices, family.starts,  # type: ignore[attr-defined]
                                     family.shape)  # type: ignore[attr-defined]

    def step(self, step: object) -> None:
        if isinstance(step, ExternCall):
            raise NotAffine(f"the model calls the extern '{step.name}', whose values are not "
                            "known in advance")
        if isinstance(step, Definition):
            form = self.form(step.expr, step.family)
            starts = () if step.family is None else step.family.starts
            self.extractor.stored[step.name] = (form, starts)
            if step.role == "objective":
                sign = -1.0 if step.sense == "maximize" else 1.0  # the one flip to minimization
                self.objectives.append(form.scaled(np.asarray(sign)))
            return
        assert isinstance(step, ConstraintForm)
        difference = self.form(step.lhs, step.family) + \
            self.form(step.rhs, step.family).scaled(np.asarray(-1.0))
        if step.soft:
            self.soft(difference, step)
        else:
            self.hard(difference, step)

    def hard(self, difference: Affine, step: ConstraintForm) -> None:
        shifted_rhs = step.tolerance - difference.const
        self.hard_scales.append(_scale(difference, self.lower, self.upper).reshape(-1))
        if step.relation == "==" and step.tolerance == 0:
            self.eq.add(difference, -difference.const)
        elif step.pinned_with:
            pass  # the equality row of its pinning group holds it (see mooc.dsl.pinned)
        else:
            if step.op in ("<=", "=="):
                self.ub.add(difference, shifted_rhs)
            if step.op in (">=", "=="):
                self.ub.add(difference, step.tolerance + difference.const, sign=-1.0)

    def soft(self, difference: Affine, step: ConstraintForm) -> None:
        """``s >= lhs - rhs - tol`` (and the mirror for >= and ==), ``s >= 0``, penalized."""
        count = difference.const.size
        integral = self.row_is_integral(difference, step.op, step.tolerance)
        # the largest violation over the variables' box bounds the slack, so that no objective
        # is unbounded (the exact method maximizes each one to bound its search region)
        low, high = _extent(difference, self.lower, self.upper)
        worst = np.maximum(high if step.op == "<=" else -low if step.op == ">=" else
                           np.maximum(high, -low), 0.0) - step.tolerance
        first = len(self.lower)
        for value in np.maximum(worst, 0.0).reshape(-1):
            self.new_columns(1, 0.0, float(np.ceil(value) if integral else value), integral)
        slack = Affine(np.zeros(difference.const.shape),
                       np.arange(first, first + count).reshape(difference.const.shape + (1,)),
                       np.full(difference.const.shape + (1,), -1.0))
        if step.op in ("<=", "=="):
            self.ub.add(difference + slack, step.tolerance - difference.const)
        if step.op in (">=", "=="):
            mirrored = difference.scaled(np.asarray(-1.0)) + slack
            self.ub.add(mirrored, step.tolerance + difference.const)
        self.penalty += [(first + k, step.weight) for k in range(count)]
        self.n_soft += count

    def row_is_integral(self, difference: Affine, op: str, tolerance: float) -> bool:
        """Whether what a slack must cover, ``lhs - rhs - tol`` for ``<=`` and
        ``rhs - lhs - tol`` for ``>=`` (both for ``==``), is a whole number at every integral
        point (then the slack can be integral too, which keeps the objectives on a lattice)."""
        columns = difference.cols[difference.coefs != 0]
        integral = np.asarray(self.integral, dtype=bool)
        coefficients = difference.coefs[difference.coefs != 0]
        constants = [difference.const - tolerance] if op == "<=" else \
            [difference.const + tolerance] if op == ">=" else \
            [difference.const - tolerance, difference.const + tolerance]
        return bool(np.all(integral[columns]) and np.all(coefficients == np.round(coefficients))
                    and all(np.all(c == np.round(c)) for c in constants))

    def result(self) -> LinearModel:
        n = len(self.lower)
        rows = _Rows()
        for objective in self.objectives:
            rows.add(objective, np.zeros(objective.const.shape))
        objectives, _ = rows.matrix(n)
        if self.penalty:
            from scipy import sparse

            slack, weight = (np.array(v) for v in zip(*self.penalty, strict=True))
            penalty = sparse.csr_array((np.tile(weight, objectives.shape[0]),
                                        (np.repeat(np.arange(objectives.shape[0]), slack.size),
                                         np.tile(slack, objectives.shape[0]))),
                                       shape=objectives.shape)
            objectives = (objectives + penalty).tocsr()
        offsets = np.concatenate([o.const.reshape(-1) for o in self.objectives])
        A_ub, b_ub = self.ub.matrix(n)
        A_eq, b_eq = self.eq.matrix(n)
        counts: dict[str, int] = {}
        for kind in self.kinds:
            counts[kind] = counts.get(kind, 0) + 1
        scales = np.concatenate(self.hard_scales) if self.hard_scales else np.zeros(0)
        return LinearModel(objectives, offsets, A_ub, b_ub, A_eq, b_eq, np.array(self.lower),
                           np.array(self.upper), np.array(self.integral, dtype=bool),
                           self.n_model, counts, self.n_soft, scales)


def _extent(difference: Affine, lower: list[float], upper: list[float]
            ) -> tuple[np.ndarray, np.ndarray]:
    """The least and largest values of each member of ``difference`` over the box."""
    lo, hi = np.asarray(lower)[difference.cols], np.asarray(upper)[difference.cols]
    coefs = difference.coefs
    low = np.where(coefs > 0, coefs * lo, coefs * hi).sum(axis=-1) + difference.const
    high = np.where(coefs > 0, coefs * hi, coefs * lo).sum(axis=-1) + difference.const
    return low, high


def _scale(difference: Affine, lower: list[float], upper: list[float]) -> np.ndarray:
    """The size of a constraint's terms, to judge a rounding-level violation against."""
    bound = np.maximum(np.abs(np.asarray(lower)), np.abs(np.asarray(upper)))
    if difference.cols.size:
        sizes = np.abs(difference.coefs) * bound[difference.cols]
        largest = sizes.max(axis=-1) if sizes.shape[-1] else np.zeros(difference.const.shape)
    else:
        largest = np.zeros(difference.const.shape)
    return 1.0 + np.maximum(np.abs(difference.const), largest)


def analyze(model: LoweredModel) -> LinearModel | NotLinear:
    """The linear form of ``model``, or why it has none."""
    span: ast.Span | None = None
    try:
        builder = _Builder(model)
        for step in model.steps:
            span = getattr(step, "span", None)
            builder.step(step)
        return builder.result()
    except NotAffine as reason:
        return NotLinear(str(reason), span)
