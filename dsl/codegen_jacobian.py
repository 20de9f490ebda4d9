"""Stage 4b, code: the Jacobian of a model, printed next to ``evaluate``.

The generated module gains ``_make_derivatives()``, which runs the static index work of the
derivatives once (when they are first wanted) and returns ``derivatives(X)``: for a population
X (N, n_var), the objectives F (N, n_obj, minimization form), the hard constraints' signed
residuals R (N, n_hard: ``lhs - rhs`` for ``<=`` and ``==``, ``rhs - lhs`` for ``>=``, so a
constraint holds where its residual is at most 0, or is 0), and their Jacobians JF (N, n_obj,
n_var) and JR (N, n_hard, n_var). Expressions are printed by the evaluate printer (a subclass
with the few node kinds derivatives add) and common subexpressions are shared (sympy.cse).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import sympy

from mooc.dsl.codegen import _statement_value as _value
from mooc.dsl.constants import SPREAD_EXPONENT
from mooc.dsl.derivatives import (
    TIME_LIMIT,
    WORK_LIMIT,
    DerivativesUnavailable,
    Differentiator,
    dependencies,
    derivative_name,
    names_in,
    smoothness,
    wrt_indices,
)
from mooc.dsl.emitter import Emitter
from mooc.dsl.generated import DerivativeInfo, GeneratedCode
from mooc.dsl.lowered import ConstraintForm, Definition, ExternCall, Family, LoweredModel, VarBlock
from mooc.dsl.printer import PopulationPrinter
from mooc.dsl.symbols import RangeReduction, folds_out_of_reduction, folds_slowly


class _DerivativeEmitter(Emitter):
    """The evaluate emitter's kind, sharing its constants; its static names start with _d."""

    def fresh(self, stem: str) -> str:
        return super().fresh(f"d{stem}")


class JacobianPrinter(PopulationPrinter):
    """The evaluate printer, plus the node kinds derivatives bring; terms are printed in
    the order they are held (sorting them costs more than the rest of printing)."""

    def __init__(self, model: LoweredModel, emitter: Emitter):
        super().__init__(model, emitter)
        self._settings["order"] = "none"
        self.depth: dict[sympy.Symbol, int] = {}  # how many masks each reduction's body sees

    def _print_KroneckerDelta(self, expr: sympy.KroneckerDelta) -> str:
        a, b = (self._print(arg) for arg in expr.args)
        return str(self.emitter.static(
            f"_kronecker({a}, {b})", "delta"))

    def reduction(self, kind: str, body: sympy.Expr, index: sympy.Symbol, lo: sympy.Expr,
                  hi: sympy.Expr, site: int) -> str:
        self.depth[index] = len(self.masks) + 1
        return str(super().reduction(kind, body, index, lo, hi, site))

    def range_operation(self, function: str, expr: sympy.Basic) -> str:
        """A value over the whole range of the reduction binding ``index``: its body is
        printed without the masks of the branches taken inside that reduction."""
        body, index, lo, hi = expr.args
        saved: list[str] = self.masks  # type: ignore[has-type]
        self.masks = saved[:self.depth[index]]
        try:
            body_code = self._print(body)
        finally:
            self.masks = saved
        return (f"{function}({body_code}, {self.bound[index]}, {self._print(lo)}, "
                f"{self._print(hi)})")

    def _print_ProductExcept(self, expr: sympy.Basic) -> str:
        return self.range_operation("_prod_except", expr)

    def _print_FirstArgMin(self, expr: sympy.Basic) -> str:
        return self.range_operation("_first_argmin", expr)

    def _print_FirstArgMax(self, expr: sympy.Basic) -> str:
        return self.range_operation("_first_argmax", expr)


def _with_block(family: Family | None, block: VarBlock) -> Family | None:
    """A statement's family extended by the dimensions of the block it is differentiated by."""
    j = wrt_indices(block)
    if not j:
        return family
    if family is None:
        return Family(j, block.starts, block.shape)
    return Family(family.indices + j, family.starts + block.starts, family.shape + block.shape)


@dataclass
class _Rows:
    """The rows one statement fills in F or R, and its derivative code per block."""

    first: int
    count: int
    value: str
    sign: str
    derivatives: dict[str, str]
    is_family: bool
    linear: bool = False


