"""The solving chain (in the spirit of CVXPY's ``construct_solving_chain``): the model's
structure is found once (:attr:`mooc.Problem.structure`), :func:`choose_method` picks the
method in one place, and each method runs on its own plain data and returns a
:class:`mooc.Result`.

A method is one entry of :data:`METHODS`: its name, whether it can run on a problem at all
(``refuses``), whether ``auto`` should pick it (``declines``), and its runner. ``auto`` tries
:data:`AUTO_ORDER` in turn and takes the first method that does not decline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mooc.dsl.names import ALGORITHMS
from mooc.errors import UsageError


@dataclass(frozen=True)
class Method:
    """A way to solve a model."""

    name: str
    title: str
    #: Why the method cannot run on a problem at all (None: it can), with where, if known.
    refuses: Callable[[Any], tuple[str, Any] | None]
    #: Why ``auto`` should not pick it for a problem (None: pick it).
    declines: Callable[[Any], str | None]
    #: What ``mooc show`` and the summary say it does on a problem with its settings.
    describes: Callable[[Any, dict[str, Any]], str]
    #: ``run(problem, settings, **run_options) -> Result``.
    run: Callable[..., Any]


def _exact_refuses(problem: Any) -> tuple[str, Any] | None:
    from mooc.dsl.linear_form import NotLinear

    structure = problem.structure
    if isinstance(structure, NotLinear):
        return (f"the exact method needs a linear model, and this one is {structure.describe()}",
                structure.span)
    return None


def _exact_declines(problem: Any) -> str | None:
    refusal = _exact_refuses(problem)
    if refusal is not None:
        return refusal[0].split(", and this one is ", 1)[-1]
    from mooc.method_exact import exact_plan_of

    plan = exact_plan_of(problem)
    if not plan.proven and (problem.n_obj > EXACT_UNPROVEN_MAX_OBJECTIVES or not plan.trusted):
        return f"{problem.structure.describe()}, but the front cannot be proven: {plan.reason}"
    return None


#: ``auto`` takes the exact method for a linear model whose front cannot be proven up to this
#: many objectives, unless its numbers are beyond what HiGHS's tolerances tell apart: each
#: point it finds is non-dominated, where NSGA-II's rarely are. On
#: facility-location models with 4-12 binary sites and 20-360 continuous flows (two
#: objectives, cost and emissions), its 69-101 points took 3.6-19 s, and their hypervolume was
#: 1.08-12.5 times that of NSGA-II's front after 120 s; in four of the five models no point of
#: NSGA-II's was on the joint front. With more objectives the approximate box decomposition
#: needs far more subproblems (see :mod:`mooc.solver.exact`), so NSGA-III runs there.
EXACT_UNPROVEN_MAX_OBJECTIVES = 2


def _exact_describes(problem: Any, settings: dict[str, Any]) -> str:
    from mooc.method_exact import exact_plan_of
    from mooc.solver.exact import describe_plan

    return f"{problem.structure.describe()}: {describe_plan(exact_plan_of(problem))}"


def _run_exact(problem: Any, settings: dict[str, Any], **options: Any) -> Any:
    from mooc.method_exact import run_exact

    return run_exact(problem, settings, **options)


def _run_nsga2(problem: Any, settings: dict[str, Any], **options: Any) -> Any:
    from mooc.method_nsga2 import run_nsga2

    return run_nsga2(problem, settings, derivatives=any(derivative_uses(settings, "nsga2")),
                     **options)


def _run_nsga3(problem: Any, settings: dict[str, Any], **options: Any) -> Any:
    from mooc.method_nsga2 import run_nsga2

    return run_nsga2(problem, settings, algorithm="nsga3",
                     derivatives=any(derivative_uses(settings, "nsga3")), **options)


#: ``auto`` picks NSGA-III from this many objectives on: at three, NSGA-II's crowding distance
#: already spreads the front worse (DTLZ2 with 3 objectives at 25,000 evaluations: 0.978 of
#: the exact front's hypervolume against NSGA-III's 0.982-0.983; benchmarks/many_objectives.py).
NSGA3_FROM_OBJECTIVES = 3


def derivative_uses(settings: dict[str, Any], method: str) -> tuple[bool, bool]:
    """Whether a run of the evolutionary ``method`` ("nsga2" or "nsga3") with ``settings``
    takes gradient steps (``polish``; unless told, NSGA-II does and NSGA-III does not: see
    :data:`mooc.solver.nsga3.POLISH_DEFAULT`) and projects onto equalities (``project``, on
    unless switched off). A run that does neither needs no derivatives."""
    polish = settings.get("polish")
    if polish is None and method == "nsga3":
        from mooc.solver.nsga3 import POLISH_DEFAULT

        polish = POLISH_DEFAULT
    return polish is None or bool(polish), settings.get("project") is not False


def _nsga3_declines(problem: Any) -> str | None:
    if problem.n_obj < NSGA3_FROM_OBJECTIVES:
        return f"{problem.n_obj} objective{'s' * (problem.n_obj != 1)}, where NSGA-II's crowding " \
               "distance spreads the front well"
    return None


def _gradient_note(problem: Any, settings: dict[str, Any], method: str) -> str:
    """What the model's derivatives add to the evolutionary ``method``, unless switched off."""
    polish, project = derivative_uses(settings, method)
    if not (project or polish) or getattr(problem, "externs", None):
        return ""
    from mooc.solver.gradients import movable

    if not movable(problem.kinds, problem.lower, problem.upper).any():
        return ""  # integer, binary and choice variables are the search's alone, and so are
        # variables whose range is too wide to measure a step in
    info = problem.derivatives  # generated now if not yet: the run will want them
    if not info.available:
        return ""
    steps = []
    if project and "==" in info.relations:
        steps.append("equalities held by projection")
    if polish:
        steps.append("gradient steps")
    return f"; {' and '.join(steps)} from the model's derivatives" if steps else ""


