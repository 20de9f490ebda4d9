"""Stage 3, sets and params: each set gets its labels and each param its value — from an
override (``--set``, ``params=``), else from data (:mod:`mooc.dsl.data`), else from the model —
as a number or a numpy array. :class:`ParamLowering` is the half of the
:class:`~mooc.dsl.lower.Lowerer` that does this.
"""

from __future__ import annotations

import math
import numbers
import reprlib
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from mooc.dsl import ast
from mooc.dsl.check import Checker
from mooc.dsl.data import Axis, DataBundle, TreeValue, read_param_file
from mooc.dsl.literals import expand_number_array, number_array_values
from mooc.dsl.lowered import LoweredModel, ParamValue
from mooc.dsl.names import MAX_RANGE, did_you_mean
from mooc.errors import ModelCheckError, ModelLimitError, ParameterError


class ParamLowering:
    """Resolves sets and params in statement order; needs the expression half for values."""

    checker: Checker
    overrides: dict[str, object]
    data: DataBundle
    sets: dict[str, tuple[str, ...]]
    set_origins: dict[str, str]
    meaning: dict[str, object]
    out: LoweredModel
    # from ExpressionLowering (annotations only: the methods are the other half's)
    static_float: Callable[[ast.Expr, dict, str], float]
    static_int: Callable[[ast.Expr, dict, str], int]

    # dimensions ----------------------------------------------------------------------
    def declared_range(self, dim: ast.RangeDim) -> tuple[int, int]:
        lo = self.static_int(dim.lo, {}, "a range bound")
        hi = self.static_int(dim.hi, {}, "a range bound")
        if hi < lo:
            raise ModelCheckError(f"the range {lo}..{hi} is empty", dim.span)
        if hi - lo + 1 > MAX_RANGE:
            raise ModelLimitError(f"the range {lo}..{hi} has {hi - lo + 1:,} elements; at most "
                                  f"{MAX_RANGE:,} are allowed", dim.span)
        return lo, hi

    def dim_axis(self, dim: ast.Dim) -> Axis:
        """A declared dimension: an integer range, a named set (labels at positions 1, 2,
        ...), or a choice variable's labels (at 0, 1, ..., for a table param)."""
        if isinstance(dim, ast.RangeDim):
            lo, hi = self.declared_range(dim)
            return Axis(f"{lo}..{hi}", lo, hi - lo + 1)
        name = dim.set_name if isinstance(dim, ast.SetDim) else dim.variable
        declaration = self.checker.scope[name]
        if declaration.kind == "set":
            labels = self.sets[name]
            return Axis(name, 1, len(labels), labels, self.set_origins.get(name, ""))
        return Axis(name, 0, len(declaration.labels), declaration.labels)

    def axes(self, dims: tuple[ast.Dim, ...]) -> tuple[Axis, ...]:
        return tuple(self.dim_axis(dim) for dim in dims)

    # statements ----------------------------------------------------------------------
    def statement_SetDecl(self, node: ast.SetDecl) -> None:
        explicit = self.data.sets.get(node.name)
        columns = list(self.data.index_columns.get(node.name, []))
        if explicit is not None:
            labels, origin = explicit.labels(node.name), explicit.where
        elif node.labels is not None:
            labels, origin = node.labels, "the model"
        elif columns:
            labels, origin = columns[0].labels(node.name), columns[0].where
            columns.pop(0)
        else:
            raise ModelCheckError(
                f"set '{node.name}' has no labels: list them, as in 'set {node.name} = {{a, b}}', "
                f"or give a data file whose first column is named '{node.name}' (data read: "
                f"{self.data.read_text()})", node.name_span)
        if len(labels) > MAX_RANGE:
            raise ModelLimitError(f"set '{node.name}' has {len(labels):,} labels; at most "
                                  f"{MAX_RANGE:,} are allowed", node.name_span)
        self.set_origins[node.name] = origin
        axis = Axis(node.name, 1, len(labels), labels, origin)
        for column in columns:
            column.check(axis)
        self.sets[node.name] = self.out.sets[node.name] = labels

    def statement_DataFile(self, node: ast.DataFile) -> None:
        """Read before lowering began (see :func:`mooc.dsl.compiler.compile_text`)."""

    def statement_Param(self, node: ast.Param) -> None:
        axes = self.axes(node.dims)
        declaration = self.checker.scope[node.name]
        if node.name in self.overrides:
            value = self.override(node, axes, declaration.label_of)
        elif node.name in self.data.params:
            value = self.data.params[node.name].values(node.name, axes)
        elif node.value is None:
            raise ModelCheckError(
                f"param '{node.name}' has no value: give it in the model, in a data file "
                f"(--data FILE) or with --set {node.name}=... (data read: "
                f"{self.data.read_text()})", node.name_span)
        elif isinstance(node.value, ast.TableLiteral):
            value = self.table(node, node.value, axes[0])
        elif isinstance(node.value, (ast.ArrayLiteral, ast.NumberArray)):
            value = self.array(node, node.value, axes)
        else:
            value = self.static_float(node.value, {}, "the param's value")
        param = ParamValue(node.name, value, tuple(a.start for a in axes),
                           label_of=declaration.label_of,
                           dim_labels=tuple(None if declaration.label_of else a.labels
                                            for a in axes))
        self.out.params[node.name] = param
        self.meaning[node.name] = param

    def table(self, node: ast.Param, table: ast.TableLiteral, axis: Axis) -> np.ndarray:
        assert axis.labels is not None
        values: dict[str, float] = {}
        for label, span, item in table.entries:
            if label not in axis.labels:
                raise ModelCheckError(f"'{label}' is not a label of '{axis.name}'"
                                      f"{did_you_mean(label, axis.labels)}", span)
            if label in values:
                raise ModelCheckError(f"label '{label}' appears twice", span)
            values[label] = self.static_float(item, {}, "a table value")
        missing = [label for label in axis.labels if label not in values]
        if missing:
            shown = ", ".join(repr(m) for m in missing[:5]) + (" ..." if len(missing) > 5 else "")
            raise ModelCheckError(f"the table has no value for {shown}", table.span)
        return np.array([values[label] for label in axis.labels])

    def array(self, node: ast.Param, value: ast.ArrayLiteral | ast.NumberArray,
              axes: tuple[Axis, ...]) -> np.ndarray:
        shape = tuple(a.size for a in axes)
        if isinstance(value, ast.NumberArray):
            fast = number_array_values(value.text)
            if fast is not None and fast.shape == shape and np.isfinite(fast).all():
                return fast
            value = expand_number_array(value)  # reports the mistake where it is
        return self.array_values(value, axes, node.name, len(axes))

    def array_values(self, array: ast.ArrayLiteral, axes: tuple[Axis, ...], name: str,
                     n_dims: int) -> np.ndarray:
        if len(array.items) != axes[0].size:
            raise ModelCheckError(f"'{name}' has {axes[0].size} elements in this dimension "
                                  f"({_axis_text(axes[0])}), but the array gives "
                                  f"{len(array.items)}", array.span)
        rows: list[object] = []
        for item in array.items:
            if isinstance(item, ast.NumberArray):
                fast = number_array_values(item.text)
                if fast is not None and fast.shape == tuple(a.size for a in axes[1:]) and \
                        np.isfinite(fast).all():
                    rows.append(fast)
                    continue
                item = expand_number_array(item)
            if len(axes) > 1:
                if not isinstance(item, ast.ArrayLiteral):
                    raise ModelCheckError(f"expected a nested array [...] for '{name}'", item.span)
                rows.append(self.array_values(item, axes[1:], name, n_dims))
            elif isinstance(item, ast.ArrayLiteral):
                raise ModelCheckError(f"expected a number, not a nested array, for '{name}'",
                                      item.span)
            elif isinstance(item, ast.Number):  # the common case, without sympy
                if not np.isfinite(item.value):
                    raise ModelCheckError("an array element is not a finite number", item.span)
                rows.append(item.value)
            else:
                rows.append(self.static_float(item, {}, "an array element"))
        return np.array(rows, dtype=float)

    def override(self, node: ast.Param, axes: tuple[Axis, ...], label_of: str
                 ) -> float | np.ndarray:
        given = self.overrides.pop(node.name)
        where = node.name_span
        if isinstance(given, str) and given.startswith("@"):
            return read_param_file(Path(given[1:]), given[1:], node.name, axes)
        if isinstance(given, Mapping) and axes:
            return TreeValue(given, "params", (node.name,)).values(node.name, axes)
        if not node.dims:
            if isinstance(given, (bool, np.bool_)) or not isinstance(given, numbers.Real):
                raise ParameterError(f"param '{node.name}' takes a number, but was given "
                                     f"{_shown(given)}", where)
            return _finite(node.name, given, where)
        if label_of:
            raise ParameterError(f"param '{node.name}' is a table: give it as {{label: value, "
                                 f"...}} by the labels of '{label_of}'", where)
        shape = tuple(a.size for a in axes)
        try:  # ragged, or more dimensions than numpy makes: not an array of numbers
            values = np.asarray(given) if not isinstance(given, (str, bytes)) else \
                np.asarray(None)
        except (ValueError, OverflowError):
            values = np.asarray(None)
        if values.dtype.kind not in "iuf":
            raise ParameterError(f"param '{node.name}' takes an array of numbers, but was given "
                                 f"{_shown(given)}", where)
        if values.shape != shape:
            raise ParameterError(f"param '{node.name}' has shape {shape}, but the value given "
                                 f"has shape {values.shape}", where)
        values = values.astype(float)
        if not np.isfinite(values).all():
            _refuse_not_finite(node.name, given, where)
        return values


def _finite(name: str, value: numbers.Real, where: ast.Span) -> float:
    """An overriding value as a float, refused like a value in the file when not finite."""
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        _refuse_not_finite(name, value, where)
    return number


def _refuse_not_finite(name: str, given: object, where: ast.Span) -> None:
    raise ParameterError(f"the value given for param '{name}' is not a finite number: "
                         f"{_shown(given)}", where)


def _shown(given: object) -> str:
    """An overriding value as a message shows it: its repr, cut short."""
    try:
        shown = repr(given)
    except ValueError:  # an int of more digits than Python writes out
        return f"an integer of more than {sys.get_int_max_str_digits()} digits"
    except RecursionError:  # nested too deep for repr: its first levels
        shown = reprlib.repr(given)
    return shown if len(shown) <= 60 else shown[:50] + "..."


def _axis_text(axis: Axis) -> str:
    return axis.name if axis.labels is not None else f"range {axis.name}"
