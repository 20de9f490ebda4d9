"""``mooc show``: a compiled model as mathematics, with sympy's pretty printer."""

from __future__ import annotations

from typing import Any

import sympy

from mooc.dsl.lowered import ConstraintForm, Definition, Family, VarBlock

_RELATION = {"<=": sympy.Le, ">=": sympy.Ge, "==": sympy.Eq}


def _pretty(expr: Any) -> tuple[str, int]:
    """sympy's picture of ``expr`` and the row of its baseline."""
    from sympy.printing.pretty.pretty import PrettyPrinter

    form = PrettyPrinter({"use_unicode": True, "wrap_line": False})._print(expr)
    return str(form), int(form.baseline)


def _indent(label: str, picture: tuple[str, int]) -> str:
    body, baseline = picture
    lines = body.splitlines() or [""]
    pad = " " * len(label)
    return "\n".join(("  " + (label if k == baseline else pad) + line) for k, line in
                     enumerate(lines))


def _family_text(family: Family | None) -> str:
    if family is None:
        return ""
    parts = [f"{index} in {start}..{start + size - 1}" for index, start, size in
             zip(family.indices, family.starts, family.shape, strict=True)]
    return "  for " + ", ".join(parts)


def _head(name: str, family: Family | None) -> str:
    if family is None:
        return name
    return f"{name}[{', '.join(str(i) for i in family.indices)}]"


def _variable_line(block: VarBlock) -> str:
    name = block.name
    if block.shape:
        name += "[" + ", ".join(f"{s}..{s + n - 1}" for s, n in zip(block.starts, block.shape,
                                                                     strict=True)) + "]"
    if block.kind == "choice":
        domain = "choice   {" + ", ".join(block.labels) + "}"
    elif block.kind == "bin":
        domain = "binary   {0, 1}"
    else:
        lo, hi = block.lower.min(), block.upper.max()
        same = block.lower.min() == block.lower.max() and block.upper.min() == block.upper.max()
        bounds = f"[{lo:g}, {hi:g}]" if same else f"[{lo:g} .. {hi:g}] per element"
        word = {"real": "real    ", "log": "real, log scale", "int": "integer "}[block.kind]
        domain = f"{word} {bounds}"
    return f"  {name:<20} {domain}"


def describe(problem: Any) -> str:
    lowered = problem._compiled.lowered
    title = f' "{lowered.title}"' if lowered.title else ""
    lines = [f"problem {lowered.name}{title}   ({lowered.source.name})", "",
             f"variables ({problem.n_var})"]
    lines += [_variable_line(block) for block in lowered.variables]
    params = {k: v.value for k, v in lowered.params.items()}
    if params:
        lines += ["", "params"] + [f"  {k} = {_param_text(v)}" for k, v in params.items()]
    for title_text, wanted in (("lets", "let"), ("objectives", "objective")):
        steps = [s for s in lowered.steps if isinstance(s, Definition) and s.role == wanted]
        if steps:
            lines += ["", title_text]
            for step in steps:
                sense = f"{step.sense} " if step.role == "objective" else ""
                label = f"{sense}{_head(step.name, step.family)} = "
                lines.append(_indent(label, _pretty(step.expr)) + _family_text(step.family))
    for title_text, soft in (("constraints", False), ("soft constraints", True)):
        steps = [s for s in lowered.steps if isinstance(s, ConstraintForm) and s.soft == soft]
        if steps:
            lines += ["", title_text]
            lines += [_constraint_text(step) for step in steps]
    if lowered.settings or lowered.method != "auto":
        lines += ["", f"solver {lowered.method}"]
        lines += [f"  {k} = {v}" for k, v in lowered.settings.items()]
    lines += ["", "method", f"  {_method_line(problem)}"]
    return "\n".join(lines)


def _method_line(problem: Any) -> str:
    """What the solving chain will run, and why: the structure found and the method."""
    from mooc.chain import choose_method
    from mooc.errors import MooError

    try:
        return choose_method(problem, problem.method).why
    except MooError as error:  # 'solver exact' on a model that is not linear
        return f"solver {problem.method} cannot run: {error.message}"


def _constraint_text(step: ConstraintForm) -> str:
    relation = _RELATION[step.op](step.lhs, step.rhs, evaluate=False)
    extras = []
    if step.tolerance:
        extras.append(f"tol {step.tolerance:g}")
    if step.soft:
        extras.append(f"weight {step.weight:g}")
    suffix = f"  ({', '.join(extras)})" if extras else ""
    label = f"{_head(step.name, step.family)}: "
    return _indent(label, _pretty(relation)) + _family_text(step.family) + suffix


def _param_text(value: Any) -> str:
    import numpy as np

    if isinstance(value, np.ndarray):
        text = np.array2string(value, separator=", ", threshold=12, max_line_width=10**6,
                               formatter={"float_kind": lambda v: f"{v:g}"})
        return " ".join(text.split())
    return f"{value:g}"
