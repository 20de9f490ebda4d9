"""Stage 4, the code of variable blocks: which variables exist at each point (their 'when'
conditions, into ``_activity``), and what an extern is given of each argument; and which sums
are contracted as linear algebra. Part of :mod:`mooc.dsl.codegen`, which calls these with its
printer and emitter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import sympy

from mooc.dsl.lowered import ExternCall, Family, LoweredModel, ParamValue, VarBlock

if TYPE_CHECKING:
    from mooc.dsl.emitter import Emitter
    from mooc.dsl.printer import PopulationPrinter


def family_indices(printer: PopulationPrinter, emitter: Emitter, family: Family, *,
                   kept: bool = False) -> None:
    """Bind a family's indices; a family ``kept`` for later statements (a let's) is an array
    of the family's size per point, noted as a box (an objective's or a constraint's values
    are the results themselves)."""
    for level, (index, start, size) in enumerate(
            zip(family.indices, family.starts, family.shape, strict=True), start=1):
        values, _ = emitter.static_pair(f"_index_range({start}, {start + size - 1}, {level}, -1)")
        printer.bound[index] = values
    if kept:
        emitter.box(printer.bound.values())


def activity(printer: PopulationPrinter, emitter: Emitter, model: LoweredModel) -> list[str]:
    """Lines of ``_activity(X)``: each conditional variable's mask, in declaration order, and
    its elements set to NaN where they do not exist (so later conditions see that)."""
    lines = []
    for block in model.variables:
        if block.condition is None:
            continue
        family = None if not block.shape else Family(block.condition_indices, block.starts,
                                                     block.shape)
        printer.bound = {}
        printer.level = 0 if family is None else len(block.shape)
        if family is not None:
            family_indices(printer, emitter, family)
        rows = f"{block.first_column}:{block.first_column + block.size}"
        lines += [f"_on = _active_rows({printer._print(block.condition)}, {block.shape!r}, N)",
                  f"ACT[{rows}] = _on",
                  f"XT[{rows}] = numpy.where(_on, XT[{rows}], numpy.nan)"]
    return lines


def extern_call(printer: PopulationPrinter, emitter: Emitter, step: ExternCall) -> str:
    """``_ext_NAME = <runner>.call(NAME, {arg: (N, ...) values}, N)``; members become columns."""
    code = f"_ext_{step.name}"
    for column, value in enumerate(step.spec.returns):
        printer.stored[f"{step.name}.{value}"] = (f"{code}[:, {column}]", None)
    parts = [f"{name!r}: {argument_code(printer, emitter, name, meaning, step.spec.vectorized)}"
             for name, meaning in step.arguments]
    return f"{code} = _extern_runner.call({step.name!r}, {{{', '.join(parts)}}}, N)"


def present_code(emitter: Emitter, name: str, block: VarBlock, vectorized: bool) -> str:
    """A conditional variable as an extern argument: per point, None or the list of the
    elements that exist; for a vectorized extern, its values with NaN where it does not."""
    first, stop = block.first_column, block.first_column + block.size
    if vectorized:
        return f"XT[{first}]" if not block.shape else \
            f"XT[{first}:{stop}].T.reshape((N,) + {block.shape!r})"
    labels = "None"
    if block.kind == "choice":
        labels = emitter.constant(np.array(block.labels, dtype=object), f"labels_{name}")
    return (f"_present(XT[{first}:{stop}].T, ACT[{first}:{stop}].T, {not block.shape}, {labels}, "
            f"{block.kind in ('int', 'bin')})")


def argument_code(printer: PopulationPrinter, emitter: Emitter, name: str,
                   meaning: object, vectorized: bool = False) -> str:
    """An extern argument's values, one row per point: (N,) or (N, *shape)."""
    if isinstance(meaning, VarBlock) and meaning.condition is not None:
        return present_code(emitter, name, meaning, vectorized)
    if isinstance(meaning, VarBlock):
        first, stop = meaning.first_column, meaning.first_column + meaning.size
        values = f"XT[{first}]" if not meaning.shape else \
            f"XT[{first}:{stop}].T.reshape((N,) + {meaning.shape!r})"
        if meaning.kind == "choice":
            labels = emitter.constant(np.array(meaning.labels, dtype=object), f"labels_{name}")
            return f"{labels}[_labels({values}, {len(meaning.labels)})]"
        if meaning.kind in ("int", "bin"):
            return f"numpy.rint({values}).astype(numpy.int64)"
        return values
    if isinstance(meaning, ParamValue):
        values = emitter.constant(np.asarray(meaning.value, dtype=float), f"param_{name}")
        return f"numpy.broadcast_to({values}, (N,) + {values}.shape)"
    if isinstance(meaning, tuple):
        code, family = printer.stored[name]
        if family is None:
            return code
        return f"{code}.T.reshape((N,) + {family.shape!r})"
    return f"_column({printer._print(meaning)}, N)"  # a constant let


def contraction_factors(kind: str, body: sympy.Expr, *, ragged: bool = False
                        ) -> tuple[sympy.Expr, ...] | None:
    """The factors of a sum to contract with ``numpy.einsum`` (:func:`mooc.dsl.runtime.contract`)
    rather than form and reduce: a sum of a product of two or more factors that are not numbers
    -- a weighted sum, a matrix-vector product, a quadratic form. Over a ``ragged`` range, whose
    bounds follow the indices around it (``for j in 1..i``), any sum of what is not a number
    (its mask is a factor too: :func:`mooc.dsl.runtime.contract_ragged`), such as a cumulative
    sum. None for any other reduction."""
    if kind != "sum" or body.is_number:
        return None
    factors = tuple(body.args) if isinstance(body, sympy.Mul) else (body,)
    if sum(not factor.is_number for factor in factors) < (1 if ragged else 2):
        return None
    return factors


#: The print method of each class (see :meth:`mooc.dsl.printer.PopulationPrinter._print`).
PRINT_METHODS: dict[type, str] = {}


def print_method(printer: PopulationPrinter, cls: type) -> str | None:
    """The name of ``printer``'s method for nodes of class ``cls`` (sympy's choice: the first
    class of the MRO with a ``_print_`` method), remembered; None where sympy's dispatch has
    exceptions (functions, objects that print themselves)."""
    if hasattr(cls, printer.printmethod) or issubclass(cls, sympy.Function) or \
            not issubclass(cls, sympy.Basic):
        return None
    for base in cls.__mro__:
        if hasattr(printer, f"_print_{base.__name__}"):
            PRINT_METHODS[cls] = f"_print_{base.__name__}"
            return PRINT_METHODS[cls]
    return None
