/* Arithmetic as numpy's loops do it, for the kernel's C (solver/_kernel.c, _fronts_two.c). */
#ifndef MOOC_NUMPY_LIKE_H
#define MOOC_NUMPY_LIKE_H

/* np.maximum(x, bound) and np.minimum(x, bound) for a bound that is not NaN: x when x is NaN
 * or equals the bound, as numpy's loops give; without a branch (maxsd and minsd), as a branch
 * on random data is mispredicted half the time. */
static inline double at_least(double x, double bound) { return bound > x ? bound : x; }
static inline double at_most(double x, double bound) { return bound < x ? bound : x; }

#endif /* MOOC_NUMPY_LIKE_H */
