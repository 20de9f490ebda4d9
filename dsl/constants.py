"""Constants in sympy expressions, made to match what floating point (numpy) computes: exact
numbers beyond the float range become infinite, a constant that is not real becomes NaN, and
huge exact powers are computed in doubles rather than digit by digit."""

from __future__ import annotations

import math
import sys

import numpy as np
import sympy

from mooc.dsl.symbols import piecewise

#: The largest float as an exact integer, to compare exact rationals with.
_FLOAT_MAX = int(sys.float_info.max)

def number(value: float) -> sympy.Expr:
    if math.isfinite(value) and float(value).is_integer() and abs(value) < 2**53:
        return sympy.Integer(int(value))
    return sympy.Float(value)


def as_float(expr: sympy.Expr) -> float | None:
    """The value of a constant sympy expression, or None when it is not a finite number."""
    if expr.is_Number:  # a plain number (most indices and bounds): no need to evaluate
        try:
            number = float(expr.p) if expr.is_Integer else float(expr)
        except (TypeError, ValueError, OverflowError):
            return None
        return number if math.isfinite(number) else None
    if expr.free_symbols or not expr.is_number:
        return None
    try:
        value = complex(expr)
    except (TypeError, ValueError):
        return None
    if value.imag != 0 or not math.isfinite(value.real):
        return None
    return value.real


def real_constant(expr: sympy.Basic) -> sympy.Basic:
    """A constant that is not a real number (sqrt(-1) is I, sin(oo) an interval) becomes nan,
    and an exact number beyond float range becomes +-oo: what numpy gives for the same domain
    fault. (Lowering makes 1/0 and log(0) +-oo itself: sympy's zoo has no sign.)"""
    if not isinstance(expr, sympy.Expr) or expr.is_Symbol or expr.is_Indexed:
        return expr
    if expr.is_Rational:  # exact, real and finite: only its size can be out of float range
        if abs(expr.p) <= _FLOAT_MAX * expr.q:
            return expr
        return sympy.oo if expr.p > 0 else -sympy.oo
    if expr.is_Float:  # sympy's floats have an unbounded exponent; doubles do not
        return float_constant(float(expr))
    if expr.has(sympy.zoo, sympy.AccumBounds):  # x/0 in sympy's terms, sin(oo): not a number
        if expr.is_number:
            return sympy.nan
        # where it is (a branch of an 'if' sympy divided into): the rest keeps its value
        return expr.replace(lambda node: node == sympy.zoo or isinstance(node, sympy.AccumBounds),
                            lambda node: sympy.nan)
    if not expr.is_number:
        return expr
    if expr.has(sympy.I, sympy.nan) or expr.is_extended_real is False:
        return sympy.nan
    return expr


#: Exact powers of exact numbers are computed exactly up to this many bits; beyond, in
#: floating point (sympy would compute 10^10^10 digit by digit, forever).
_EXACT_POWER_BITS = 4096
#: A power of a variable expression with a larger exponent stays as written: sympy would
#: otherwise spread it over a product, (x/2)^20000 becoming x^20000 / 2^20000, which
#: overflows in floating point where the written form does not.
SPREAD_EXPONENT = 64


def divides_by_zero(base: sympy.Expr, exponent: sympy.Expr) -> bool:
    """Whether ``base ^ exponent`` is 0 to a negative number: 1/0, inf in floating point."""
    return bool(base.is_number and base.is_zero and exponent.is_number and exponent.is_negative)


def power(base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
    """``base ^ exponent``, never computing a huge exact number and never rewriting a large
    power of an expression into one that floating point evaluates differently."""
    if divides_by_zero(base, exponent):
        return sympy.oo  # 0^-1 is 1/0: inf, as in floating point (sympy's has no sign)
    if isinstance(base, sympy.Piecewise) and exponent.is_number:  # sympy would, with 0^-1 zoo
        return piecewise(*[(power(value, exponent), condition)
                           for value, condition in base.args])
    if base.is_number and exponent.is_number:
        size = _power_bits(base, exponent)
        if size is not None and size > _EXACT_POWER_BITS:
            return _float_power(base, exponent)
        return sympy.Pow(base, exponent)
    value = as_float(exponent) if exponent.is_number else None
    if exponent.is_number and (value is None or abs(value) > SPREAD_EXPONENT) or \
            base.is_number and base.is_zero:  # sympy's 0^(-x) is zoo^x, which is NaN
        return sympy.Pow(base, exponent, evaluate=False)
    return sympy.Pow(base, exponent)


def _power_bits(base: sympy.Expr, exponent: sympy.Expr) -> float | None:
    """About how many bits the exact value of a numeric power has, or None when unknown
    (not finite, or not a number sympy would compute exactly)."""
    b, e = as_float(base), as_float(exponent)
    if b is None or e is None:
        return None
    if b == 0 or abs(b) == 1:
        return 0.0
    return abs(e) * max(abs(math.log2(abs(b))), 1.0)


def _float_power(base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
    """A numeric power in double precision, as numpy computes it: +-inf, 0 or NaN where the
    exact value is out of range or not real."""
    b, e = as_float(base), as_float(exponent)
    with np.errstate(all="ignore"):
        value = float(np.power(np.float64(b), np.float64(e)))
    return float_constant(value)


def float_constant(value: float) -> sympy.Expr:
    if math.isnan(value):
        return sympy.nan
    if math.isinf(value):
        return sympy.oo if value > 0 else -sympy.oo
    return number(value)

