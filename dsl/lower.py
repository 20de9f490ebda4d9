"""Stage 3: AST -> sympy. Params get their values, ranges their sizes, statements become the
ordered steps of a :class:`~mooc.dsl.lowered.LoweredModel`; expressions are lowered by
:class:`~mooc.dsl.lower_expressions.ExpressionLowering`.

sympy expressions are built with sympy's constructors from AST nodes; user text is never
handed to sympify, parse_expr or eval.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import sympy

from mooc.dsl import ast
from mooc.dsl.check import Checker
from mooc.dsl.data import DataBundle
from mooc.dsl.domains import Domain
from mooc.dsl.lower_expressions import ExpressionLowering
from mooc.dsl.lower_params import ParamLowering
from mooc.dsl.lowered import (
    ConstraintForm,
    Definition,
    ExternCall,
    Family,
    LoweredModel,
    VarBlock,
)
from mooc.dsl.names import MAX_RANGE, SOLVER_SETTINGS, SWITCH_VALUES, did_you_mean
from mooc.dsl.pinned import pin_equalities
from mooc.dsl.reads import is_file
from mooc.dsl.symbols import index_symbol
from mooc.errors import ModelCheckError, ModelLimitError, ParameterError
from mooc.extern_calls import ExternSpec

#: The longest extern timeout, in seconds: a wait on a pipe takes at most 2**31 ms.
MAX_TIMEOUT = 1e6
#: Settings with a least value beyond 0 (the solver needs two points to pair them).
_AT_LEAST = {"population": 2, "max_front": 1, "stall_generations": 1, "max_evaluations": 1,
             "max_subproblems": 1}


class Lowerer(ParamLowering, ExpressionLowering):
    """Lowers statements in order, keeping what each name means."""

    def __init__(self, model: ast.Model, checker: Checker, overrides: dict[str, object],
                 data: DataBundle | None = None):
        self.model = model
        self.checker = checker
        self.overrides = dict(overrides)
        self.data = data if data is not None else DataBundle()
        self.sets: dict[str, tuple[str, ...]] = {}
        self.set_origins: dict[str, str] = {}
        self.meaning: dict[str, object] = {}
        self.guard: frozenset[sympy.Basic] = frozenset()
        self.domains: list[Domain] = []
        self.elements: dict[tuple[str, tuple[int, ...]], sympy.Expr] = {}
        self.zero_divisions: list[ast.Span] = []
        self.out = LoweredModel(model.source.name, "", model.source)
        self.out.data_files = list(self.data.files)
        self.column = 0

    def family(self, dims: tuple[ast.Dim, ...], name: str) -> Family | None:
        if not dims:
            return None
        axes = self.axes(dims)
        indices = tuple(index_symbol(_dim_index(dim) or f"_{name}_{position}")
                        for position, dim in enumerate(dims))
        return Family(indices, tuple(a.start for a in axes), tuple(a.size for a in axes),
                      tuple(a.labels for a in axes), tuple(a.name for a in axes))

    # statements ----------------------------------------------------------------------
    def statement(self, node: ast.Statement) -> None:
        getattr(self, "statement_" + type(node).__name__)(node)

    def statement_ProblemHeader(self, node: ast.ProblemHeader) -> None:
        self.out.name, self.out.title = node.name, node.title or ""

    def statement_Var(self, node: ast.Var) -> None:
        axes = self.axes(node.dims)
        shape, starts = tuple(a.size for a in axes), tuple(a.start for a in axes)
        size = int(np.prod(shape)) if shape else 1
        if self.column + size > MAX_RANGE:
            raise ModelLimitError(f"the model would have {self.column + size:,} variables; at "
                                  f"most {MAX_RANGE:,} are allowed", node.span)
        lower, upper = self.bounds(node, shape, starts)
        block = VarBlock(node.name, node.kind, shape, starts, lower, upper, self.column,
                         node.labels, tuple(a.labels for a in axes))
        if node.condition is not None:
            family = self.family(node.dims, node.name)
            indices = () if family is None else family.indices
            block.condition = self.expr(node.condition, self.family_env(node.dims, family))
            block.condition_indices = indices
        self.column += size
        self.out.variables.append(block)
        self.meaning[node.name] = block

    def bounds(self, node: ast.Var, shape: tuple, starts: tuple) -> tuple[np.ndarray, np.ndarray]:
        size = int(np.prod(shape)) if shape else 1
        if node.kind == "bin":
            return np.zeros(size), np.ones(size)
        if node.kind == "choice":
            return np.zeros(size), np.full(size, len(node.labels) - 1.0)
        assert node.lo is not None and node.hi is not None
        names = [_dim_index(d) for d in node.dims]
        if not set(names) & (ast.names_in(node.lo) | ast.names_in(node.hi)):  # one bound for all
            lo = self.static_float(node.lo, {}, "the lower bound")
            hi = self.static_float(node.hi, {}, "the upper bound")
            self.check_bounds(node, lo, hi)
            return np.full(size, lo), np.full(size, hi)
        tuples = itertools.product(*(range(s, s + n) for s, n in zip(starts, shape, strict=True)))
        lower, upper = np.empty(size), np.empty(size)
        for k, values in enumerate(tuples):
            env = {name: sympy.Integer(v) for name, v in zip(names, values, strict=True) if name}
            lower[k] = self.static_float(node.lo, env, "the lower bound")
            upper[k] = self.static_float(node.hi, env, "the upper bound")
            self.check_bounds(node, lower[k], upper[k])
        return lower, upper

    def check_bounds(self, node: ast.Var, lo: float, hi: float) -> None:
        assert node.lo is not None and node.hi is not None
        span = ast.Span(node.span.source, node.lo.span.line, node.lo.span.column,
                        node.hi.span.end_line, node.hi.span.end_column)
        if lo > hi:
            raise ModelCheckError(f"the lower bound {lo:g} is above the upper bound {hi:g}", span)
        if node.kind == "log" and lo <= 0:
            raise ModelCheckError(f"a log-scaled variable needs a lower bound above 0, but it is "
                                  f"{lo:g}", node.lo.span)
        if node.kind == "int" and (math.ceil(lo) > math.floor(hi)):
            raise ModelCheckError(f"no whole number lies in [{lo:g}, {hi:g}]", span)

    def statement_Let(self, node: ast.Let) -> None:
        family = self.family(node.dims, node.name)
        declaration = self.checker.scope[node.name]
        expr = self.scoped(node.expr, self.family_env(node.dims, family))
        if not declaration.dynamic and family is None:
            self.meaning[node.name] = expr  # a constant: used by value
            return
        self.out.steps.append(Definition("let", node.name, expr, family, node.span))
        self.meaning[node.name] = ("let", family)

    def statement_Objective(self, node: ast.Objective) -> None:
        family = self.family(node.dims, node.name)
        expr = self.scoped(node.expr, self.family_env(node.dims, family))
        self.out.steps.append(Definition("objective", node.name, expr, family, node.span,
                                         node.sense))
        self.meaning[node.name] = ("objective", family)

    def statement_Constraint(self, node: ast.Constraint) -> None:
        family = self.family(node.dims, node.name)
        env = self.family_env(node.dims, family)
        relation = node.relation
        assert isinstance(relation, ast.Compare)
        tolerance = 0.0 if node.tolerance is None else self.static_float(node.tolerance, {},
                                                                           "the tolerance")
        weight = 1.0 if node.weight is None else self.static_float(node.weight, {}, "the weight")
        for value, part, what in ((tolerance, node.tolerance, "tolerance"),
                                  (weight, node.weight, "weight")):
            if value < 0 and part is not None:
                raise ModelCheckError(f"the {what} must not be negative, but is {value:g}",
                                      part.span)
        self.out.steps.append(ConstraintForm(
            node.name, self.scoped(relation.left, env), relation.op,
            self.scoped(relation.right, env),
            tolerance, weight, node.soft, family, node.span,
            default_tolerance=node.tolerance is None and relation.op == "==",
            sides=(relation.left.span, relation.right.span)))

    def statement_Extern(self, node: ast.Extern) -> None:
        timeout = None
        if node.timeout is not None:
            timeout = self.static_float(node.timeout, {}, "the timeout")
            if timeout <= 0:
                raise ModelCheckError(f"the timeout must be above 0 seconds, but is {timeout:g}",
                                      node.timeout.span)
            if timeout > MAX_TIMEOUT:  # the operating system's waits take no more
                raise ModelCheckError(f"the timeout must be at most {MAX_TIMEOUT:,.0f} seconds "
                                      f"(about 11 days), but is {timeout:g}; leave it out for "
                                      "no limit", node.timeout.span)
        source = Path(node.span.source.name)
        folder = source.parent if is_file(source) else Path.cwd()
        spec = ExternSpec(node.name, node.kind, node.target, node.args, node.returns,
                          node.vectorized, timeout, str(folder.resolve()))
        arguments = tuple((arg, self.meaning.get(arg)) for arg in node.args)
        self.out.steps.append(ExternCall(spec, arguments, node.span))
        self.meaning[node.name] = ("extern", None)

    def statement_SolverBlock(self, node: ast.SolverBlock) -> None:
        self.out.method = node.algorithm
        for setting in node.settings:
            value = setting.value
            if SOLVER_SETTINGS[setting.key] == "switch":
                word = value.name if isinstance(value, ast.Name) else value
                self.out.settings[setting.key] = SWITCH_VALUES[str(word)]
            elif isinstance(value, ast.Name) and setting.key == "constraints":
                self.out.settings[setting.key] = value.name
            elif isinstance(value, str):
                self.out.settings[setting.key] = value
            else:
                number = self.solver_number(setting)
                self.out.settings[setting.key] = int(number) if number.is_integer() else number

    def solver_number(self, setting: ast.Setting) -> float:
        """A numeric solver setting, checked here so that a mistake points at the file."""
        assert not isinstance(setting.value, str)
        what = f"'{setting.key}'"
        if SOLVER_SETTINGS[setting.key] == "integer":
            number: float = self.static_int(setting.value, {}, what)
        else:
            number = self.static_float(setting.value, {}, what)
        if number < 0:
            raise ModelCheckError(f"{what} must not be negative, but is {number:g}",
                                  setting.value.span)
        if setting.key in _AT_LEAST and number < _AT_LEAST[setting.key]:
            raise ModelCheckError(f"{what} must be at least {_AT_LEAST[setting.key]}, but is "
                                  f"{number:g}", setting.value.span)
        if setting.key == "population" and number > MAX_RANGE:
            raise ModelLimitError(f"a population of {number:,.0f} is too large; at most "
                                  f"{MAX_RANGE:,} is allowed", setting.value.span)
        if setting.key == "directions" and number > MAX_RANGE:
            raise ModelLimitError(f"{number:,.0f} reference directions are too many; at most "
                                  f"{MAX_RANGE:,} are allowed", setting.value.span)
        return float(number)

    def family_env(self, dims: tuple[ast.Dim, ...], family: Family | None) -> dict:
        if family is None:
            return {}
        return {_dim_index(dim): symbol for dim, symbol in zip(dims, family.indices, strict=True)
                if _dim_index(dim)}


def _dim_index(dim: ast.Dim) -> str | None:
    """The index a dimension names (``i`` in ``i in 1..n``, ``p`` in ``p in products``)."""
    return dim.index if isinstance(dim, (ast.RangeDim, ast.SetDim)) else None


def lower(model: ast.Model, checker: Checker, params: dict[str, object] | None = None,
          data: DataBundle | None = None) -> LoweredModel:
    """Lower a checked model with optional param overrides and data."""
    overrides = dict(params or {})
    declared = [name for name, d in checker.scope.items() if d.kind == "param"]
    for name in overrides:
        if name not in declared:
            listing = ", ".join(declared) if declared else "none"
            raise ParameterError(f"there is no param '{name}'{did_you_mean(str(name), declared)} "
                                 f"(params: {listing})")
    lowerer = Lowerer(model, checker, overrides, data)
    for statement in model.statements:
        lowerer.statement(statement)
    pin_equalities(lowerer.out)
    if not lowerer.out.name:
        lowerer.out.name = model.source.name.rsplit("/", 1)[-1].removesuffix(".moo")
    return lowerer.out
