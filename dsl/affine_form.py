"""The affine form of a family of expressions (see :mod:`mooc.dsl.affine`): a constant plus
terms ``coefs * x[cols]``, batched over the family's axes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Affine:
    """``const + (coefs * x[cols]).sum(-1)`` over a batch shape (``const.shape``)."""

    const: np.ndarray
    cols: np.ndarray
    coefs: np.ndarray

    @staticmethod
    def constant(value: object) -> Affine:
        const = np.asarray(value, dtype=float)
        return Affine(const, np.zeros(const.shape + (0,), np.intp), np.zeros(const.shape + (0,)))

    @staticmethod
    def column(cols: object, coefs: object = 1.0) -> Affine:
        cols_array = np.asarray(cols, dtype=np.intp)
        coefs_array = np.broadcast_to(np.asarray(coefs, dtype=float), cols_array.shape)
        return Affine(np.zeros(cols_array.shape), cols_array[..., None], coefs_array[..., None])

    @property
    def is_constant(self) -> bool:
        return self.cols.shape[-1] == 0 or not np.any(self.coefs)

    def __add__(self, other: Affine) -> Affine:
        shape = np.broadcast_shapes(self.const.shape, other.const.shape)
        parts = [(np.broadcast_to(a.cols, shape + a.cols.shape[-1:]),
                  np.broadcast_to(a.coefs, shape + a.coefs.shape[-1:])) for a in (self, other)]
        return Affine(self.const + other.const, np.concatenate([p[0] for p in parts], axis=-1),
                      np.concatenate([p[1] for p in parts], axis=-1))

    def scaled(self, factor: np.ndarray) -> Affine:
        return Affine(self.const * factor, np.broadcast_to(self.cols, np.broadcast_shapes(
            self.cols.shape, np.shape(factor) + (1,))), self.coefs * np.asarray(factor)[..., None])

    def summed(self, axis: tuple[int, ...], mask: np.ndarray | None) -> Affine:
        """Sum over the first batch axis (``axis`` is its index array's shape), where ``mask``
        holds: that axis's terms join the term axis."""
        form = self if mask is None else self.scaled(mask.astype(float))
        shape = np.broadcast_shapes(form.const.shape, axis)
        const = np.broadcast_to(form.const, shape).sum(axis=0)
        terms = shape + form.cols.shape[-1:]
        cols = np.moveaxis(np.broadcast_to(form.cols, terms), 0, -2).reshape(shape[1:] + (-1,))
        coefs = np.moveaxis(np.broadcast_to(form.coefs, terms), 0, -2).reshape(shape[1:] + (-1,))
        return Affine(const, cols, coefs)

    def take(self, offsets: tuple[np.ndarray, ...]) -> Affine:
        """Elements of a family's form at index arrays (offsets from the family's starts)."""
        return Affine(self.const[offsets], self.cols[offsets], self.coefs[offsets])


def full_form(form: Affine, shape: tuple[int, ...]) -> Affine:
    """A form broadcast to exactly the batch ``shape``."""
    terms = form.cols.shape[-1]
    return Affine(np.broadcast_to(form.const, shape).copy(),
                  np.broadcast_to(form.cols, shape + (terms,)),
                  np.broadcast_to(form.coefs, shape + (terms,)))