METHODS: dict[str, Method] = {
    "exact": Method("exact", "the exact method (MILP subproblems with HiGHS)", _exact_refuses,
                    _exact_declines, _exact_describes, _run_exact),
    "nsga2": Method("nsga2", "NSGA-II", lambda problem: None, lambda problem: None,
                    lambda problem, settings: "NSGA-II (an approximate front"
                                              f"{_gradient_note(problem, settings, 'nsga2')})",
                    _run_nsga2),
    "nsga3": Method("nsga3", "NSGA-III", lambda problem: None, _nsga3_declines,
                    lambda problem, settings: "NSGA-III with reference directions "
                    f"({problem.n_obj} objectives; an approximate front"
                    f"{_gradient_note(problem, settings, 'nsga3')})",
                    _run_nsga3),
    # Further methods plug in here, one entry each, and in AUTO_ORDER where auto should try
    # them (a gradient-polished NSGA-II, declining where the model is not differentiable).
}

#: The methods ``auto`` tries, in order; the first that does not decline runs.
AUTO_ORDER = ("exact", "nsga3", "nsga2")

#: What the solver block, ``--method`` and ``method=`` accept.
CHOICES = ("auto", *METHODS)
assert set(CHOICES) == set(ALGORITHMS), "a method needs its settings in mooc.dsl.names"


@dataclass(frozen=True)
class Choice:
    """The method picked for a problem, and why."""

    method: Method
    requested: str
    why: str


def choose_method(problem: Any, requested: str | None = None, *,
                  among: tuple[str, ...] | None = None,
                  settings: dict[str, Any] | None = None) -> Choice:
    """The method that solves ``problem``: ``requested`` (``auto`` when None) or, for
    ``auto``, the first of :data:`AUTO_ORDER` that does not decline it; ``among`` limits the
    methods to those (an optimizer, whose caller evaluates, can only be evolutionary).
    ``settings`` (the file's solver block when None) say what the method will do. A requested
    method that ``auto`` would pick too is explained as ``auto`` explains it, so a run resumed
    or repeated from its record (which names the method) says what the run said."""
    requested = requested or "auto"
    settings = dict(getattr(problem, "settings", {})) if settings is None else settings
    allowed = CHOICES if among is None else ("auto", *among)
    if requested not in CHOICES:
        from mooc.dsl.check_expressions import did_you_mean

        raise UsageError(f"unknown method '{requested}'{did_you_mean(requested, CHOICES)} "
                         f"(available: {', '.join(CHOICES)})")
    if requested not in allowed:
        raise UsageError(f"the method '{requested}' cannot run here (available: "
                         f"{', '.join(allowed)})")
    if requested != "auto":
        method = METHODS[requested]
        refusal = method.refuses(problem)
        if refusal is not None:
            raise UsageError(refusal[0], refusal[1])
        automatic = choose_method(problem, "auto", among=among, settings=settings)
        if automatic.method is method:  # said as auto says it: a resumed or repeated run
            return Choice(method, requested, automatic.why)  # (which names its method) agrees
        return Choice(method, requested, f"{method.describes(problem, settings)} (as requested)")
    reasons: list[str] = []
    for name in AUTO_ORDER:
        if among is not None and name not in among:
            continue
        method = METHODS[name]
        declined = method.declines(problem)
        if declined is None:
            why = method.describes(problem, settings)
            if reasons:
                why = f"{'; '.join(reasons)}: {why}"
            return Choice(method, requested, why)
        reasons.append(declined)
    raise AssertionError("the last method of AUTO_ORDER takes every problem")
