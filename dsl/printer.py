"""Stage 4, the printer: lowered sympy expressions as numpy code over a whole population, one
print method per node kind (:class:`PopulationPrinter`); what the generated module's prelude
collects while they are printed is in :mod:`mooc.dsl.emitter`. :mod:`mooc.dsl.codegen` puts the
statements together.
"""

from __future__ import annotations

import numpy as np
import sympy
from sympy.printing.numpy import NumPyPrinter

from mooc.dsl.codegen_blocks import PRINT_METHODS, contraction_factors, print_method
from mooc.dsl.emitter import Emitter
from mooc.dsl.lowered import Family, LoweredModel, ParamValue, VarBlock
from mooc.dsl.symbols import Defined, RangeMax, RangeMin

#: Integers printed as they are; larger ones (not exact in floating point anyway) as floats.
_EXACT_INT = 2**53


def _float_code(value: float) -> str:
    """A float as code: ``repr`` would print inf and nan, which are not Python names."""
    if value != value:
        return "numpy.nan"
    if value in (np.inf, -np.inf):
        return "numpy.inf" if value > 0 else "-numpy.inf"
    return repr(value)


def _rational_float(p: int, q: int) -> float:
    """p / q rounded to a double, +-inf beyond its range (Python raises instead)."""
    try:
        return p / q
    except OverflowError:
        return np.inf if p > 0 else -np.inf


def _constant_value(expr: sympy.Expr) -> float | None:
    """A constant's value as a double (+-inf beyond its range), or None if it is not real."""
    try:
        return float(expr)
    except (TypeError, ValueError):
        return None


#: Terms of a sum or product printed flat; longer ones are split (see ``balanced``).
_WIDE = 32


