/* mooc.solver._kernel: optional compiled loops of NSGA-II's generation at small populations.
 *
 * Each function does in one pass over plain buffers what the numpy code of mooc.solver does
 * in several dozen whole-array calls, each of which costs microseconds of overhead at a
 * population of 100. The random numbers are drawn by the callers with numpy's Generator,
 * exactly as the numpy code draws them, and every formula below repeats the numpy code's
 * operations in the same order, so both give the same bits (see tests/solver/test_kernel.py).
 *
 * The module needs only the Python C API and the buffer protocol (no numpy headers). The
 * Python side (mooc.solver.kernel) hands in C-contiguous arrays of the right dtypes; every
 * buffer's format, item size, length and writability is checked here again, and every index
 * read from a buffer is bounds-checked, so a wrong call raises instead of reading past an end.
 * Build without -ffast-math and without floating-point contraction (no fused multiply-adds):
 * setup.py passes -ffp-contract=off.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "_buffers.h"
#include "_numpy_like.h"

PyObject *mooc_fronts(PyObject *self, PyObject *args);       /* _fronts_two.c */
PyObject *mooc_sorted_ranks(PyObject *self, PyObject *args); /* _sorting.c */

/* ---- arithmetic as numpy does it ----------------------------------------------------------- */

/* mooc.solver.variation.power: ``base ** exponent`` by ``steps`` squarings (steps > 0) or
 * square roots (steps < 0), then a reciprocal for a negative exponent; by pow() when steps is
 * 0. The caller decides ``steps`` (variation.power_steps) so both paths take the same way. */
static inline double power(double base, double exponent, int steps) {
    if (steps == 0) return pow(base, exponent);
    double result = base;
    for (int i = 0; i < steps; i++) result = result * result;
    for (int i = 0; i > steps; i--) result = sqrt(result);
    return exponent < 0 ? 1.0 / result : result;
}

/* ---- simulated binary crossover ------------------------------------------------------------ */

/* x[i] = x[i] ** exponent for i < k, by power() (a loop per step: the compiler vectorizes it). */
static void power_all(double *x, Py_ssize_t k, double exponent, int steps) {
    if (steps == 0) {
        for (Py_ssize_t i = 0; i < k; i++) x[i] = pow(x[i], exponent);
        return;
    }
    for (int s = 0; s < steps; s++)
        for (Py_ssize_t i = 0; i < k; i++) x[i] = x[i] * x[i];
    for (int s = 0; s > steps; s--)
        for (Py_ssize_t i = 0; i < k; i++) x[i] = sqrt(x[i]);
    if (exponent < 0)
        for (Py_ssize_t i = 0; i < k; i++) x[i] = 1.0 / x[i];
}

/* 2**-23, variation._HALF_STEP (an exact quotient: not every C compiler reads hex floats). */
#define HALF_STEP (1.0 / 8388608.0)

/* The crossed variables are gathered and computed this many at a time, loop by loop. */
#define CHUNK 256

typedef struct {
    Py_ssize_t at[CHUNK];                         /* flat positions in the parents */
    double middle[CHUNK], half[CHUNK], uniform[CHUNK];
    double below[CHUNK], above[CHUNK], work[CHUNK]; /* the rooms, then the spreads */
} Crossed;

/* The spread from the middle towards one bound, as variation._crossed computes it: ``room``
 * (the rooms to that bound of the k variables) becomes the spreads. */
static void sbx_side(double *room, double *work, const Crossed *c, Py_ssize_t k, double eta_c,
                     int steps_c, double inv_c, int steps_inv) {
    for (Py_ssize_t i = 0; i < k; i++) work[i] = room[i] / c->half[i] + 1.0;
    power_all(work, k, eta_c, steps_c);
    for (Py_ssize_t i = 0; i < k; i++) {
        double scaled = (2.0 - work[i]) * c->uniform[i];
        work[i] = at_most(scaled, 1.0) / (2.0 - at_least(scaled, 1.0)); /* Deb's two branches */
    }
    power_all(work, k, inv_c, steps_inv);
    for (Py_ssize_t i = 0; i < k; i++) /* the children stay within the bounds */
        room[i] = at_most(work[i] * c->half[i], room[i] + c->half[i]);
}

