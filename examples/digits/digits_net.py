"""Train a small neural network on scikit-learn's bundled digits data (no download) and return
its validation accuracy: the black-box objective of digits.moo."""

from __future__ import annotations

import warnings
from functools import lru_cache

from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits


@lru_cache(maxsize=1)
def _data():
    digits = load_digits()
    X = digits.data / 16.0
    return train_test_split(X, digits.target, test_size=0.3, random_state=0,
                            stratify=digits.target)


_data()  # loaded once per process; forked children inherit it


def accuracy(layers: int, units: int, learning_rate: float, alpha: float) -> dict[str, float]:
    """Validation accuracy of an MLP with ``layers`` hidden layers of ``units`` units each."""
    X_train, X_test, y_train, y_test = _data()
    network = MLPClassifier(hidden_layer_sizes=(int(units),) * int(layers),
                            learning_rate_init=float(learning_rate), alpha=float(alpha),
                            max_iter=40, random_state=0)
    with warnings.catch_warnings(), threadpool_limits(limits=1):  # one core per worker
        warnings.simplefilter("ignore", ConvergenceWarning)
        network.fit(X_train, y_train)
    return {"accuracy": float(network.score(X_test, y_test))}
