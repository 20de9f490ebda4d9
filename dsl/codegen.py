"""Stage 4: sympy -> numpy source: each statement printed by :mod:`mooc.dsl.printer`, put
together into one module.

The generated module has a prelude, run once, that computes every static thing (index arrays,
masks, which rows an indexed reference takes, param elements), and one function
``evaluate(X)`` that maps a population (N, n_var) to objectives (N, n_obj, minimization form),
hard violations (N, n_hard) and soft violations (N, n_soft).
"""

from __future__ import annotations

import numpy as np
import sympy

from mooc.dsl.codegen_blocks import activity as activity_lines
from mooc.dsl.codegen_blocks import extern_call, family_indices
from mooc.dsl.emitter import Emitter
from mooc.dsl.generated import GeneratedCode
from mooc.dsl.lowered import ConstraintForm, Definition, ExternCall, Family, LoweredModel
from mooc.dsl.printer import PopulationPrinter


def _statement_value(printer: PopulationPrinter, emitter: Emitter, expr: sympy.Expr,
                     family: Family | None, *, kept: bool = False) -> str:
    printer.bound = {}
    printer.level = 0 if family is None else len(family.indices)
    if family is not None:
        family_indices(printer, emitter, family, kept=kept)
    code = printer._print(expr)
    if family is None:
        return f"_column({code}, N)"
    return f"_family_rows({code}, {family.shape!r}, N)"


def generate(model: LoweredModel, *, contract: bool = True) -> GeneratedCode:
    """Generate the numpy source of ``model``; ``contract=False`` forms every sum's terms and
    reduces them, as before sums of products became einsum contractions (tests compare)."""
    emitter = Emitter(model)
    printer = PopulationPrinter(model, emitter, contract=contract)
    activity = activity_lines(printer, emitter, model) if model.conditional else []
    body: list[str] = []
    objectives: list[tuple[str, str, int, bool]] = []  # code, sense, count, is a family
    hard: list[tuple[str, str, int, bool]] = []
    soft: list[tuple[str, str, int, bool]] = []
    out = GeneratedCode("", {}, {}, 0, 0, 0, np.ones(0))
    weights: list[float] = []
    for step in model.steps:
        if isinstance(step, ExternCall):
            body.append(extern_call(printer, emitter, step))
            continue
        names = [step.name] if step.family is None else step.family.member_names(step.name)
        count = len(names)
        if isinstance(step, Definition):
            code = f"_{step.role[:3]}_{step.name}"
            value = _statement_value(printer, emitter, step.expr, step.family,
                                     kept=step.role != "objective")
            body.append(f"{code} = {value}")
            printer.stored[step.name] = (code, step.family)
            if step.role == "objective":
                objectives.append((code, step.sense, count, step.family is not None))
                out.objective_names += names
                out.senses += [step.sense] * count
        else:
            value = _constraint_value(printer, emitter, step)
            code = emitter.fresh("violation")
            body.append(f"{code} = {value}")
            (soft if step.soft else hard).append((code, "", count, step.family is not None))
            (out.soft_names if step.soft else out.hard_names).extend(names)
            if step.soft:
                weights += [step.weight] * count
    out.n_obj, out.n_hard = len(out.objective_names), len(out.hard_names)
    out.n_soft = len(out.soft_names)
    out.soft_weights = np.array(weights, dtype=float)
    body += _assemble("F", objectives, out.n_obj)
    body += _assemble("G", hard, out.n_hard)
    body += _assemble("S", soft, out.n_soft)
    width = model.n_var + out.n_obj + out.n_hard + out.n_soft  # the values a point has anyway
    out.source = _module_source(model, emitter.prelude, body, activity, width)
    out.constants = emitter.constants
    out.site_spans = emitter.sites
    return out


def _constraint_value(printer: PopulationPrinter, emitter: Emitter, step: ConstraintForm) -> str:
    if step.default_tolerance:  # the tolerance is relative to both sides' size
        lhs = _statement_value(printer, emitter, step.lhs, step.family)
        rhs = _statement_value(printer, emitter, step.rhs, step.family)
        return f"_violation({step.op!r}, {lhs}, {rhs}, None)"
    difference = sympy.Add(step.lhs, -step.rhs, evaluate=False)
    value = _statement_value(printer, emitter, difference, step.family)
    return f"_violation({step.op!r}, {value}, 0.0, {step.tolerance!r})"


def _assemble(name: str, parts: list[tuple[str, str, int, bool]], total: int) -> list[str]:
    """Columns of F, G or S; maximized objectives are negated here, the only place."""
    lines = [f"{name} = numpy.empty((N, {total}))"]
    column = 0
    for code, sense, count, is_family in parts:
        sign = "-" if sense == "maximize" else ""
        if is_family:
            lines.append(f"{name}[:, {column}:{column + count}] = {sign}{code}.T")
        else:
            lines.append(f"{name}[:, {column}] = {sign}{code}")
        column += count
    return lines


def _module_source(model: LoweredModel, prelude: list[str], body: list[str],
                   activity: list[str], width: int) -> str:
    chunked = not any(isinstance(step, ExternCall) for step in model.steps)  # an extern
    # is called with the whole batch: its workers share it out
    # a file name that is not UTF-8 (undecodable bytes as surrogates) written out as escapes:
    # Python compiles only text it can encode
    shown = model.source.name.encode("utf-8", "backslashreplace").decode("utf-8")
    lines = [f"# numpy code generated by mooc for the model {model.name!r} ({shown})",
             "# prelude: static index work, run once", *prelude,
             *([f"_CHUNK_ROWS = _boxes.chunk_rows({width})"] if chunked else []), "", ""]
    if activity:
        lines += ["def _activity(X):",
                  '    """Which variables exist at each point (their \'when\' conditions), and '
                  'X.T with NaN where not."""',
                  "    XT = numpy.array(X.T, dtype=float)",
                  "    N = X.shape[0]",
                  "    ACT = numpy.ones(XT.shape, dtype=bool)",
                  "    with numpy.errstate(all='ignore'):",
                  *("        " + line for line in activity),
                  "    return XT, ACT", "", "",
                  "def active(X):",
                  '    """Mask (N, n_var): True where a variable exists at a point."""',
                  "    return _activity(X)[1].T", "", ""]
    lines += ["def evaluate(X):",
              '    """Objectives (minimization form), hard and soft violations of a population."""',
              *(["    if X.shape[0] > _CHUNK_ROWS:",
                 "        return _in_chunks(evaluate, X, _CHUNK_ROWS)"] if chunked else []),
              "    XT, ACT = _activity(X)" if activity else "    XT = X.T",
              "    N = X.shape[0]",
              "    with numpy.errstate(all='ignore'):"]
    lines += ["        " + line for line in body]
    lines.append("    return F, G, S")
    return "\n".join(lines) + "\n"