class PopulationPrinter(NumPyPrinter):
    """Prints lowered sympy expressions as numpy code over a whole population."""

    def __init__(self, model: LoweredModel, emitter: Emitter, *, contract: bool = True):
        # Terms and factors in sympy's own (canonical) order: sorting them for print took most
        # of the time of generating code for many small statements.
        super().__init__({"fully_qualified_modules": True, "allow_unknown_functions": False,
                          "order": "none"})
        self.model = model
        self.emitter = emitter
        self.level = 0
        self.masks: list[str] = []
        self.bound: dict[sympy.Symbol, str] = {}
        self.blocks: dict[str, VarBlock] = {b.name: b for b in model.variables}
        self.stored: dict[str, tuple[str, Family | None]] = {}
        #: sums of products as einsum contractions (False: formed and reduced, as tests compare)
        self.contract = contract

    def _print(self, expr: object, **kwargs: object) -> str:
        """sympy's dispatch (a ``_print_<Class>`` method for the first class of the MRO that
        has one), with the method found once per class: walking the MRO at every node was a
        large part of printing thousands of small statements. Functions, whose dispatch has
        exceptions, and objects that print themselves take sympy's way."""
        cls = type(expr)
        name = PRINT_METHODS.get(cls)
        if name is None:
            name = print_method(self, cls)
            if name is None:
                return str(super()._print(expr, **kwargs))
        self._print_level += 1
        try:
            return str(getattr(self, name)(expr, **kwargs))
        finally:
            self._print_level -= 1

    # leaves ---------------------------------------------------------------------------
    def _print_Float(self, expr: sympy.Float) -> str:
        return _float_code(float(expr))

    def _print_Integer(self, expr: sympy.Integer) -> str:
        if abs(expr.p) <= _EXACT_INT:
            return str(expr.p)
        return _float_code(_rational_float(expr.p, 1))

    def _print_Rational(self, expr: sympy.Rational) -> str:
        if abs(expr.p) <= _EXACT_INT and expr.q <= _EXACT_INT:
            return f"{expr.p}/{expr.q}"
        return _float_code(_rational_float(expr.p, expr.q))

    def _print_Pow(self, expr: sympy.Pow, rational: bool = False) -> str:
        # A constant power sympy keeps symbolic (pi^1000) would be computed by Python's float
        # power, which raises OverflowError where numpy gives inf: print its value instead.
        if expr.is_number:
            value = _constant_value(expr)
            if value is None:  # a root of a negative number, (-1)^(1/3): not a real number
                return "numpy.nan"
            if not np.isfinite(value):
                return _float_code(value)
        return str(super()._print_Pow(expr, rational=rational))

    def _print_ImaginaryUnit(self, expr: sympy.Basic) -> str:
        # sympy takes sqrt(-1) out of a root of a negative factor (sqrt(-x^2) is I*|x|); in
        # a model's real numbers that root is undefined, NaN as numpy's sqrt of a negative
        # (a product with I is 0 where its other factors are: see _print_Mul)
        return "numpy.nan"

    def _print_Symbol(self, expr: sympy.Symbol) -> str:
        if expr in self.bound:
            return self.bound[expr]
        name = expr.name
        if name in self.blocks:
            return f"XT[{self.blocks[name].first_column}]"
        if name in self.stored:
            return self.stored[name][0]
        raise KeyError(f"no code for symbol {name!r}")

    def _print_Indexed(self, expr: sympy.Indexed) -> str:
        name = expr.base.label.name
        indices = expr.indices
        param = self.model.params.get(name)
        if param is not None and param.label_of:
            block = self.blocks[param.label_of]
            values = self.emitter.constant(param.value, f"table_{name}")
            return (f"{values}[_labels(XT[{block.first_column}], {len(block.labels)})]")
        if param is not None:
            return self.static_pick(name, param, indices, expr)
        if all(i.is_Integer for i in indices):  # checked against the range when lowered
            if name in self.blocks:
                block = self.blocks[name]
                return f"XT[{block.first_column + _flat_offset(block.starts, block.shape, indices)}]"
            code, family = self.stored[name]
            assert family is not None
            return f"{code}[{_flat_offset(family.starts, family.shape, indices)}]"
        table, starts, base = self.row_table(name)
        where = self.emitter.static(
            f"_rows({table}, {starts!r}, {self.index_tuple(indices)}, {self.mask_tuple()}, "
            f"{self.emitter.site(expr)}, {name!r})", "rows")
        return f"_take({base}, {where})"

    def static_pick(self, name: str, param: ParamValue, indices: tuple, expr: sympy.Basic) -> str:
        values = self.emitter.constant(param.value, f"param_{name}")
        return self.emitter.static(
            f"_param_pick({values}, {param.starts!r}, {self.index_tuple(indices)}, "
            f"{self.mask_tuple()}, {self.emitter.site(expr)}, {name!r})", "param")

    def row_table(self, name: str) -> tuple[str, tuple[int, ...], str]:
        if name in self.blocks:
            block = self.blocks[name]
            columns = np.arange(block.first_column, block.first_column + block.size)
            table = self.emitter.constant(columns.reshape(block.shape), f"columns_{name}")
            return table, block.starts, "XT"
        code, family = self.stored[name]
        assert family is not None
        table = self.emitter.constant(np.arange(family.size).reshape(family.shape), f"rows_{name}")
        return table, family.starts, code

    def index_tuple(self, indices: tuple) -> str:
        return "(" + "".join(f"{self.emitter.static_expr(self, i)}, " for i in indices) + ")"

    def mask_tuple(self) -> str:
        return "(" + "".join(f"{m}, " for m in self.masks) + ")"

    # reductions -----------------------------------------------------------------------
    def reduction(self, kind: str, body: sympy.Expr, index: sympy.Symbol, lo: sympy.Expr,
                  hi: sympy.Expr, site: int) -> str:
        lo_code = self.emitter.static_expr(self, lo)
        hi_code = self.emitter.static_expr(self, hi)
        level = self.level + 1
        nonempty = kind in ("min", "max")
        outer = "".join(f"{code}, " for code in self.bound.values())
        values, mask = self.emitter.static_pair(
            f"_index_range({lo_code}, {hi_code}, {level}, {site}, {nonempty}, ({outer}))")
        self.level, saved = level, dict(self.bound)
        self.bound[index] = values
        self.masks.append(mask)
        try:
            ragged = bool(lo.free_symbols or hi.free_symbols)  # bounds follow outer indices
            contracted = self.contracted(kind, body, values, mask, ragged) if self.contract \
                else None
            if contracted is not None:
                return contracted
            body_code = self._print(body)
            self.record_box(body, whole=True)
        finally:
            self.level -= 1
            self.masks.pop()
            self.bound = saved
        return f"_reduce({kind!r}, {body_code}, {values}, {mask})"

    def contracted(self, kind: str, body: sympy.Expr, values: str, mask: str,
                   ragged: bool) -> str | None:
        """A sum of products as an einsum, never formed whole (None for any other reduction).
        A body ``if COND then TERM else 0`` whose condition is on indices only (a derivative
        of a ragged sum has them) is TERM's sum over a range masked by COND, as a ragged one."""
        gate = None
        if kind == "sum" and _gated(body) and self.is_static(body.args[0].cond):
            condition = self._print(body.args[0].cond)
            gate = self.emitter.static(f"_gate({mask}, {condition})", "gate")
            body, ragged = body.args[0].expr, True
        factors = contraction_factors(kind, body, ragged=ragged)
        if factors is None:
            return None
        if gate is not None:
            mask = gate
            self.masks.append(gate)  # indices are checked only where the term is taken
        try:
            codes = "".join(f"{self._print(factor)}, " for factor in factors)
        finally:
            if gate is not None:
                self.masks.pop()
        for factor in factors:  # each formed over the indices it uses
            self.record_box(factor)
        if ragged:
            return f"_contract_ragged(({codes}), {values}, {mask})"
        return f"_contract(({codes}), {values})"

    def _print_Sum(self, expr: sympy.Sum) -> str:
        return self.nested("sum", expr)

    def _print_Product(self, expr: sympy.Product) -> str:
        return self.nested("prod", expr)

    def nested(self, kind: str, expr: sympy.Basic) -> str:
        body, limits = expr.args[0], expr.args[1:]
        if len(limits) > 1:
            inner = type(expr)(body, *limits[:-1])
            index, lo, hi = limits[-1]
            return self.reduction(kind, inner, index, lo, hi, self.emitter.site(expr))
        index, lo, hi = limits[0]
        return self.reduction(kind, body, index, lo, hi, self.emitter.site(expr))

    def _print_RangeMin(self, expr: RangeMin) -> str:
        body, index, lo, hi = expr.args
        return self.reduction("min", body, index, lo, hi, self.emitter.site(expr))

    def _print_RangeMax(self, expr: RangeMax) -> str:
        body, index, lo, hi = expr.args
        return self.reduction("max", body, index, lo, hi, self.emitter.site(expr))

    # functions and logic ------------------------------------------------------------
    def _print_Min(self, expr: sympy.Min) -> str:
        return self.fold("numpy.minimum", expr.args)

    def _print_Max(self, expr: sympy.Max) -> str:
        return self.fold("numpy.maximum", expr.args)

    def _print_And(self, expr: sympy.And) -> str:
        return self.fold("numpy.logical_and", expr.args)

    def _print_Or(self, expr: sympy.Or) -> str:
        return self.fold("numpy.logical_or", expr.args)

    def _print_Defined(self, expr: Defined) -> str:
        value = self._print(expr.args[0])
        return f"({value} == {value})"  # false for NaN alone

    def _print_ITE(self, expr: sympy.ITE) -> str:
        # sympy makes a condition holding an 'if' an ITE; its own printer rewrites that as a
        # Piecewise, which fails when an And or an Or holds it ("expecting bool or Boolean")
        condition, then, otherwise = (self._print(arg) for arg in expr.args)
        return f"numpy.where({condition}, {then}, {otherwise})"

    def fold(self, function: str, args: tuple) -> str:
        """``function(a, function(b, c))`` as a balanced tree: Python's compiler recurses on
        nesting, so a chain of thousands of calls would not compile."""
        if len(args) == 1:
            return self._print(args[0])
        half = len(args) // 2
        return f"{function}({self.fold(function, args[:half])}, {self.fold(function, args[half:])})"

    def _print_Add(self, expr: sympy.Add, order: str | None = None) -> str:
        if len(expr.args) <= _WIDE:
            return str(super()._print_Add(expr, order))
        return self.balanced(" + ", expr.args)

    def _print_Mul(self, expr: sympy.Mul) -> str:
        if sympy.I in expr.args:  # sqrt(-k^2) is I*|k|: a real number, 0, only where |k| is 0
            rest = self._print(sympy.Mul(*(arg for arg in expr.args if arg != sympy.I)))
            return f"numpy.where(numpy.equal({rest}, 0), 0.0, numpy.nan)"
        if len(expr.args) <= _WIDE:
            return str(super()._print_Mul(expr))
        return self.balanced(" * ", expr.args)

    def balanced(self, op: str, args: tuple) -> str:
        """A long sum or product in groups of at most _WIDE terms, nested as a balanced tree."""
        if len(args) <= _WIDE:
            return "(" + op.join(f"({self._print(arg)})" for arg in args) + ")"
        half = len(args) // 2
        return f"({self.balanced(op, args[:half])}{op}{self.balanced(op, args[half:])})"

    def _print_Piecewise(self, expr: sympy.Piecewise) -> str:
        *pieces, (last, _) = expr.args
        if all(self.is_static(condition) for _, condition in pieces):
            return self.static_piecewise(pieces, last)
        code = self._print(last)
        for value, condition in reversed(pieces):
            code = f"numpy.where({self._print(condition)}, {self._print(value)}, {code})"
        return code

    def record_box(self, expr: sympy.Expr, *, whole: bool = False) -> None:
        """Note that ``expr`` is formed as an array over the indices it uses (over every bound
        index when ``whole``), if it has a value per point (see :class:`BoxSizes
        <mooc.dsl.runtime.BoxSizes>`)."""
        if not self.varies(expr):
            return
        used = self.bound.values() if whole else \
            [code for symbol, code in self.bound.items() if symbol in expr.free_symbols]
        self.emitter.box(used)

    def varies(self, expr: sympy.Basic) -> bool:
        """Whether ``expr`` has a value per point: it refers to a variable, a let or an
        extern's result, or to a param looked up by a choice variable's label."""
        for atom in expr.atoms(sympy.Symbol, sympy.Indexed):
            if atom in self.bound:
                continue
            name = atom.base.label.name if isinstance(atom, sympy.Indexed) else atom.name
            param = self.model.params.get(name)
            if param is None or param.label_of:
                return True
        return False

    def is_static(self, expr: sympy.Basic) -> bool:
        """Whether ``expr`` depends on bound indices only (so it is known at compile time)."""
        return bool(expr.free_symbols <= set(self.bound))

    def static_piecewise(self, pieces: list, last: sympy.Expr) -> str:
        """``if`` on indices only: each branch is index-checked only where it is taken."""
        conditions = [self.emitter.static(f"numpy.asarray({self._print(c)}, dtype=bool)", "if")
                      for _, c in pieces]
        values = []
        for k, value in enumerate([*(v for v, _ in pieces), last]):
            earlier = "".join(f" & ~{c}" for c in conditions[:k])
            taken = f"{conditions[k]}{earlier}" if k < len(conditions) else \
                "True" + earlier
            mask = self.emitter.static(f"numpy.asarray({taken}, dtype=bool)", "taken")
            self.masks.append(mask)
            try:
                values.append(self._print(value))
            finally:
                self.masks.pop()
        code = values[-1]
        for condition, value in zip(reversed(conditions), reversed(values[:-1]), strict=True):
            code = f"numpy.where({condition}, {value}, {code})"
        return code

    def _print_BooleanTrue(self, expr: sympy.Basic) -> str:
        return "True"

    def _print_BooleanFalse(self, expr: sympy.Basic) -> str:
        return "False"


def _gated(body: sympy.Expr) -> bool:
    """Whether ``body`` is ``Piecewise((term, condition), (0, True))``."""
    return isinstance(body, sympy.Piecewise) and len(body.args) == 2 and \
        body.args[1].expr == 0 and body.args[1].cond == sympy.true


def _flat_offset(starts: tuple[int, ...], shape: tuple[int, ...], indices: tuple) -> int:
    """The position of an element (indices checked against the shape when lowered), last index
    fastest."""
    offset = 0
    for index, start, size in zip(indices, starts, shape, strict=True):
        offset = offset * size + int(index) - start
    return offset
