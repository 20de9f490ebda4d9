"""Two hard constraints that pin an expression are an equality.

``constraint a: x + y <= 1`` with ``constraint b: x + y >= 1`` leave one value of ``x + y``,
which floating point rarely meets exactly: a search lands a rounding error off it, and with
tolerance 0 no point was ever feasible. Such a group, found after lowering, is treated as the
equality ``x + y == 1`` written without ``tol``: each of its constraints keeps its name, its
direction and its own violation, computed with the equality's tolerance (1e-6 relative to
the sides, :data:`mooc.dsl.runtime.EQUALITY_TOLERANCE`), and the first of them is the equality
the search holds (projection, gradient steps, the linear form's equality row).

The rule is structural: hard constraints without a tolerance (or with ``tol 0``) whose
lowered differences, each written as ``s <= 0``, are ``s`` and ``-s`` for the same sympy
expression ``s`` (``x + y <= 1``, ``x + y >= 1``, ``1 >= x + y`` ...). Indexed families pair
as wholes, element by element, when their index ranges are the same. Soft constraints, and
constraints with a tolerance, keep their own meaning.
"""

from __future__ import annotations

import sympy

from mooc.dsl.lower_expressions import span_text
from mooc.dsl.lowered import ConstraintForm, Family, LoweredModel
from mooc.dsl.runtime import EQUALITY_TOLERANCE
from mooc.dsl.symbols import index_symbol

#: Longest side quoted in a note; a longer one is cut.
_QUOTED = 40


def pin_equalities(model: LoweredModel) -> None:
    """Mark the pinning groups among ``model``'s hard constraints, and note each in words."""
    groups: dict[object, list[tuple[ConstraintForm, bool]]] = {}
    for step in model.steps:
        if not isinstance(step, ConstraintForm) or step.soft or step.op == "==" or \
                step.tolerance != 0:
            continue
        upper = _at_most_zero(step)
        if upper.is_number:
            continue
        family = _family_key(step.family)
        opposite = (family, -upper)
        if opposite in groups:
            groups[opposite].append((step, False))
        else:
            groups.setdefault((family, upper), []).append((step, True))
    for members in groups.values():
        if len({same for _, same in members}) == 2:  # both directions: pinned
            model.notes.append(_pin([step for step, _ in members]))


def _at_most_zero(step: ConstraintForm) -> sympy.Expr:
    """The constraint as ``s <= 0``, its family's indices named by position."""
    difference = step.lhs - step.rhs if step.op == "<=" else step.rhs - step.lhs
    if step.family is None:
        return difference  # type: ignore[no-any-return]
    canonical = {index: index_symbol(f"_pinned_{k}") for k, index in
                 enumerate(step.family.indices)}
    return difference.xreplace(canonical)  # type: ignore[no-any-return]


def _family_key(family: Family | None) -> object:
    return None if family is None else (family.starts, family.shape, family.dim_labels)


def _pin(members: list[ConstraintForm]) -> str:
    """Make ``members`` one equality; what it says to the model's author."""
    for k, step in enumerate(members):
        step.default_tolerance = True
        step.held_equality = k == 0
        step.pinned_with = tuple(other.name for other in members if other is not step)
    first = members[0]
    lhs, rhs = (_quoted(span) for span in first.sides) if first.sides else \
        (str(first.lhs), str(first.rhs))
    if first.lhs.is_number and not first.rhs.is_number:
        lhs, rhs = rhs, lhs
    names = [step.name for step in members]
    listed = ", ".join(names[:-1]) + f" and {names[-1]}"
    over = "" if first.family is None else " for each " + ", ".join(
        f"{index} in {name}" for index, name in zip(first.family.indices,
                                                   first.family.dim_names, strict=False))
    tolerance = f"{EQUALITY_TOLERANCE:.0e}".replace("e-0", "e-")
    return (f"constraints {listed} pin {lhs} to {rhs}{over}: treated as the equality "
            f"{lhs} == {rhs}, within {tolerance} × max(1, |{lhs}|, |{rhs}|) (exact equality "
            "is rarely representable in floating point)")


def _quoted(span: object) -> str:
    text = span_text(span).strip()  # type: ignore[arg-type]
    return text if len(text) <= _QUOTED else text[:_QUOTED - 3] + "..."
