/* Pareto ranks of three or more objectives, for mooc.solver.sorting (part of mooc.solver._kernel).
 *
 * The rows are taken in lexicographic order (by the first objective, ties by the second, ...),
 * so a row can be dominated only by rows before it, and it is dominated by an earlier row q
 * exactly when q is no worse in every objective after the first (q is a different row: equal
 * rows are consecutive and share their rank). Each row in turn finds its front by binary search
 * over the fronts made so far (efficient non-dominated sort, ENS-BS, after Zhang et al. 2015):
 * if some row of front k dominates it, some row of every front before k does too. Each front
 * keeps its rows' values after the first: a staircase of two values for three objectives
 * (solver/_staircase.c), a k-d tree for more (solver/_dominance_tree.c).
 *
 * A cap on the fronts kept serves survival, which needs only the first fronts holding half the
 * rows: a row that the last front kept dominates gets the cap as its rank, with no search and
 * no tree of the fronts after it.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "_buffers.h"
#include "_dominance_tree.h"
#include "_staircase.h"

/* ---- the order of the rows ------------------------------------------------------------------ */

/* -1, 0 or 1 as row a comes before, with or after row b lexicographically (m values each). */
static int compare_rows(const double *a, const double *b, Py_ssize_t m) {
    for (Py_ssize_t j = 0; j < m; j++)
        if (a[j] != b[j]) return a[j] < b[j] ? -1 : 1;
    return 0;
}

/* Sort order[0..k) by the rows of ``F`` (``stride`` values apart) lexicographically over their
 * first ``count`` values; a stable merge sort, ``work`` holding k / 2. */
static void sort_run(int64_t *order, int64_t *work, Py_ssize_t k, const double *F,
                     Py_ssize_t stride, Py_ssize_t count) {
    if (k < 12) { /* insertion sort */
        for (Py_ssize_t i = 1; i < k; i++) {
            int64_t row = order[i];
            Py_ssize_t j = i;
            for (; j > 0 && compare_rows(F + order[j - 1] * stride, F + row * stride, count) > 0;
                 j--)
                order[j] = order[j - 1];
            order[j] = row;
        }
        return;
    }
    Py_ssize_t half = k / 2;
    sort_run(order, work, half, F, stride, count);
    sort_run(order + half, work, k - half, F, stride, count);
    memcpy(work, order, half * sizeof *order);
    Py_ssize_t i = 0, j = half, out = 0;
    while (i < half && j < k) {
        int later = compare_rows(F + order[j] * stride, F + work[i] * stride, count) < 0;
        order[out++] = later ? order[j++] : work[i++];
    }
    while (i < half) order[out++] = work[i++];
}

/* ``order`` sorts the rows by their first value: sort each run of equal first values by the
 * others, so that ``order`` sorts the rows lexicographically; -1 when out of memory. */
static int sort_ties(int64_t *order, Py_ssize_t n, const double *F, Py_ssize_t m) {
    int64_t *work = NULL;
    for (Py_ssize_t start = 0, end; start < n; start = end) {
        for (end = start + 1; end < n && F[order[end] * m] == F[order[start] * m]; end++) {}
        if (end - start < 2) continue;
        if (work == NULL && (work = PyMem_RawMalloc((n / 2 + 1) * sizeof *work)) == NULL)
            return -1;
        sort_run(order + start, work, end - start, F + 1, m, m - 1);
    }
    PyMem_RawFree(work);
    return 0;
}

/* ---- the fronts ----------------------------------------------------------------------------- */

/* The fronts made so far, each a staircase (of three objectives) or a k-d tree (of more) of
 * its rows' values after the first. */
typedef struct {
    Py_ssize_t d;               /* values after the first */
    Stairs stairs;
    Forest forest;
    Py_ssize_t *stair;          /* each front's staircase (the root of its treap), or */
    Tree *tree;                 /* its tree */
    Py_ssize_t count;
} Fronts;

static int front_dominates(const Fronts *fronts, Py_ssize_t k, const double *p) {
    return fronts->d == 2 ? stairs_dominate(&fronts->stairs, fronts->stair[k], p)
                          : tree_dominates(&fronts->forest, &fronts->tree[k], p);
}

/* Add p to front k, which may be a new one after the last; -1 when out of memory. */
static int front_add(Fronts *fronts, Py_ssize_t k, const double *p) {
    if (k == fronts->count) {
        if (fronts->d == 2) fronts->stair[k] = -1;
        else if (!tree_new(&fronts->forest, &fronts->tree[k])) return -1;
        fronts->count++;
    }
    return fronts->d == 2 ? stairs_add(&fronts->stairs, &fronts->stair[k], p)
                          : tree_add(&fronts->forest, &fronts->tree[k], p);
}

/* ---- the ranks ------------------------------------------------------------------------------ */

/* Write the ranks of the n rows of F (m values each; ``order`` sorts them lexicographically)
 * into ``rank``, keeping the first ``cap`` fronts: a row after them gets the rank ``cap``
 * (checked first, by the last front kept). The number of fronts kept, or -1 when out of
 * memory. */