/* Children of the k gathered variables, clipped to the bounds (m variables a row). */
static void sbx_flush(Crossed *c, Py_ssize_t k, double *child1, double *child2, const float *u,
                      const double *lower, const double *upper, Py_ssize_t m, double eta_c,
                      int steps_c, double inv_c, int steps_inv) {
    sbx_side(c->below, c->work, c, k, eta_c, steps_c, inv_c, steps_inv);
    sbx_side(c->above, c->work, c, k, eta_c, steps_c, inv_c, steps_inv);
    for (Py_ssize_t i = 0; i < k; i++) {
        Py_ssize_t at = c->at[i], j = at % m;
        double below = c->middle[i] - c->below[i], above = c->middle[i] + c->above[i];
        double children[2] = {below, above}; /* swapped: the child below is the second */
        int swap = u[at] >= 0.25f;
        child1[at] = at_most(at_least(children[swap], lower[j]), upper[j]);
        child2[at] = at_most(at_least(children[1 - swap], lower[j]), upper[j]);
    }
}

/* sbx(children, first, second, lower, upper, u, crosses, exponent, steps, inverse, steps_inv)
 * writes into ``children`` (2n x m) what simulated_binary_crossover returns for the n x m
 * parents; ``exponent`` is -(eta + 1) and ``inverse`` 1 / (eta + 1), with their power steps. */
static PyObject *sbx(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *objs[7];
    double eta_c, inv_c;
    int steps_c, steps_inv;
    if (!PyArg_ParseTuple(args, "OOOOOOOdidi", &objs[0], &objs[1], &objs[2], &objs[3],
                          &objs[4], &objs[5], &objs[6], &eta_c, &steps_c, &inv_c, &steps_inv))
        return NULL;
    Py_buffer v[7];
    if (get_buffer(objs[3], &v[0], F64, -1, 0, "lower") < 0) return NULL;
    Py_ssize_t m = items(&v[0]);
    if (get_buffer(objs[6], &v[1], BOOL, -1, 0, "crosses") < 0) return release(v, 1), NULL;
    Py_ssize_t n = items(&v[1]), size = product(n, m);
    if (size < 0) return release(v, 2), NULL;
    if (get_buffer(objs[4], &v[2], F64, m, 0, "upper") < 0) return release(v, 2), NULL;
    if (get_buffer(objs[1], &v[3], F64, size, 0, "first") < 0) return release(v, 3), NULL;
    if (get_buffer(objs[2], &v[4], F64, size, 0, "second") < 0) return release(v, 4), NULL;
    if (get_buffer(objs[5], &v[5], F32, size, 0, "u") < 0) return release(v, 5), NULL;
    if (get_buffer(objs[0], &v[6], F64, 2 * size, 1, "children") < 0) return release(v, 6), NULL;
    const double *lower = v[0].buf, *upper = v[2].buf, *first = v[3].buf, *second = v[4].buf;
    const char *crosses = v[1].buf;
    const float *u = v[5].buf;
    double *child1 = v[6].buf, *child2 = child1 + size;
    Crossed c;
    Py_ssize_t k = 0;
    for (Py_ssize_t row = 0, i = 0; row < n; row++) {
        for (Py_ssize_t j = 0; j < m; j++, i++) {
            double a = first[i], b = second[i];
            /* copied, unless crossed below */
            child1[i] = at_most(at_least(a, lower[j]), upper[j]);
            child2[i] = at_most(at_least(b, lower[j]), upper[j]);
            /* the lower and the upper parent; with a NaN parent the half gap is 0 or NaN */
            double y1 = b < a ? b : a, y2 = b > a ? b : a;
            double half = y2 * 0.5 - y1 * 0.5; /* halves: no overflow near the float range */
            /* gathered at k whether crossed or not (no branch), then counted if crossed */
            c.at[k] = i;
            c.below[k] = at_least(y1 - lower[j], 0.0); /* the rooms to the bounds */
            c.above[k] = at_least(upper[j] - y2, 0.0);
            c.half[k] = half;
            c.middle[k] = y1 + half;
            /* 4u less its whole part (the swap), half a step off 0 */
            c.uniform[k] = (double)u[i] * 4.0 - (u[i] >= 0.25f) + HALF_STEP;
            k += (u[i] < 0.5f) & (crosses[row] != 0) & (half > 0.5 * 1e-14);
            if (k == CHUNK) {
                sbx_flush(&c, k, child1, child2, u, lower, upper, m, eta_c, steps_c, inv_c,
                          steps_inv);
                k = 0;
            }
        }
    }
    if (k > 0)
        sbx_flush(&c, k, child1, child2, u, lower, upper, m, eta_c, steps_c, inv_c, steps_inv);
    release(v, 7);
    Py_RETURN_NONE;
}

