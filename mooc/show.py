"""``mooc show``: a compiled model as mathematics, with sympy's pretty printer."""

from __future__ import annotations

from collections.abc import Callable
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
    over = family.dim_names or tuple(f"{start}..{start + size - 1}" for start, size in
                                     zip(family.starts, family.shape, strict=True))
    parts = [f"{index} in {name}" for index, name in zip(family.indices, over, strict=True)]
    return "  for " + ", ".join(parts)


def _head(name: str, family: Family | None) -> str:
    if family is None:
        return name
    return f"{name}[{', '.join(str(i) for i in family.indices)}]"


def _variable_line(block: VarBlock, sets: dict[tuple[str, ...], str]) -> str:
    name = block.name
    if block.shape:
        labels = block.dim_labels or (None,) * len(block.shape)
        name += "[" + ", ".join(f"{s}..{s + n - 1}" if names is None else
                                sets.get(names, f"{{{_few(names)}}}")
                                for s, n, names in zip(block.starts, block.shape, labels,
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
    if block.condition is not None:
        domain += f"   when {_condition_text(block)}"
    return f"  {name:<20} {domain}"


def _few(labels: tuple[str, ...]) -> str:
    return ", ".join(labels[:4]) + (", ..." if len(labels) > 4 else "")


def _condition_text(block: VarBlock) -> str:
    from sympy.printing.str import StrPrinter

    return str(StrPrinter({"order": "none"}).doprint(block.condition))


class _SetSum(sympy.Function):
    """For display: a sum over a named set, ``sum(body for p in products)``."""

    def _sympystr(self, printer: Any) -> str:
        body, index, name = (printer._print(a) for a in self.args)
        return f"sum({body} for {index} in {name})"

    def _pretty(self, printer: Any) -> Any:
        from sympy.printing.pretty.stringpict import prettyForm

        body, index, name = self.args
        head = prettyForm("\u2211")
        head = prettyForm(*head.below(prettyForm(f"{index} \u2208 {name}")))
        inner = printer._print(body)
        return prettyForm(*head.right(prettyForm(*inner.parens())))


def _labeller(lowered: Any) -> Callable[[Any], Any]:
    """A function giving an expression as the user wrote it where sets are concerned: a set's
    element by its label (``make[bolt]``, not ``make[1]``) and a sum over a set as such
    (lowering uses positions). The model's labels are gathered once, not per expression."""
    dims = {b.name: b.dim_labels for b in lowered.variables}
    dims.update({p.name: p.dim_labels for p in lowered.params.values()})
    dims.update({s.name: s.family.dim_labels for s in lowered.steps
                 if getattr(s, "family", None) is not None})
    named = {labels: name for name, labels in lowered.sets.items()}
    return lambda expr: _relabel(expr, dims, named)


def _relabel(expr: Any, dims: dict, named: dict) -> Any:
    if isinstance(expr, sympy.Indexed):
        labels = dims.get(str(expr.base.label)) or ()
        indices = [sympy.Symbol(axis[int(i) - 1]) if axis is not None and i.is_Integer else i
                   for i, axis in zip(expr.indices, labels or (None,) * len(expr.indices),
                                      strict=False)]
        return expr.base[tuple(indices)]
    if isinstance(expr, sympy.Sum) and len(expr.limits) == 1:
        index, lo, hi = expr.limits[0]
        body = _relabel(expr.function, dims, named)
        name = _set_run_over(expr.function, index, dims, named)
        if name is not None and lo == 1 and hi == len(next(k for k, v in named.items()
                                                            if v == name)):
            return _SetSum(body, index, sympy.Symbol(name))
        return sympy.Sum(body, (index, lo, hi))
    if not expr.args or isinstance(expr, (sympy.Symbol, sympy.Number)):
        return expr
    args = [_relabel(arg, dims, named) for arg in expr.args]
    return expr if args == list(expr.args) else expr.func(*args)


def _set_run_over(body: Any, index: Any, dims: dict, named: dict) -> str | None:
    """The named set ``index`` runs over in ``body``: the set of a dimension it indexes."""
    for element in body.atoms(sympy.Indexed):
        labels = dims.get(str(element.base.label)) or ()
        for i, axis in zip(element.indices, labels, strict=False):
            if i == index and axis is not None:
                return named.get(axis)  # type: ignore[no-any-return]
    return None


def describe(problem: Any, *, method: str | None = None) -> str:
    """The model as mathematics; its last lines say which method runs and why (``method``:
    the words of a run that has, which its settings may have changed)."""
    lowered = problem._compiled.lowered
    title = f' "{lowered.title}"' if lowered.title else ""
    lines = [f"problem {lowered.name}{title}   ({lowered.source.name})", "",
             f"variables ({problem.n_var})"]
    named = {labels: name for name, labels in lowered.sets.items()}
    lines += [_variable_line(block, named) for block in lowered.variables]
    if lowered.sets:
        lines += ["", "sets"] + [f"  {name} = {{{_few(labels)}}}  ({len(labels)} labels)"
                                 for name, labels in lowered.sets.items()]
    labelled = _labeller(lowered)
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
                lines.append(_indent(label, _pretty(labelled(step.expr)))
                             + _family_text(step.family))
    for title_text, soft in (("constraints", False), ("soft constraints", True)):
        steps = [s for s in lowered.steps if isinstance(s, ConstraintForm) and s.soft == soft]
        if steps:
            lines += ["", title_text]
            lines += [_constraint_text(step, labelled) for step in steps]
            if not soft:
                lines += [f"  note: {note}" for note in problem.notes]
    if lowered.settings or lowered.method != "auto":
        lines += ["", f"solver {lowered.method}"]
        lines += [f"  {k} = {v}" for k, v in lowered.settings.items()]
    lines += _derivative_lines(problem)
    lines += ["", "method", f"  {method or _method_line(problem)}"]
    return "\n".join(lines)


def _method_line(problem: Any) -> str:
    """What the solving chain will run, and why: the structure found and the method."""
    from mooc.chain import choose_method
    from mooc.errors import MooError

    try:
        return choose_method(problem, problem.method).why
    except MooError as error:  # 'solver exact' on a model that is not linear
        return f"solver {problem.method} cannot run: {error.message}"


def _derivative_lines(problem: Any) -> list[str]:
    """Whether the model has derivatives, and where they do not exist or are not used."""
    info = problem.derivatives
    if not info.available or problem.externs:
        reason = info.reason or "it calls an extern (a black box)"
        return ["", f"derivatives: none ({reason}); no gradient steps"]
    noted = [(name, notes) for name, notes in info.notes.items() if notes]
    if not noted:
        return ["", "derivatives: exact everywhere"]
    lines = ["", "derivatives: exact, except"]
    for name, notes in noted:
        lines += [f"  {name}: {note}" for note in notes]
    return lines


def _constraint_text(step: ConstraintForm, labelled: Callable[[Any], Any]) -> str:
    relation = _RELATION[step.op](labelled(step.lhs), labelled(step.rhs), evaluate=False)
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
