/* Where to split a node of the k-d trees in solver/_dominance_tree.c (solver/_kd_split.c). */
#ifndef MOOC_KD_SPLIT_H
#define MOOC_KD_SPLIT_H
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* The value (``*split``) and the dimension of a split of ``size`` rows of ``d`` values that
 * leaves rows on both sides (those with a value < split go left): a median, in the dimension
 * whose median split is about the most even, the widest of those. -1 when the rows are all
 * equal, -2 when out of memory. */
Py_ssize_t kd_choose_split(const double *rows, Py_ssize_t size, Py_ssize_t d, double *split);

#endif /* MOOC_KD_SPLIT_H */