/* ---- polynomial mutation ------------------------------------------------------------------- */

/* mutate(Z, lower, upper, positions, t, exponent, steps, inverse, steps_inv) moves the entries
 * of the flat C-contiguous ``Z`` (rows of m = len(lower)) at ``positions`` as
 * variation.polynomial_mutation does with the draws ``t``; ``exponent`` is eta + 1 and
 * ``inverse`` 1 / (eta + 1). The positions are those of variables with a positive span. */
static PyObject *mutate(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *objs[5];
    double eta_m, inv_m;
    int steps_m, steps_inv;
    if (!PyArg_ParseTuple(args, "OOOOOdidi", &objs[0], &objs[1], &objs[2], &objs[3], &objs[4],
                          &eta_m, &steps_m, &inv_m, &steps_inv))
        return NULL;
    Py_buffer v[5];
    if (get_buffer(objs[1], &v[0], F64, -1, 0, "lower") < 0) return NULL;
    Py_ssize_t m = items(&v[0]);
    if (get_buffer(objs[2], &v[1], F64, m, 0, "upper") < 0) return release(v, 1), NULL;
    if (get_buffer(objs[3], &v[2], I64, -1, 0, "positions") < 0) return release(v, 2), NULL;
    Py_ssize_t k = items(&v[2]);
    if (get_buffer(objs[4], &v[3], F64, k, 0, "t") < 0) return release(v, 3), NULL;
    if (get_buffer(objs[0], &v[4], F64, -1, 1, "Z") < 0) return release(v, 4), NULL;
    const double *lower = v[0].buf, *upper = v[1].buf, *t = v[3].buf;
    const int64_t *positions = v[2].buf;
    double *Z = v[4].buf;
    Py_ssize_t size = items(&v[4]);
    if (m == 0 ? size != 0 || k != 0 : size % m != 0) {
        release(v, 5);
        PyErr_SetString(PyExc_ValueError, "Z does not hold whole rows of len(lower) values");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < k; i++) {
        if (positions[i] < 0 || positions[i] >= size) {
            release(v, 5);
            PyErr_SetString(PyExc_IndexError, "a mutation position is outside Z");
            return NULL;
        }
    }
    for (Py_ssize_t i = 0; i < k; i++) {
        Py_ssize_t at = (Py_ssize_t)positions[i], j = at % m;
        double low = lower[j], high = upper[j], span = high - low, y = Z[at];
        double side = copysign(1.0, t[i]), share = 1.0 - fabs(t[i]);
        double far = y - low; /* 1 - room / span: the distance to the other bound */
        far /= span;
        far -= 0.5;
        far *= side;
        far += 0.5;
        double blend = power(far, eta_m, steps_m);
        blend *= 1.0 - share;
        blend += share;
        double step = 1.0 - power(blend, inv_m, steps_inv);
        step *= side;
        step *= span;
        step += y;
        Z[at] = at_most(at_least(step, low), high);
    }
    release(v, 5);
    Py_RETURN_NONE;
}

