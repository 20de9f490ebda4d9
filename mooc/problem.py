"""The public Problem: a compiled model you can evaluate, inspect and solve."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from mooc.dsl.generated import CompiledModel

if TYPE_CHECKING:
    from mooc.solver.problem import Evaluation


@dataclass(frozen=True)
class ModelEvaluation:
    """A population's objectives in the user's directions, and its constraint violations (a
    column per constraint, 0 where it holds; ``inf`` where it could not be evaluated, as a
    run reports it: an undefined constraint is broken without bound)."""

    F: np.ndarray
    violation: np.ndarray
    soft_violation: np.ndarray

    @property
    def feasible(self) -> np.ndarray:
        """True where every hard constraint holds."""
        return np.all(self.violation == 0, axis=1)


class _MinimizationView:
    """The problem as the solver sees it: minimization form, the solver protocol."""

    def __init__(self, problem: Problem, derivatives: bool = True):
        self._evaluate = problem._compiled.evaluate
        self.lower, self.upper = problem.lower, problem.upper
        self.kinds = problem.kinds
        self.n_obj, self.n_hard, self.n_soft = problem.n_obj, problem.n_hard, problem.n_soft
        self.soft_weights = problem.soft_weights
        if problem.conditional:  # the solver looks for 'active' only where variables are
            self.active = problem.active_at  # its own points: not checked
        function = problem.derivatives_function() if derivatives else None
        if function is not None:  # the solver looks for 'jacobian' only where it exists
            self._derivatives = function
            self._last: tuple[np.ndarray, tuple[np.ndarray, ...]] | None = None
            info = problem.derivatives
            self.equality = np.array([op == "==" for op in info.relations], dtype=bool)
            self.linear = np.array(info.linear, dtype=bool)
            self.tolerance = np.array(info.tolerances, dtype=float)
            self.jacobian = self._jacobian
            self.constraint_residuals = self._residuals

    def evaluate(self, X: np.ndarray, /) -> Evaluation:
        from mooc.solver.problem import Evaluation

        F, G, S = self._evaluate(np.ascontiguousarray(X, dtype=float))
        return Evaluation(F=F, hard=G, soft=S)

    def _computed(self, X: np.ndarray) -> tuple[np.ndarray, ...]:
        """F, R, JF, JR at X: one call for the residuals and the Jacobian of the same points."""
        if self._last is not None and self._last[0].shape == X.shape and \
                np.array_equal(self._last[0], X, equal_nan=True):
            return self._last[1]
        values = self._derivatives(np.ascontiguousarray(X, dtype=float))
        self._last = (np.array(X, dtype=float), values)
        return values  # type: ignore[no-any-return]

    def _jacobian(self, X: np.ndarray, /) -> tuple[np.ndarray, np.ndarray]:
        _, _, JF, JR = self._computed(X)
        return JF, JR

    def _residuals(self, X: np.ndarray, /) -> np.ndarray:
        return self._computed(X)[1]


class Problem:
    """A compiled .moo model.

    Examples
    --------
    >>> import mooc, numpy as np
    >>> problem = mooc.compile("var x in [0, 2]\\nminimize f: x^2\\nmaximize g: x")
    >>> problem.evaluate(np.array([[1.5]])).F.tolist()
    [[2.25, 1.5]]
    """

    def __init__(self, compiled: CompiledModel, *, path: str | None = None,
                 params: dict[str, Any] | None = None, allow_extern: bool = False,
                 data: list[Any] | None = None):
        from mooc.extern_calls import located
        from mooc.externs import ExternRunner

        self._compiled = compiled
        layout, code = compiled.layout, compiled.code
        #: the externs, with the file of their code as it is now (a checkpoint records it)
        self.externs = tuple(located(spec) for spec in layout.externs)
        self.allow_extern = allow_extern
        self.extern_runner = ExternRunner({s.name: s for s in self.externs}, allowed=allow_extern)
        if self.externs:
            compiled.evaluate.__globals__["_extern_runner"] = self.extern_runner  # type: ignore[attr-defined]
        self.path = path
        self.overrides = dict(params or {})
        self.name, self.title = layout.name, layout.title or layout.name
        self.source = layout.source.text
        blocks = layout.variables
        self.variable_names = tuple(n for b in blocks for n in b.element_names())
        self.kinds = tuple(b.kind for b in blocks for _ in range(b.size))
        self.lower = np.concatenate([b.lower for b in blocks])
        self.upper = np.concatenate([b.upper for b in blocks])
        self.labels = {b.name: b.labels for b in blocks if b.kind == "choice"}
        #: Each choice variable's column and its labels (the value is the label's index).
        self.choice_labels = {b.first_column + k: b.labels for b in blocks
                              if b.kind == "choice" for k in range(b.size)}
        self.objective_names = tuple(code.objective_names)
        self.senses = tuple(code.senses)
        self.constraint_names = tuple(code.hard_names)
        self.soft_constraint_names = tuple(code.soft_names)
        self.soft_weights = code.soft_weights
        self.settings = dict(layout.settings)
        self.method = layout.method  # the solver block's: auto, exact, nsga2 or nsga3
        #: what the compiler made of the model that its author should know, in words
        #: (constraints that pin an expression, treated as an equality)
        self.notes = tuple(layout.notes)
        self._structure: Any = None
        self.params = dict(layout.params)
        #: the named sets and their labels
        self.sets = dict(layout.sets)
        #: the data given (files as absolute paths, and dicts), to repeat or resume the run
        self.data = list(data or [])
        self.conditional = layout.conditional

    n_var = property(lambda self: len(self.variable_names))
    n_obj = property(lambda self: len(self.objective_names))
    n_hard = property(lambda self: len(self.constraint_names))
    n_soft = property(lambda self: len(self.soft_constraint_names))
    maximize = property(lambda self: np.array([s == "maximize" for s in self.senses]))

    @property
    def python_source(self) -> str:
        """The generated numpy source of :meth:`evaluate` and of the derivatives (generated now
        if they were not yet)."""
        if not self.externs:
            self.derivatives  # noqa: B018 - generates them
        return self._compiled.code.source

    @property
    def model_hash(self) -> str:
        """A hash of the model's text with its param values (and sets' labels): outputs and
        checkpoints record it, and a rerun or resume checks it."""
        from mooc.result import model_hash

        values: dict[str, Any] = dict(self.params)
        values.update({f"set {name}": list(labels) for name, labels in self.sets.items()})
        return model_hash(self.source, values)

    @property
    def structure(self) -> Any:
        """The model's structure, found once: a :class:`mooc.dsl.structure.LinearModel` (its
        matrices) or :class:`mooc.dsl.structure.NotLinear` (why not)."""
        if self._structure is None:
            plain = self._compiled.layout.structure
            if plain is not None:  # found when compiled (and kept by the cache)
                from mooc.dsl.linear_form import from_plain

                self._structure = from_plain(plain)
            else:
                from mooc.dsl.structure import analyze

                self._structure = analyze(self._compiled.lowered)
        return self._structure

    @property
    def compile_seconds(self) -> float:
        return self._compiled.compile_seconds

    def check_externs_allowed(self) -> None:
        """Raise ExternNotAllowed, at the first extern's declaration, unless allowed."""
        from mooc.externs import ExternNotAllowed, refusal

        if self.externs and not self.allow_extern:
            raise ExternNotAllowed(refusal(self.externs), self._compiled.layout.extern_spans[0])

    def check_externs_load(self) -> None:
        """Raise ExternNotLoaded, at its declaration, for a python extern whose function cannot
        be imported: every call would fail, so a run stops before it starts."""
        from mooc.externs import ExternNotLoaded, load_failure

        for spec, span in zip(self.externs, self._compiled.layout.extern_spans, strict=True):
            reason = load_failure(spec)
            if reason is not None:
                raise ExternNotLoaded(f"extern '{spec.name}' cannot load {spec.target!r}: "
                                      f"{reason}", span)

    @property
    def derivatives(self) -> Any:
        """What is known of the model's derivatives: whether they were generated (else
        ``reason``), and per let, objective and constraint where they do not exist or are
        not used (``notes``); see :mod:`mooc.dsl.derivatives`. Generated the first time they
        are wanted (and kept by the compile cache)."""
        info = self._compiled.code.derivatives
        if info is None:
            from mooc.dsl.compiler import add_derivatives_to

            info = add_derivatives_to(self._compiled)
        return info

    def derivatives_function(self) -> Any:
        """``derivatives(X) -> (F, R, JF, JR)``: objectives (minimization form), signed
        hard-constraint residuals and their Jacobians; None when the model has none to give
        (or calls an extern, a black box)."""
        if not hasattr(self, "_derivatives_made"):
            self._derivatives_made = None
            if self.externs:  # a black box: no derivatives, and no time spent on them
                return None
            info = self.derivatives
            make = self._compiled.evaluate.__globals__.get("_make_derivatives")
            if make is not None:
                try:
                    self._derivatives_made = make()
                except Exception as error:  # noqa: BLE001 - derivatives are optional
                    info.available = False
                    info.reason = f"their setup failed: {error}"
        return self._derivatives_made

    def jacobian(self, X: Any, /) -> tuple[np.ndarray, np.ndarray]:
        """The Jacobians at the points X (N, n_var): of the objectives, in the user's
        directions (N, n_obj, n_var), and of the hard constraints' signed residuals (N, n_hard,
        n_var): ``lhs - rhs`` for ``<=`` and ``==``, ``rhs - lhs`` for ``>=``. Derivatives
        with respect to integer, binary and choice variables are formal (see
        :attr:`derivatives`)."""
        function = self.derivatives_function()
        if function is None:
            from mooc.errors import UsageError

            reason = self.derivatives.reason or "it calls an extern (a black box)"
            raise UsageError(f"the model '{self.name}' has no derivatives: {reason}")
        _, _, JF, JR = function(self._points(X))
        return np.where(self.maximize[None, :, None], -JF, JF), JR

    def as_solver_problem(self, *, derivatives: bool = True) -> _MinimizationView:
        """This problem in the solver's protocol (objectives in minimization form), offering
        its Jacobian where it has derivatives, unless ``derivatives`` is False (a run that
        neither takes gradient steps nor projects: :func:`mooc.chain.derivative_uses`; then
        none are generated)."""
        return _MinimizationView(self, derivatives)

    def active(self, X: Any, /) -> np.ndarray:
        """Mask (N, n_var): True where a variable exists at a point of X (always, but for
        variables declared with ``when``)."""
        return self.active_at(self._points(X))

    def active_at(self, points: np.ndarray, /) -> np.ndarray:
        """:meth:`active` at ``points`` already in the solver's form (float, shape (N, n_var)),
        not checked against the domain: for points a run made."""
        if not self.conditional:
            return np.ones(points.shape, dtype=bool)
        return self._compiled.evaluate.__globals__["active"](  # type: ignore[attr-defined, no-any-return]
            np.ascontiguousarray(points, dtype=float))

    def _points(self, X: Any) -> np.ndarray:
        """The user's points X in the solver's form, each value checked against its
        variable's domain (a UsageError naming the first that is not)."""
        from mooc.points import user_points

        return np.ascontiguousarray(user_points(self, X))

    def evaluate(self, X: Any, /) -> ModelEvaluation:
        """Evaluate a population X of shape (N, n_var) (choice variables as labels or label
        indices; NaN or None for a variable declared with ``when`` where it does not exist);
        F comes back in the user's directions. A value outside its variable's domain (out of
        bounds, not whole for an integer, binary or choice variable, NaN where the variable
        exists) raises a UsageError naming the row and the variable; one a rounding error
        (relative 1e-12) off is moved in. A violation that could not be evaluated (``sqrt(x -
        2) <= 1`` at x = 1) is ``inf``, as a run reports it."""
        from mooc.solver.constraints import clean_violations

        self.check_externs_allowed()
        F, G, S = self._compiled.evaluate(self._points(X))  # type: ignore[operator]
        return ModelEvaluation(np.where(self.maximize, -F, F), clean_violations(G),
                               clean_violations(S))

    def solve(self, **options: Any) -> Any:
        """Find the Pareto front; options override the file's solver block.

        ``method``: ``auto`` (the default: the exact method for a linear model whose front it
        can prove, NSGA-II otherwise), ``exact`` or ``nsga2``. Exact: timeout and
        max_subproblems. NSGA-II: population, generations, max_evaluations, timeout, seed, constraints,
        crossover_eta, crossover_prob, mutation_eta, mutation_prob, penalty, epsilon,
        stall_generations, initial (points, choice variables by label), callback; workers and
        dask (for externs); checkpoint (a file to save the run to, see :func:`mooc.resume`; a
        second run on a file another run is writing is refused) and
        checkpoint_every (seconds); evaluations (True: keep every evaluation in memory; a
        .csv or .parquet path: stream them there) -- see :attr:`mooc.Result.evaluations`.
        """
        from mooc.solve import solve_problem

        return solve_problem(self, **options)

    def optimizer(self, **options: Any) -> Any:
        """An ask/tell :class:`mooc.optimizer.Optimizer` on this problem: you evaluate the points
        it asks for wherever you like and tell it their values. Takes the options of
        :meth:`solve` (not callback, workers, dask), and ``resume=True`` to go on from
        ``checkpoint``."""
        from mooc.optimizer import Optimizer

        return Optimizer(self, **options)

    def to_pymoo(self) -> Any:
        """This problem as a pymoo Problem (needs pymoo); see :mod:`mooc.pymoo_bridge`."""
        from mooc.pymoo_bridge import to_pymoo

        return to_pymoo(self)

    def __repr__(self) -> str:
        from mooc.table import counted

        return (f"<mooc.Problem {self.name!r}: {counted(self.n_var, 'variable')}, "
                f"{counted(self.n_obj, 'objective')}, {self.n_hard} hard and "
                f"{counted(self.n_soft, 'soft constraint')}>")
