"""The decision space: sampling points and moving between the problem's values and the
continuous encoding the variation operators work on.

Real variables are encoded as they are, log variables as ``log(x)``, integer variables as
their continuous relaxation on ``[lower - 0.5, upper + 0.5]`` (so rounding gives every integer
the same share, with no pile-up at the bounds). Binary and choice variables stay discrete. A
real or integer variable whose span is beyond the float range (``[-1e308, 1e308]``) is
encoded halved (exactly), so that spans, gaps and draws stay finite.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mooc.solver.problem import KINDS, Problem

_LARGEST = float(np.finfo(float).max)


def _doubled(Z: np.ndarray) -> np.ndarray:
    """2 * Z where that is a float, else the largest float of Z's sign (a halved value
    rounded up past half the largest float)."""
    inside = np.abs(Z) <= _LARGEST / 2
    return np.multiply(Z, 2.0, where=inside, out=np.copysign(np.full_like(Z, _LARGEST), Z))


@dataclass(frozen=True)
class VariableSpace:
    """Bounds and kinds of the decision variables, split into continuous and discrete columns.

    Examples
    --------
    >>> space = VariableSpace.of(np.array([0.0, 1.0, 0.0]), np.array([1.0, 100.0, 3.0]),
    ...                          ("real", "log", "choice"))
    >>> space.continuous.tolist(), space.discrete.tolist()
    ([0, 1], [2])
    """

    lower: np.ndarray
    upper: np.ndarray
    continuous: np.ndarray  # column indices of real, log and int variables
    encoded_lower: np.ndarray  # bounds of the continuous columns in the encoding
    encoded_upper: np.ndarray
    log: np.ndarray  # positions of the log variables among the continuous columns
    integer: np.ndarray  # positions of the int variables among the continuous columns
    discrete: np.ndarray  # column indices of bin and choice variables
    # positions among the continuous columns of the variables encoded as half their value
    halved: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.intp))

    @classmethod
    def of(cls, lower: np.ndarray, upper: np.ndarray, kinds: tuple[str, ...]) -> VariableSpace:
        """Build the space from bounds and kinds, checking log bounds are positive."""
        lower = np.asarray(lower, dtype=float)
        upper = np.asarray(upper, dtype=float)
        kind = np.array(kinds, dtype=object)
        unknown = sorted(set(kinds) - set(KINDS))
        if unknown:
            raise ValueError(f"unknown variable kind(s) {unknown}; expected one of {KINDS}")
        is_log = kind == "log"
        if np.any(lower[is_log] <= 0):
            raise ValueError("'lower' must be positive for every 'log' variable")
        is_int = kind == "int"
        continuous = np.flatnonzero((kind == "real") | is_log | is_int)
        discrete = np.flatnonzero((kind == "bin") | (kind == "choice"))
        encoded_lower = lower[continuous].copy()
        encoded_upper = upper[continuous].copy()
        log, integer = is_log[continuous], is_int[continuous]
        encoded_lower[log] = np.log(encoded_lower[log])
        encoded_upper[log] = np.log(encoded_upper[log])
        encoded_lower[integer] -= 0.5
        encoded_upper[integer] += 0.5
        # halved where the span is beyond the float range (the halves' difference never is)
        halved = np.flatnonzero(encoded_upper * 0.5 - encoded_lower * 0.5 > _LARGEST / 2)
        encoded_lower[halved] *= 0.5
        encoded_upper[halved] *= 0.5
        return cls(lower, upper, continuous, encoded_lower, encoded_upper, np.flatnonzero(log),
                   np.flatnonzero(integer), discrete, halved)

    @classmethod
    def of_problem(cls, problem: Problem) -> VariableSpace:
        """The space of ``problem``."""
        return cls.of(problem.lower, problem.upper, tuple(problem.kinds))

    @property
    def n_var(self) -> int:
        return int(self.lower.shape[0])

    def sample(self, n: int, /, *, rng: np.random.Generator) -> np.ndarray:
        """``n`` points drawn uniformly (log variables uniformly on the log scale)."""
        Z = rng.uniform(self.encoded_lower, self.encoded_upper, size=(n, self.continuous.size))
        X = np.empty((n, self.n_var))
        X[:, self.continuous] = self.decode(Z)
        low = self.lower[self.discrete].astype(np.int64)
        high = self.upper[self.discrete].astype(np.int64)
        X[:, self.discrete] = rng.integers(low, high, size=(n, self.discrete.size), endpoint=True)
        return X

    def encode(self, X: np.ndarray, /) -> np.ndarray:
        """The continuous columns of ``X`` in the encoding the operators vary (``X`` itself
        when every variable is real: do not write to the result)."""
        if self.continuous.size == self.n_var and not self.log.size and not self.halved.size:
            return X
        Z = X.take(self.continuous, axis=1)
        if self.log.size:
            Z[:, self.log] = np.log(Z[:, self.log])
        if self.halved.size:
            Z[:, self.halved] *= 0.5
        return Z

    def decode(self, Z: np.ndarray, /) -> np.ndarray:
        """Values of the continuous columns from their encoding (within the encoded bounds),
        in place: log columns exponentiated, halved ones doubled, integer columns rounded,
        all kept in bounds."""
        if self.halved.size:
            variables = self.continuous[self.halved]
            Z[:, self.halved] = np.clip(_doubled(Z[:, self.halved]), self.lower[variables],
                                        self.upper[variables])
        for columns, restore in ((self.log, np.exp), (self.integer, np.rint)):
            if columns.size:
                variables = self.continuous[columns]
                Z[:, columns] = np.clip(restore(Z[:, columns]), self.lower[variables],
                                        self.upper[variables])
        return Z

    def repair(self, X: np.ndarray, /) -> np.ndarray:
        """User points moved into the domain: clipped to bounds, integral kinds rounded."""
        X = np.array(X, dtype=float, ndmin=2)
        if X.shape[1] != self.n_var:
            raise ValueError(f"'initial' must have {self.n_var} columns, but has {X.shape[1]}")
        if not np.isfinite(X).all():
            raise ValueError("'initial' must contain only finite values")
        integral = np.ones(self.n_var, dtype=bool)
        integral[self.continuous] = False
        integral[self.continuous[self.integer]] = True
        X[:, integral] = np.rint(X[:, integral])
        return np.clip(X, self.lower, self.upper)
