"""Stage 3: AST -> sympy. Params get their values, ranges their sizes, expressions sympy form.

sympy expressions are built with sympy's constructors from AST nodes; user text is never
handed to sympify, parse_expr or eval.
"""

from __future__ import annotations

import itertools
import math
import numbers
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sympy

from mooc.dsl import ast
from mooc.dsl.check import Checker, did_you_mean
from mooc.dsl.names import SOLVER_SETTINGS
from mooc.dsl.symbols import RangeMax, RangeMin, index_symbol, variable_symbol
from mooc.errors import ModelCheckError, ModelLimitError, ParameterError
from mooc.externs import ExternSpec

#: Largest number of elements in any one range (declaration or reduction).
MAX_RANGE = 10_000_000

_UNARY = {
    "sqrt": sympy.sqrt, "exp": sympy.exp, "log": sympy.log, "log10": lambda a: sympy.log(a, 10),
    "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "asin": sympy.asin,
    "acos": sympy.acos, "atan": sympy.atan, "sinh": sympy.sinh, "cosh": sympy.cosh,
    "tanh": sympy.tanh, "abs": sympy.Abs, "floor": sympy.floor, "ceil": sympy.ceiling,
}
_COMPARE = {"<=": sympy.Le, ">=": sympy.Ge, "<": sympy.Lt, ">": sympy.Gt, "==": sympy.Eq,
            "!=": sympy.Ne}


@dataclass
class VarBlock:
    """A declared variable, scalar or array, flattened into consecutive columns."""

    name: str
    kind: str
    shape: tuple[int, ...]
    starts: tuple[int, ...]
    lower: np.ndarray
    upper: np.ndarray
    first_column: int
    labels: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return int(np.prod(self.shape)) if self.shape else 1

    def element_names(self) -> list[str]:
        if not self.shape:
            return [self.name]
        ranges = [range(s, s + n) for s, n in zip(self.starts, self.shape, strict=True)]
        return [f"{self.name}[{', '.join(map(str, t))}]" for t in itertools.product(*ranges)]


@dataclass
class ParamValue:
    """A param's value: a number, an array with the first index of each dimension, or a table."""

    name: str
    value: float | np.ndarray
    starts: tuple[int, ...] = ()
    label_of: str = ""


@dataclass
class Family:
    """The index dimensions of an indexed let, objective or constraint."""

    indices: tuple[sympy.Symbol, ...]
    starts: tuple[int, ...]
    shape: tuple[int, ...]

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    def member_names(self, name: str) -> list[str]:
        ranges = [range(s, s + n) for s, n in zip(self.starts, self.shape, strict=True)]
        return [f"{name}[{', '.join(map(str, t))}]" for t in itertools.product(*ranges)]


@dataclass
class Definition:
    """A let or an objective: ``name[family] = expr``."""

    role: str  # "let" or "objective"
    name: str
    expr: sympy.Expr
    family: Family | None
    span: ast.Span
    sense: str = ""


@dataclass
class ConstraintForm:
    """``lhs op rhs`` with its tolerance, weight and hardness."""

    name: str
    lhs: sympy.Expr
    op: str
    rhs: sympy.Expr
    tolerance: float
    weight: float
    soft: bool
    family: Family | None
    span: ast.Span


@dataclass
class ExternCall:
    """Where an extern is called: its spec, and what each argument is."""

    spec: ExternSpec
    arguments: tuple[tuple[str, object], ...]  # (name, VarBlock | ("let", Family) | ParamValue)
    span: ast.Span

    @property
    def name(self) -> str:
        return self.spec.name


@dataclass
class LoweredModel:
    """Everything code generation and the public API need, with values resolved."""

    name: str
    title: str
    source: ast.SourceFile
    variables: list[VarBlock] = field(default_factory=list)
    params: dict[str, ParamValue] = field(default_factory=dict)
    steps: list[Definition | ConstraintForm | ExternCall] = field(default_factory=list)
    settings: dict[str, object] = field(default_factory=dict)
    sites: dict[object, ast.Span] = field(default_factory=dict)

    @property
    def n_var(self) -> int:
        return sum(block.size for block in self.variables)

    @property
    def externs(self) -> list[ExternSpec]:
        return [step.spec for step in self.steps if isinstance(step, ExternCall)]


def _number(value: float) -> sympy.Expr:
    if math.isfinite(value) and float(value).is_integer() and abs(value) < 2**53:
        return sympy.Integer(int(value))
    return sympy.Float(value)


