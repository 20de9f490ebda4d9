/* Where to split a node of the k-d trees in solver/_dominance_tree.c.
 *
 * A median split halves a node's rows unless values tie. Ties are common in the values of a
 * front (a front that is a curve, integer objectives), and a split that leaves one row on one
 * side makes a tree as deep as it has rows; so each dimension's median split is counted and
 * the most even one taken, the widest of those about as even (on continuous values every
 * dimension halves, and the widest keeps the cells square).
 */
#include <math.h>

#include "_kd_split.h"

/* Splits within this fraction of the most even are as good (the widest of them is taken). */
#define EVEN_ENOUGH 0.875

/* The k-th least of the ``size`` values (0 <= k < size), which it reorders (Hoare's select). */
static double select_kth(double *values, Py_ssize_t size, Py_ssize_t k) {
    Py_ssize_t low = 0, high = size - 1;
    while (low < high) {
        double pivot = values[low + (high - low) / 2];
        Py_ssize_t i = low, j = high;
        while (i <= j) {
            while (values[i] < pivot) i++;
            while (values[j] > pivot) j--;
            if (i <= j) {
                double swap = values[i];
                values[i++] = values[j];
                values[j--] = swap;
            }
        }
        if (k <= j) high = j;
        else if (k >= i) low = i;
        else return values[k];
    }
    return values[k];
}

/* A median of the ``size`` values (reordered) with some value below it, or the least value
 * above it when the median is the least; the rows below it go left. ``*left`` counts them. */
static double median_split(double *values, Py_ssize_t size, Py_ssize_t *left) {
    double median = select_kth(values, size, size / 2), above = INFINITY;
    Py_ssize_t below = 0;
    for (Py_ssize_t i = 0; i < size; i++) {
        below += values[i] < median;
        above = values[i] > median && values[i] < above ? values[i] : above;
    }
    if (below) {
        *left = below;
        return median;
    }
    for (Py_ssize_t i = 0; i < size; i++) below += values[i] < above;
    *left = below;
    return above;
}

/* The median split of the block's values in ``dim`` (into ``values``): how many rows go left
 * of it (0 when all are equal), the value in ``*at``, the spread in ``*width``. */
static Py_ssize_t split_in(const double *rows, Py_ssize_t size, Py_ssize_t d, Py_ssize_t dim,
                           double *values, double *at, double *width) {
    double low = INFINITY, high = -INFINITY;
    for (Py_ssize_t i = 0; i < size; i++) {
        values[i] = rows[i * d + dim];
        low = values[i] < low ? values[i] : low;
        high = values[i] > high ? values[i] : high;
    }
    *width = high - low;
    if (!(high > low)) return 0; /* all equal in this dimension */
    Py_ssize_t left;
    *at = median_split(values, size, &left);
    return left < size - left ? left : size - left;
}

Py_ssize_t kd_choose_split(const double *rows, Py_ssize_t size, Py_ssize_t d, double *split) {
    double *values = PyMem_RawMalloc((size + 2 * d) * sizeof *values);
    Py_ssize_t *even = PyMem_RawMalloc(d * sizeof *even);
    if (values == NULL || even == NULL) return PyMem_RawFree(values), PyMem_RawFree(even), -2;
    double *width = values + size, *at = width + d;
    Py_ssize_t best = -1, most_even = 0;
    for (Py_ssize_t j = 0; j < d; j++) { /* the widest dimension first: it halves, mostly */
        double low = INFINITY, high = -INFINITY;
        for (Py_ssize_t i = 0; i < size; i++) {
            low = rows[i * d + j] < low ? rows[i * d + j] : low;
            high = rows[i * d + j] > high ? rows[i * d + j] : high;
        }
        width[j] = high - low;
        best = high > low && (best < 0 || width[j] > width[best]) ? j : best;
    }
    if (best >= 0 && split_in(rows, size, d, best, values, split, &width[best]) <
                         EVEN_ENOUGH * (size / 2)) {
        for (Py_ssize_t j = 0; j < d; j++) { /* ties: each dimension's median split */
            even[j] = width[j] > 0 ? split_in(rows, size, d, j, values, &at[j], &width[j]) : 0;
            most_even = even[j] > most_even ? even[j] : most_even;
        }
        best = -1;
        for (Py_ssize_t j = 0; j < d; j++) /* the widest of the about most even */
            if (even[j] > 0 && even[j] >= EVEN_ENOUGH * most_even &&
                (best < 0 || width[j] > width[best]))
                best = j;
        if (best >= 0) *split = at[best];
    }
    PyMem_RawFree(values);
    PyMem_RawFree(even);
    return best;
}