class _Generator:
    """Walks the model's steps, printing values and derivatives."""

    def __init__(self, model: LoweredModel, emitter: Emitter):
        self.model, self.emitter = model, emitter
        self.printer = JacobianPrinter(model, emitter)
        self.deps = dependencies(model)
        budget, deadline = [WORK_LIMIT], time.perf_counter() + TIME_LIMIT
        self.diffs = {b.name: Differentiator(model, b, self.deps, budget=budget,
                                             deadline=deadline) for b in model.variables}
        self.blocks = {b.name: b for b in model.variables}
        self.body: list[str] = []
        self.objectives: list[_Rows] = []
        self.hard: list[_Rows] = []
        self.linear_stored: set[str] = set()
        self.stored_names: dict[str, str] = {}  # derivative name -> statement
        self.n_cse = 0
        self.n_shared = 0
        self.n_derivatives = 0

    def run(self) -> None:
        for step in self.model.steps:
            if isinstance(step, ExternCall):
                self.extern(step)
            elif isinstance(step, Definition):
                self.definition(step)
            elif not step.soft:
                self.constraint(step)

    def extern(self, step: ExternCall) -> None:
        code = f"_ext_{step.name}"
        for column, value in enumerate(step.spec.returns):
            self.printer.stored[f"{step.name}.{value}"] = (f"{code}[:, {column}]", None)
        self.body.append(f"{code} = numpy.full((N, {len(step.spec.returns)}), numpy.nan)")

    def definition(self, step: Definition) -> None:
        code = f"_{step.role[:3]}_{step.name}"
        self.printer._settings["order"] = None  # as evaluate prints it: the same last bits
        value = _value(self.printer, self.emitter, step.expr, step.family)
        self.printer._settings["order"] = "none"
        self.body.append(f"{code} = {value}")
        self.printer.stored[step.name] = (code, step.family)
        if step.family is not None and step.role != "objective":
            return  # an indexed let's derivative is expanded where it is used
        codes, linear = self.derivatives(step.name, step.expr, step.family)
        if step.family is None:
            for block, dcode in codes.items():
                name = derivative_name(step.name, block)
                family = _with_block(None, self.blocks[block])
                self.printer.stored[name] = (dcode, family)
                self.diffs[block].stored.add(step.name)
                self.stored_names[name] = step.name
            if linear:
                self.linear_stored.add(step.name)
        if step.role == "objective":
            count = 1 if step.family is None else step.family.size
            first = sum(rows.count for rows in self.objectives)
            sign = "-" if step.sense == "maximize" else ""
            self.objectives.append(_Rows(first, count, code, sign, codes, step.family is not None))

    def constraint(self, step: ConstraintForm) -> None:
        if step.op == ">=":
            residual = sympy.Add(step.rhs, -step.lhs)
        else:
            residual = sympy.Add(step.lhs, -step.rhs)
        code = f"_res_{step.name}"
        self.body.append(f"{code} = {_value(self.printer, self.emitter, residual, step.family)}")
        codes, linear = self.derivatives(step.name, residual, step.family)
        count = 1 if step.family is None else step.family.size
        first = sum(rows.count for rows in self.hard)
        self.hard.append(_Rows(first, count, code, "", codes, step.family is not None, linear))

    def derivatives(self, name: str, expr: sympy.Expr,
                    family: Family | None) -> tuple[dict[str, str], bool]:
        """Print the derivative of ``expr`` by each block it depends on; return their codes and
        whether all of them are constant (the statement is linear)."""
        found = {}
        for block in self.blocks:
            derivative = self.diffs[block].d(expr)
            if derivative != 0:
                found[block] = derivative
        linear = all(self.constant(d) for d in found.values())
        shared = self.shared(found)
        codes = {}
        for block, derivative in shared.items():
            self.n_derivatives += 1
            dcode = f"_d{self.n_derivatives}_{name}_{block}"
            family_j = _with_block(family, self.blocks[block])
            self.body.append(f"{dcode} = {_value(self.printer, self.emitter, derivative, family_j)}")
            codes[block] = dcode
        return codes, linear

    def constant(self, derivative: sympy.Expr) -> bool:
        """Whether a derivative is the same at every point (its statement is linear)."""
        if derivative.has(sympy.nan):
            return False
        for name in names_in(derivative):
            if name in self.blocks or name in self.printer.stored and name not in self.stored_names:
                return False
            if name in self.stored_names and self.stored_names[name] not in self.linear_stored:
                return False
        return True

    def shared(self, found: dict[str, sympy.Expr]) -> dict[str, sympy.Expr]:
        """The derivatives with their common subexpressions computed once, before them
        (subexpressions that involve an index stay where they are)."""
        if not found:
            return found
        exprs = list(found.values())
        if any(_large_power(e) for e in exprs):  # cse would rebuild it, expanded
            return found
        if any(folds_slowly(e) or _compares_a_reduction(e) for e in exprs):
            return found  # cse would rebuild it, folding or comparing its conditions
        if any(folds_out_of_reduction(e) for e in exprs):  # ... and unbinding their indices
            return found
        indices = {s for e in exprs for s in e.atoms(sympy.Symbol) if s.is_integer}
        try:
            replacements, reduced = sympy.cse(
                exprs, symbols=sympy.numbered_symbols(f"κ{self.n_cse}_", real=True),
                ignore=tuple(indices), order="none")
        except Exception:  # noqa: BLE001 - sharing is an optimization; without it all is still right
            return found
        self.n_cse += 1
        for symbol, value in replacements:
            self.n_shared += 1
            code = f"_c{self.n_shared}"
            self.printer.bound, self.printer.level = {}, 0
            self.body.append(f"{code} = {self.printer._print(value)}")
            self.printer.stored[symbol.name] = (code, None)
        return dict(zip(found, reduced, strict=True))

    def assembly(self) -> list[str]:
        n_obj = sum(rows.count for rows in self.objectives)
        n_hard = sum(rows.count for rows in self.hard)
        n_var = self.model.n_var
        lines = [f"F = numpy.empty((N, {n_obj}))", f"R = numpy.empty((N, {n_hard}))",
                 f"JF = numpy.zeros((N, {n_obj}, {n_var}))",
                 f"JR = numpy.zeros((N, {n_hard}, {n_var}))"]
        for target, parts in (("F", self.objectives), ("R", self.hard)):
            for rows in parts:
                stop = rows.first + rows.count
                lines.append(f"{target}[:, {rows.first}:{stop}] = {rows.sign}{rows.value}.T"
                             if rows.is_family else
                             f"{target}[:, {rows.first}] = {rows.sign}{rows.value}")
                for block, dcode in rows.derivatives.items():
                    b = self.blocks[block]
                    lines.append(f"_jacobian_put(J{target}, {rows.first}, {rows.count}, "
                                 f"{b.first_column}, {b.size}, {dcode}, "
                                 f"{-1.0 if rows.sign else 1.0})")
        return lines