def _as_float(expr: sympy.Expr) -> float | None:
    """The value of a constant sympy expression, or None when it is not a finite number."""
    if expr.free_symbols or not expr.is_number:
        return None
    try:
        value = complex(expr)
    except (TypeError, ValueError):
        return None
    if value.imag != 0 or not math.isfinite(value.real):
        return None
    return value.real


def _real(expr: sympy.Basic) -> sympy.Basic:
    """A constant that is not a real number (log(0) is zoo, sqrt(-1) is I) becomes nan, and an
    exact number beyond float range becomes +-oo: what numpy gives for the same domain fault."""
    if not isinstance(expr, sympy.Expr):
        return expr
    if expr.has(sympy.zoo):  # x/0: the sign is unknown
        return sympy.nan
    if not expr.is_number:
        return expr
    if expr.has(sympy.I, sympy.nan) or expr.is_extended_real is False:
        return sympy.nan
    if expr.is_Rational and abs(expr) > sys.float_info.max:
        return sympy.oo if expr > 0 else -sympy.oo
    return expr


class Lowerer:
    """Lowers statements in order, keeping what each name means."""

    def __init__(self, model: ast.Model, checker: Checker, overrides: dict[str, object]):
        self.model = model
        self.checker = checker
        self.overrides = dict(overrides)
        self.meaning: dict[str, object] = {}
        self.out = LoweredModel(model.source.name, "", model.source)
        self.column = 0

    # static values ---------------------------------------------------------------------
    def static_float(self, node: ast.Expr, env: dict, what: str) -> float:
        value = _as_float(self.expr(node, env))
        if value is None:
            raise ModelCheckError(f"{what} is not a finite number", node.span)
        return value

    def static_int(self, node: ast.Expr, env: dict, what: str) -> int:
        value = self.static_float(node, env, what)
        if not value.is_integer():
            raise ModelCheckError(f"{what} must be a whole number, but is {value:g}", node.span)
        return int(value)

    def declared_range(self, dim: ast.RangeDim) -> tuple[int, int]:
        lo = self.static_int(dim.lo, {}, "a range bound")
        hi = self.static_int(dim.hi, {}, "a range bound")
        if hi < lo:
            raise ModelCheckError(f"the range {lo}..{hi} is empty", dim.span)
        if hi - lo + 1 > MAX_RANGE:
            raise ModelLimitError(f"the range {lo}..{hi} has {hi - lo + 1:,} elements; at most "
                                  f"{MAX_RANGE:,} are allowed", dim.span)
        return lo, hi

    def family(self, dims: tuple[ast.Dim, ...], name: str) -> Family | None:
        if not dims:
            return None
        indices, starts, shape = [], [], []
        for position, dim in enumerate(dims):
            assert isinstance(dim, ast.RangeDim)
            lo, hi = self.declared_range(dim)
            indices.append(index_symbol(dim.index or f"_{name}_{position}"))
            starts.append(lo)
            shape.append(hi - lo + 1)
        return Family(tuple(indices), tuple(starts), tuple(shape))

    # statements ----------------------------------------------------------------------
    def statement(self, node: ast.Statement) -> None:
        getattr(self, "statement_" + type(node).__name__)(node)

    def statement_ProblemHeader(self, node: ast.ProblemHeader) -> None:
        self.out.name, self.out.title = node.name, node.title or ""

    def statement_Param(self, node: ast.Param) -> None:
        if node.name in self.overrides:
            value = self.override(node)
        elif isinstance(node.value, ast.TableLiteral):
            value = self.table(node)
        elif isinstance(node.value, ast.ArrayLiteral):
            value = self.array(node)
        else:
            value = ParamValue(node.name, self.static_float(node.value, {}, "the param's value"))
        self.out.params[node.name] = value
        self.meaning[node.name] = value

    def table(self, node: ast.Param) -> ParamValue:
        assert isinstance(node.value, ast.TableLiteral) and isinstance(node.dims[0], ast.LabelDim)
        choice = node.dims[0].variable
        labels = self.checker.scope[choice].labels
        by_label = {label: self.static_float(value, {}, "a table value")
                    for label, _, value in node.value.entries}
        return ParamValue(node.name, np.array([by_label[label] for label in labels]),
                          (0,), label_of=choice)

    def array_shape(self, node: ast.Param) -> tuple[tuple[int, ...], tuple[int, ...]]:
        ranges = [self.declared_range(dim) for dim in node.dims]  # type: ignore[arg-type]
        return tuple(hi - lo + 1 for lo, hi in ranges), tuple(lo for lo, _ in ranges)

    def array(self, node: ast.Param) -> ParamValue:
        shape, starts = self.array_shape(node)
        assert isinstance(node.value, ast.ArrayLiteral)
        values = self.array_values(node.value, shape, node.name, node.dims)
        return ParamValue(node.name, values, starts)

    def array_values(self, array: ast.ArrayLiteral, shape: tuple[int, ...], name: str,
                     dims: tuple[ast.Dim, ...]) -> np.ndarray:
        if len(array.items) != shape[0]:
            dim = dims[len(dims) - len(shape)]
            raise ModelCheckError(f"'{name}' has {shape[0]} elements in this dimension "
                                  f"(range {_range_text(dim)}), but the array gives "
                                  f"{len(array.items)}", array.span)
        rows: list[object] = []
        for item in array.items:
            if len(shape) > 1:
                if not isinstance(item, ast.ArrayLiteral):
                    raise ModelCheckError(f"expected a nested array [...] for '{name}'", item.span)
                rows.append(self.array_values(item, shape[1:], name, dims))
            else:
                if isinstance(item, ast.ArrayLiteral):
                    raise ModelCheckError(f"expected a number, not a nested array, for '{name}'",
                                          item.span)
                rows.append(self.static_float(item, {}, "an array element"))
        return np.array(rows, dtype=float)

    def override(self, node: ast.Param) -> ParamValue:
        given = self.overrides.pop(node.name)
        where = node.name_span
        if not node.dims:
            if isinstance(given, (bool, np.bool_)) or not isinstance(given, numbers.Real):
                raise ParameterError(f"param '{node.name}' takes a number, but was given "
                                     f"{given!r}", where)
            return ParamValue(node.name, float(given))
        if isinstance(node.dims[0], ast.LabelDim):
            raise ParameterError(f"param '{node.name}' is a table and cannot be overridden yet",
                                 where)
        shape, starts = self.array_shape(node)
        try:
            values = np.asarray(given, dtype=float)
        except (TypeError, ValueError):
            raise ParameterError(f"param '{node.name}' takes an array of numbers, but was given "
                                 f"{given!r}", where) from None
        if values.shape != shape:
            raise ParameterError(f"param '{node.name}' has shape {shape}, but the value given "
                                 f"has shape {values.shape}", where)
        return ParamValue(node.name, values, starts)

    def statement_Var(self, node: ast.Var) -> None:
        shape, starts = ((), ()) if not node.dims else self.array_shape(node)
        size = int(np.prod(shape)) if shape else 1
        if self.column + size > MAX_RANGE:
            raise ModelLimitError(f"the model would have {self.column + size:,} variables; at "
                                  f"most {MAX_RANGE:,} are allowed", node.span)
        lower, upper = self.bounds(node, shape, starts)
        block = VarBlock(node.name, node.kind, shape, starts, lower, upper, self.column,
                         node.labels)
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
        names = [d.index for d in node.dims if isinstance(d, ast.RangeDim)]
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
        expr = self.expr(node.expr, self.family_env(node.dims, family))
        if not declaration.dynamic and family is None:
            self.meaning[node.name] = expr  # a constant: used by value
            return
        self.out.steps.append(Definition("let", node.name, expr, family, node.span))
        self.meaning[node.name] = ("let", family)

    def statement_Objective(self, node: ast.Objective) -> None:
        family = self.family(node.dims, node.name)
        expr = self.expr(node.expr, self.family_env(node.dims, family))
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
            node.name, self.expr(relation.left, env), relation.op, self.expr(relation.right, env),
            tolerance, weight, node.soft, family, node.span))

    def statement_Extern(self, node: ast.Extern) -> None:
        timeout = None
        if node.timeout is not None:
            timeout = self.static_float(node.timeout, {}, "the timeout")
            if timeout <= 0:
                raise ModelCheckError(f"the timeout must be above 0 seconds, but is {timeout:g}",
                                      node.timeout.span)
        source = Path(node.span.source.name)
        folder = source.parent if source.is_file() else Path.cwd()
        spec = ExternSpec(node.name, node.kind, node.target, node.args, node.returns,
                          node.vectorized, timeout, str(folder.resolve()))
        arguments = tuple((arg, self.meaning.get(arg)) for arg in node.args)
        self.out.steps.append(ExternCall(spec, arguments, node.span))
        self.meaning[node.name] = ("extern", None)

    def statement_SolverBlock(self, node: ast.SolverBlock) -> None:
        for setting in node.settings:
            value = setting.value
            if isinstance(value, ast.Name) and setting.key == "constraints":
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
        if setting.key == "population" and number > MAX_RANGE:
            raise ModelLimitError(f"a population of {number:,.0f} is too large; at most "
                                  f"{MAX_RANGE:,} is allowed", setting.value.span)
        return float(number)

    def family_env(self, dims: tuple[ast.Dim, ...], family: Family | None) -> dict:
        if family is None:
            return {}
        return {dim.index: symbol for dim, symbol in zip(dims, family.indices, strict=True)
                if isinstance(dim, ast.RangeDim) and dim.index}

    # expressions ---------------------------------------------------------------------
    def expr(self, node: ast.Expr, env: dict) -> sympy.Expr:
        return _real(getattr(self, "expr_" + type(node).__name__)(node, env))  # type: ignore[return-value]

    def expr_Number(self, node: ast.Number, env: dict) -> sympy.Expr:
        return _number(node.value)

    def expr_Name(self, node: ast.Name, env: dict) -> sympy.Expr:
        if node.name in env:
            return env[node.name]  # type: ignore[no-any-return]
        if node.name == "pi":
            return sympy.pi
        if node.name == "e":
            return sympy.E
        meaning = self.meaning[node.name]
        if isinstance(meaning, ParamValue):
            return _number(float(meaning.value))  # type: ignore[arg-type]
        if isinstance(meaning, sympy.Basic):
            return meaning  # type: ignore[return-value]
        return variable_symbol(node.name)

    def expr_Index(self, node: ast.Index, env: dict) -> sympy.Expr:
        meaning = self.meaning[node.name]
        if isinstance(meaning, ParamValue) and meaning.label_of:
            return self.table_lookup(node, meaning, env)
        indices = [self.expr(index, env) for index in node.indices]
        if all(index.is_number for index in indices):
            return self.constant_index(node, meaning, indices)
        base = sympy.IndexedBase(node.name)
        element = base[tuple(indices)]
        self.out.sites.setdefault(element, node.span)
        return element

    def constant_index(self, node: ast.Index, meaning: object, indices: list) -> sympy.Expr:
        values = []
        for index, where in zip(indices, node.indices, strict=True):
            value = _as_float(index)
            if value is None or not value.is_integer():
                raise ModelCheckError("an index must be a whole number", where.span)
            values.append(int(value))
        starts, shape = _extent(meaning)
        for position, (value, start, size) in enumerate(zip(values, starts, shape, strict=True)):
            if not start <= value < start + size:
                raise ModelCheckError(
                    f"index {value} is outside the range {start}..{start + size - 1} of "
                    f"'{node.name}'", node.indices[position].span)
        if isinstance(meaning, ParamValue):
            assert isinstance(meaning.value, np.ndarray)
            return _number(float(meaning.value[tuple(v - s for v, s in zip(values, starts,
                                                                            strict=True))]))
        element = sympy.IndexedBase(node.name)[tuple(sympy.Integer(v) for v in values)]
        return element

    def table_lookup(self, node: ast.Index, table: ParamValue, env: dict) -> sympy.Expr:
        index = node.indices[0]
        assert isinstance(index, ast.Name)
        labels = self.checker.scope[table.label_of].labels
        if index.name in labels:
            assert isinstance(table.value, np.ndarray)
            return _number(float(table.value[labels.index(index.name)]))
        return sympy.IndexedBase(node.name)[variable_symbol(table.label_of)]

    def expr_Call(self, node: ast.Call, env: dict) -> sympy.Expr:
        args = [self.expr(arg, env) for arg in node.args]
        if sympy.nan in args:  # numpy's minimum and maximum propagate nan; sympy's refuse it
            return sympy.nan
        if node.function in ("min", "max"):
            # sympy compares every pair of symbolic arguments: minutes for a few hundred
            evaluate = len(args) <= 8 or all(arg.is_number for arg in args)
            return (sympy.Min if node.function == "min" else sympy.Max)(*args, evaluate=evaluate)
        return _UNARY[node.function](args[0])  # type: ignore[no-any-return]

    def expr_Reduction(self, node: ast.Reduction, env: dict) -> sympy.Expr:
        return self.reduce(node, list(node.generators), dict(env))

    def reduce(self, node: ast.Reduction, generators: list[ast.Generator], env: dict) -> sympy.Expr:
        generator = generators[0]
        lo, hi = self.expr(generator.lo, env), self.expr(generator.hi, env)
        for bound, where in ((lo, generator.lo), (hi, generator.hi)):
            value = _as_float(bound)
            if bound.is_number and (value is None or not value.is_integer()):
                raise ModelCheckError("a range bound must be a whole number", where.span)
        if lo.is_number and hi.is_number and int(hi) - int(lo) + 1 > MAX_RANGE:
            raise ModelLimitError(f"the range {lo}..{hi} has {int(hi) - int(lo) + 1:,} elements; "
                                  f"at most {MAX_RANGE:,} are allowed", generator.span)
        index = index_symbol(generator.index)
        env[generator.index] = index
        body = (self.reduce(node, generators[1:], env) if len(generators) > 1
                else self.expr(node.body, env))
        kind = node.function
        if kind in ("min", "max") and lo.is_number and hi.is_number and int(hi) < int(lo):
            raise ModelCheckError(f"{kind}() over the empty range {lo}..{hi}", generator.span)
        if kind == "sum":
            result = sympy.Sum(body, (index, lo, hi))
        elif kind == "prod":
            result = sympy.Product(body, (index, lo, hi))
        else:
            result = (RangeMin if kind == "min" else RangeMax)(body, index, lo, hi)
        self.out.sites.setdefault(result, generator.span)
        return result

    def expr_Chain(self, node: ast.Chain, env: dict) -> sympy.Expr:
        # A chain is all + and - or all * and /; built in one call, not term by term, which
        # would be quadratic in the number of terms.
        terms = [self.expr(node.first, env)]
        for op, operand in node.rest:
            value = self.expr(operand, env)
            if op == "-":
                value = -value
            elif op == "/":
                value = _real(1 / value)
            terms.append(value)
        if node.rest[0][0] in "+-":
            return _real(sympy.Add(*terms))
        return _real(sympy.Mul(*terms))

    def expr_Power(self, node: ast.Power, env: dict) -> sympy.Expr:
        return sympy.Pow(self.expr(node.base, env), self.expr(node.exponent, env))

    def expr_Negate(self, node: ast.Negate, env: dict) -> sympy.Expr:
        return -self.expr(node.operand, env)

    def expr_Compare(self, node: ast.Compare, env: dict) -> sympy.Basic:
        choice = self.checker.choice_comparison(node, {k: None for k in env})  # type: ignore[misc]
        if choice is not None:
            this, label = choice
            code = sympy.Integer(self.checker.scope[this.name].labels.index(label.name))
            return _COMPARE[node.op](self.expr(this, env), code)
        left, right = self.expr(node.left, env), self.expr(node.right, env)
        if sympy.nan in (left, right):  # as in numpy: nan compares unequal to everything
            return sympy.true if node.op == "!=" else sympy.false
        return _COMPARE[node.op](left, right)

    def expr_Logic(self, node: ast.Logic, env: dict) -> sympy.Basic:
        operands = [self.expr(operand, env) for operand in node.operands]
        return sympy.And(*operands) if node.op == "and" else sympy.Or(*operands)

    def expr_Not(self, node: ast.Not, env: dict) -> sympy.Basic:
        return sympy.Not(self.expr(node.operand, env))

    def expr_Member(self, node: ast.Member, env: dict) -> sympy.Expr:
        return variable_symbol(f"{node.extern}.{node.field}")

    def expr_IfElse(self, node: ast.IfElse, env: dict) -> sympy.Expr:
        condition = self.expr(node.condition, env)
        return sympy.Piecewise((self.expr(node.then, env), condition),
                               (self.expr(node.otherwise, env), True))