static Py_ssize_t ranks_in_order(Fronts *fronts, const double *F, Py_ssize_t n, Py_ssize_t m,
                                 const int64_t *order, Py_ssize_t cap, int64_t *rank) {
    double *sorted = PyMem_RawMalloc((n + 1) * m * sizeof *sorted); /* read in order: 3% faster */
    if (sorted == NULL) return -1;
    for (Py_ssize_t i = 0; i < n; i++) memcpy(sorted + i * m, F + order[i] * m, m * sizeof *F);
    for (Py_ssize_t i = 0; i < n; i++) {
        const double *row = sorted + i * m, *p = row + 1;
        if (i > 0 && compare_rows(row - m, row, m) == 0) { /* an equal row */
            rank[order[i]] = rank[order[i - 1]];
            continue;
        }
        Py_ssize_t low = 0, high = fronts->count; /* the first front not dominating p */
        if (high == cap && front_dominates(fronts, --high, p)) {
            rank[order[i]] = cap;
            continue;
        }
        while (low < high) {
            Py_ssize_t middle = low + (high - low) / 2;
            if (front_dominates(fronts, middle, p)) low = middle + 1;
            else high = middle;
        }
        if (front_add(fronts, low, p) < 0) return PyMem_RawFree(sorted), -1;
        rank[order[i]] = low;
    }
    PyMem_RawFree(sorted);
    return fronts->count;
}

/* A seed for the priorities of the staircases' treaps, different at each call (the time,
 * addresses that differ from run to run, a count of the calls). With a fixed seed the
 * priorities are known in advance, and rows of one front whose second objective ranks as the
 * priority each will get make the treap a path: the sort turned quadratic (35 s at 50,000
 * rows) and split and merge recursed as deep as the front has rows (a crash, on a thread's
 * smaller stack). The ranks do not depend on the seed. Called with the GIL held. */
static uint64_t treap_seed(const void *a, const void *b) {
    static uint64_t calls;
    uint64_t z = (0x9E3779B97F4A7C15u * ++calls) ^ (uint64_t)time(NULL) ^
                 ((uint64_t)clock() << 32) ^ (uint64_t)(uintptr_t)a ^
                 ((uint64_t)(uintptr_t)b << 21);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u; /* splitmix64's mixing */
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    z ^= z >> 31;
    return z ? z : 0x9E3779B97F4A7C15u; /* xorshift64 never leaves 0 */
}

/* sorted_ranks(rank, F, order, cap) writes the Pareto ranks (minimization) of the rows of F
 * (n x m, m >= 2, all finite) into ``rank``, ``cap`` for every rank from ``cap`` on (cap >= 1);
 * ``order`` (n indices) sorts the rows by their first value and is changed to sort them
 * lexicographically. Returns the number of fronts before ``cap``. */
PyObject *mooc_sorted_ranks(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *objs[3];
    Py_ssize_t cap;
    if (!PyArg_ParseTuple(args, "OOOn", &objs[0], &objs[1], &objs[2], &cap)) return NULL;
    if (cap < 1) {
        PyErr_SetString(PyExc_ValueError, "cap must be at least 1");
        return NULL;
    }
    Py_buffer v[3];
    if (get_buffer(objs[0], &v[0], I64, -1, 1, "rank") < 0) return NULL;
    Py_ssize_t n = items(&v[0]);
    if (get_buffer(objs[1], &v[1], F64, -1, 0, "F") < 0) return release(v, 1), NULL;
    if (get_buffer(objs[2], &v[2], I64, n, 1, "order") < 0) return release(v, 2), NULL;
    Py_ssize_t m = n ? items(&v[1]) / n : 2;
    if (m < 2 || items(&v[1]) != product(n, m)) {
        release(v, 3);
        PyErr_SetString(PyExc_ValueError, "F must hold a row of at least 2 values per rank");
        return NULL;
    }
    int64_t *order = v[2].buf;
    for (Py_ssize_t i = 0; i < n; i++)
        if (order[i] < 0 || order[i] >= n) {
            release(v, 3);
            PyErr_SetString(PyExc_IndexError, "order holds an index out of range");
            return NULL;
        }
    cap = cap < n ? cap : n;
    Fronts all = {m - 1, {NULL, 0, 0, NULL, 0, treap_seed(&all, v[1].buf)},
                  {m - 1, NULL, NULL, 0, 0, NULL, NULL, 0}, NULL, NULL, 0};
    Py_ssize_t fronts = -1;
    Py_BEGIN_ALLOW_THREADS
    if (all.d == 2) all.stair = PyMem_RawMalloc((cap + 1) * sizeof *all.stair); /* the one */
    else all.tree = PyMem_RawMalloc((cap + 1) * sizeof *all.tree);           /* kind used */
    if ((all.stair != NULL || all.tree != NULL) && sort_ties(order, n, v[1].buf, m) == 0)
        fronts = ranks_in_order(&all, v[1].buf, n, m, order, cap, v[0].buf);
    stairs_free(&all.stairs);
    forest_free(&all.forest);
    PyMem_RawFree(all.stair);
    PyMem_RawFree(all.tree);
    Py_END_ALLOW_THREADS
    release(v, 3);
    if (fronts < 0) return PyErr_NoMemory();
    return PyLong_FromSsize_t(fronts);
}
