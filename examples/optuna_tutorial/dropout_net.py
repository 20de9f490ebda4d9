"""A small neural network in numpy (ReLU layers with dropout, trained with Adam) on
scikit-learn's bundled digits data (8x8 images, no download): the black-box objective of
tutorial.moo, Optuna's multi-objective tutorial with a width and a dropout rate for each layer
that exists.

mooc calls ``accuracy`` with ``units`` and ``dropout`` as lists of the layers that exist (a
conditional variable passes only its existing elements), so a one-layer network gets lists of
one.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

EPOCHS = 15
BATCH = 64
CLASSES = 10


@lru_cache(maxsize=1)
def _data():
    digits = load_digits()
    return train_test_split(digits.data / 16.0, digits.target, test_size=0.3, random_state=0,
                            stratify=digits.target)


_data()  # loaded once per process; forked children inherit it


def _forward(weights, biases, rates, X, rng):
    """Activations of every layer; with ``rng``, dropout on the hidden layers (inverted: kept
    units are scaled up, so prediction needs no rescaling)."""
    activations, masks = [X], []
    for k, (W, b) in enumerate(zip(weights, biases, strict=True)):
        z = activations[-1] @ W + b
        if k == len(weights) - 1:
            activations.append(z)
            break
        h = np.maximum(z, 0.0)
        mask = None
        if rng is not None:
            mask = (rng.random(h.shape) >= rates[k]) / (1.0 - rates[k])
            h = h * mask
        masks.append(mask)
        activations.append(h)
    return activations, masks


def _gradients(weights, biases, rates, X, y, rng):
    activations, masks = _forward(weights, biases, rates, X, rng)
    logits = activations[-1]
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    delta = probabilities
    delta[np.arange(len(y)), y] -= 1.0
    delta /= len(y)
    grads_w, grads_b = [], []
    for k in range(len(weights) - 1, -1, -1):
        grads_w.append(activations[k].T @ delta)
        grads_b.append(delta.sum(axis=0))
        if k:
            delta = (delta @ weights[k].T) * (activations[k] > 0) * masks[k - 1]
    return grads_w[::-1] + grads_b[::-1]


def accuracy(layers: int, units: list[int], dropout: list[float], lr: float) -> dict[str, float]:
    """Validation accuracy of a network with ``layers`` hidden ReLU layers of ``units[i]``
    units and dropout ``dropout[i]`` each, trained for a few epochs with Adam at rate ``lr``."""
    if len(units) != layers or len(dropout) != layers:
        raise ValueError(f"{layers} layers, but widths {units} and dropout {dropout}")
    X_train, X_test, y_train, y_test = _data()
    rng = np.random.default_rng(0)
    sizes = [X_train.shape[1], *units, CLASSES]
    weights = [rng.normal(0.0, np.sqrt(2.0 / n), (n, m)) for n, m in zip(sizes, sizes[1:], strict=False)]
    biases = [np.zeros(m) for m in sizes[1:]]
    params = weights + biases
    first = [np.zeros_like(p) for p in params]
    second = [np.zeros_like(p) for p in params]
    step = 0
    with threadpool_limits(limits=1), np.errstate(all="ignore"):  # one core per worker
        for _ in range(EPOCHS):
            order = rng.permutation(len(X_train))
            for start in range(0, len(order), BATCH):
                batch = order[start:start + BATCH]
                grads = _gradients(weights, biases, dropout, X_train[batch], y_train[batch], rng)
                step += 1
                for p, g, m, v in zip(params, grads, first, second, strict=True):
                    m *= 0.9
                    m += 0.1 * g
                    v *= 0.999
                    v += 0.001 * g * g
                    p -= lr * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
        logits = _forward(weights, biases, dropout, X_test, None)[0][-1]
    return {"accuracy": float(np.mean(np.argmax(logits, axis=1) == y_test))}