def _range_text(dim: ast.Dim) -> str:
    if isinstance(dim, ast.RangeDim):
        lo = dim.lo.text if isinstance(dim.lo, ast.Number) else "…"
        hi = dim.hi.name if isinstance(dim.hi, ast.Name) else (
            dim.hi.text if isinstance(dim.hi, ast.Number) else "…")
        return f"{lo}..{hi}"
    return dim.variable


def _extent(meaning: object) -> tuple[tuple[int, ...], tuple[int, ...]]:
    if isinstance(meaning, ParamValue):
        assert isinstance(meaning.value, np.ndarray)
        return meaning.starts, meaning.value.shape
    if isinstance(meaning, VarBlock):
        return meaning.starts, meaning.shape
    assert isinstance(meaning, tuple)
    family = meaning[1]
    return family.starts, family.shape


def lower(model: ast.Model, checker: Checker, params: dict[str, object] | None = None
          ) -> LoweredModel:
    """Lower a checked model with optional param overrides."""
    overrides = dict(params or {})
    declared = [name for name, d in checker.scope.items() if d.kind == "param"]
    for name in overrides:
        if name not in declared:
            listing = ", ".join(declared) if declared else "none"
            raise ParameterError(f"there is no param '{name}'{did_you_mean(str(name), declared)} "
                                 f"(params: {listing})")
    lowerer = Lowerer(model, checker, overrides)
    for statement in model.statements:
        lowerer.statement(statement)
    if not lowerer.out.name:
        lowerer.out.name = model.source.name.rsplit("/", 1)[-1].removesuffix(".moo")
    return lowerer.out