/* ---- crowded binary tournament ------------------------------------------------------------- */

/* tournament(winners, pairs, objectives, crowding, rank, feasible, all_feasible, coins) writes
 * the winner of each pair of rows (pairs: w x 2) as selection.binary_tournament decides it. */
static PyObject *tournament(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *objs[7];
    int all_feasible;
    if (!PyArg_ParseTuple(args, "OOOOOOpO", &objs[0], &objs[1], &objs[2], &objs[3], &objs[4],
                          &objs[5], &all_feasible, &objs[6]))
        return NULL;
    Py_buffer v[7];
    if (get_buffer(objs[3], &v[0], F64, -1, 0, "crowding") < 0) return NULL;
    Py_ssize_t n = items(&v[0]);
    if (get_buffer(objs[6], &v[1], F64, -1, 0, "coins") < 0) return release(v, 1), NULL;
    Py_ssize_t w = items(&v[1]);
    if (get_buffer(objs[0], &v[2], I64, w, 1, "winners") < 0) return release(v, 2), NULL;
    if (get_buffer(objs[1], &v[3], I64, 2 * w, 0, "pairs") < 0) return release(v, 3), NULL;
    if (get_buffer(objs[2], &v[4], F64, -1, 0, "objectives") < 0) return release(v, 4), NULL;
    if (get_buffer(objs[4], &v[5], I64, n, 0, "rank") < 0) return release(v, 5), NULL;
    if (get_buffer(objs[5], &v[6], BOOL, n, 0, "feasible") < 0) return release(v, 6), NULL;
    Py_ssize_t k = n ? items(&v[4]) / n : 0;
    const int64_t *pairs = v[3].buf, *rank = v[5].buf;
    const double *F = v[4].buf, *crowding = v[0].buf, *coins = v[1].buf;
    const char *feasible = v[6].buf;
    int64_t *winners = v[2].buf;
    if (items(&v[4]) != n * k) {
        release(v, 7);
        PyErr_SetString(PyExc_ValueError, "objectives do not hold whole rows for each row");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < 2 * w; i++) {
        if (pairs[i] < 0 || pairs[i] >= n) {
            release(v, 7);
            PyErr_SetString(PyExc_IndexError, "a contestant is outside the population");
            return NULL;
        }
    }
    for (Py_ssize_t i = 0; i < w; i++) {
        int64_t a = pairs[2 * i], b = pairs[2 * i + 1];
        int first_better, undecided;
        if (all_feasible || (feasible[a] && feasible[b])) { /* by dominance */
            int better = 0, worse = 0;
            for (Py_ssize_t j = 0; j < k; j++) {
                better |= F[a * k + j] < F[b * k + j]; /* compared, never subtracted */
                worse |= F[a * k + j] > F[b * k + j];
            }
            first_better = better > worse;
            undecided = better == worse;
        } else { /* by constrained rank */
            first_better = rank[a] < rank[b];
            undecided = rank[a] == rank[b];
        }
        int first_wins = first_better || (undecided && crowding[a] > crowding[b]) ||
                         (undecided && crowding[a] == crowding[b] && coins[i] < 0.5);
        winners[i] = first_wins ? a : b;
    }
    release(v, 7);
    Py_RETURN_NONE;
}

/* ---- row hashes ----------------------------------------------------------------------------- */

/* row_hashes(hashes, X, salts) writes evaluated.row_hashes(X) for the n x m ``X`` into
 * ``hashes`` (n uint64) with the m odd ``salts``: unsigned arithmetic wraps, as numpy's does. */