def _compares_a_reduction(expr: sympy.Expr) -> bool:
    """Whether a condition in ``expr`` compares a reduction (``3 <= prod(...)``, the kink of
    ``min(3, prod(...))``): sympy, building the comparison again, tries to order the
    reduction's value, which took minutes for a product of two ``if`` s."""
    return any(condition.has(sympy.Sum, sympy.Product, RangeReduction)
               for found in expr.atoms(sympy.Piecewise) for _, condition in found.args)


def _large_power(expr: sympy.Basic) -> bool:
    """Whether ``expr`` holds a power with a numeric exponent too large to spread out."""
    return any(p.exp.is_number and abs(float(p.exp)) > SPREAD_EXPONENT
               for p in expr.atoms(sympy.Pow))


def add_derivatives(code: GeneratedCode, model: LoweredModel) -> None:
    """Add ``_make_derivatives`` to the generated ``code`` of ``model`` (its source, the
    constants it needs and :attr:`GeneratedCode.derivatives`)."""
    emitter = _DerivativeEmitter(model)
    emitter.constants = code.constants  # a value already there is used by its name
    source, code.derivatives = derivative_code(model, emitter)
    code.source += source


def derivative_code(model: LoweredModel, emitter: Emitter) -> tuple[str, DerivativeInfo]:
    """The source of ``_make_derivatives`` (empty when derivatives cannot be generated) and
    what is known of the model's derivatives."""
    notes = smoothness(model)
    start = len(emitter.prelude)
    generator = _Generator(model, emitter)
    try:
        generator.run()
    except (DerivativesUnavailable, RecursionError) as error:
        del emitter.prelude[start:]
        reason = str(error) if isinstance(error, DerivativesUnavailable) else \
            "the model's expressions are nested too deeply for symbolic derivatives"
        return "", DerivativeInfo(False, reason, notes)
    prelude = emitter.prelude[start:]
    del emitter.prelude[start:]
    hard = [step for step in model.steps if isinstance(step, ConstraintForm) and not step.soft
            for _ in range(1 if step.family is None else step.family.size)]
    relations = [step.relation for step in hard]
    # an equality's band |lhs - rhs| <= tol, 0 for one without tol (it holds within rounding)
    tolerances = [0.0 if step.default_tolerance else float(step.tolerance) for step in hard]
    linear = [rows.linear for rows in generator.hard for _ in range(rows.count)]
    n_obj = sum(1 if step.family is None else step.family.size for step in model.steps
                if isinstance(step, Definition) and step.role == "objective")
    width = (n_obj + len(hard) + 1) * model.n_var  # a point's values and Jacobians
    source = _factory(model, prelude, generator.body + generator.assembly(), width)
    return source, DerivativeInfo(True, "", notes, relations, linear, tolerances)


def _factory(model: LoweredModel, prelude: list[str], body: list[str], width: int) -> str:
    lines = ["", "", "def _make_derivatives():",
             '    """Run the static index work of the derivatives once; return derivatives."""',
             *("    " + line for line in prelude),
             f"    rows = _boxes.chunk_rows({width})", "",
             "    def derivatives(X):",
             '        """Objectives (minimization form), signed hard-constraint residuals and '
             'their Jacobians."""',
             "        if X.shape[0] > rows:",
             "            return _in_chunks(derivatives, X, rows)",
             "        XT, ACT = _activity(X)" if model.conditional else "        XT = X.T",
             "        N = X.shape[0]",
             "        with numpy.errstate(all='ignore'):",
             *("            " + line for line in body),
             "        return F, R, JF, JR", "",
             "    return derivatives"]
    return "\n".join(lines) + "\n"