static PyObject *row_hashes(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *objs[3];
    if (!PyArg_ParseTuple(args, "OOO", &objs[0], &objs[1], &objs[2])) return NULL;
    Py_buffer v[3];
    if (get_buffer(objs[0], &v[0], U64, -1, 1, "hashes") < 0) return NULL;
    if (get_buffer(objs[2], &v[1], U64, -1, 0, "salts") < 0) return release(v, 1), NULL;
    Py_ssize_t n = items(&v[0]), m = items(&v[1]), size = product(n, m);
    if (size < 0) return release(v, 2), NULL;
    if (get_buffer(objs[1], &v[2], F64, size, 0, "X") < 0) return release(v, 2), NULL;
    uint64_t *hashes = v[0].buf;
    const uint64_t *salts = v[1].buf;
    const double *X = v[2].buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        uint64_t sum = 0;
        for (Py_ssize_t j = 0; j < m; j++) {
            double value = X[i * m + j] + 0.0; /* -0.0 becomes 0.0 */
            uint64_t bits;
            memcpy(&bits, &value, sizeof bits);
            bits ^= bits >> 32;
            sum += bits * salts[j];
        }
        hashes[i] = sum;
    }
    release(v, 3);
    Py_RETURN_NONE;
}

/* found_in(found, hashes, runs) sets found[i] where hashes[i] is in one of the sorted uint64
 * arrays of the list ``runs`` (evaluated.EvaluatedRows.contains: a bisection in each run). */
static PyObject *found_in(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *objs[2], *runs;
    if (!PyArg_ParseTuple(args, "OOO!", &objs[0], &objs[1], &PyList_Type, &runs)) return NULL;
    Py_buffer v[3];
    if (get_buffer(objs[1], &v[0], U64, -1, 0, "hashes") < 0) return NULL;
    Py_ssize_t n = items(&v[0]);
    if (get_buffer(objs[0], &v[1], BOOL, n, 1, "found") < 0) return release(v, 1), NULL;
    const uint64_t *hashes = v[0].buf;
    char *found = v[1].buf;
    for (Py_ssize_t r = 0; r < PyList_GET_SIZE(runs); r++) {
        if (get_buffer(PyList_GET_ITEM(runs, r), &v[2], U64, -1, 0, "a run") < 0)
            return release(v, 2), NULL;
        const uint64_t *run = v[2].buf;
        Py_ssize_t size = items(&v[2]);
        for (Py_ssize_t i = 0; i < n && size > 0; i++) {
            /* The first element not less than the hash is base or base + 1 when one is left:
             * a bisection without branches (a conditional move), as the hashes are random. */
            const uint64_t *base = run;
            for (Py_ssize_t left = size; left > 1; left -= left / 2)
                base = base[left / 2] < hashes[i] ? base + left / 2 : base;
            base += *base < hashes[i];
            found[i] |= base < run + size && *base == hashes[i];
        }
        PyBuffer_Release(&v[2]);
    }
    release(v, 2);
    Py_RETURN_NONE;
}

/* ---- the module ----------------------------------------------------------------------------- */

static PyMethodDef methods[] = {
    {"sbx", sbx, METH_VARARGS, "Simulated binary crossover of pairs of rows (see source)."},
    {"mutate", mutate, METH_VARARGS, "Polynomial mutation at given positions (see source)."},
    {"tournament", tournament, METH_VARARGS, "Winners of crowded binary tournaments."},
    {"row_hashes", row_hashes, METH_VARARGS, "64-bit hashes of the rows of a float array."},
    {"found_in", found_in, METH_VARARGS, "Which hashes are in some sorted run."},
    {"fronts", mooc_fronts, METH_VARARGS, "Pareto ranks and crowding of two objectives."},
    {"sorted_ranks", mooc_sorted_ranks, METH_VARARGS, "Pareto ranks of many objectives."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_kernel",
    "Compiled loops of NSGA-II's generation; see mooc.solver.kernel.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__kernel(void) { return PyModule_Create(&module); }
