/* Pareto ranks and crowding distances of two objectives in one pass, for mooc.solver.kernel's
 * ``fronts`` (part of mooc.solver._kernel; see solver/_kernel.c for the rules every function of
 * the kernel keeps: the numpy code's operations in the same order, every buffer checked). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "_buffers.h"
#include "_numpy_like.h"

/* Whether row a comes before row b sorted by the first objective, then the second, then
 * index (``F``: the rows of n x 2 objectives). */
static inline int by_objectives(const double *f, Py_ssize_t a, Py_ssize_t b) {
    if (f[2 * a] != f[2 * b]) return f[2 * a] < f[2 * b];
    if (f[2 * a + 1] != f[2 * b + 1]) return f[2 * a + 1] < f[2 * b + 1];
    return a < b;
}

/* Sort the n row indices of ``order`` as by_objectives orders them (a merge sort through
 * ``tmp``; ties are broken by index, so it is the only order there is). */
static void sort_rows(Py_ssize_t *order, Py_ssize_t *tmp, Py_ssize_t n, const double *F) {
    for (Py_ssize_t width = 1; width < n; width *= 2) {
        for (Py_ssize_t lo = 0; lo < n; lo += 2 * width) {
            Py_ssize_t mid = lo + width < n ? lo + width : n;
            Py_ssize_t hi = lo + 2 * width < n ? lo + 2 * width : n, a = lo, b = mid, out = lo;
            while (a < mid && b < hi)
                tmp[out++] = by_objectives(F, order[b], order[a]) ? order[b++] : order[a++];
            while (a < mid) tmp[out++] = order[a++];
            while (b < hi) tmp[out++] = order[b++];
        }
        memcpy(order, tmp, n * sizeof *order);
    }
}

/* Pareto ranks of the rows in ``order`` (sorted by sort_rows): each row joins the first front
 * whose last row (the least second objective so far) does not dominate it; those last rows'
 * second objectives rise from front to front, so the front is found by bisection. Equal rows
 * share a front. Returns the number of fronts; ``last`` is scratch of n indices. */
static Py_ssize_t pareto_ranks(const Py_ssize_t *order, Py_ssize_t n, const double *F,
                               int64_t *rank, Py_ssize_t *last) {
    Py_ssize_t fronts = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t p = order[i], lo = 0, hi = fronts;
        while (lo < hi) { /* the first front whose last row q does not dominate p */
            Py_ssize_t mid = lo + (hi - lo) / 2, q = last[mid];
            int dominates = F[2 * q + 1] < F[2 * p + 1] ||
                            (F[2 * q + 1] == F[2 * p + 1] && F[2 * q] < F[2 * p]);
            if (dominates) lo = mid + 1;
            else hi = mid;
        }
        if (lo == fronts) fronts++;
        last[lo] = p;
        rank[p] = lo;
    }
    return fronts;
}

/* Crowding distance of the rows order[start..end] of one front sorted by the first objective,
 * as sorting._crowding_two_fronts computes it (halved values, no overflow). */
static void front_crowding(const Py_ssize_t *order, Py_ssize_t start, Py_ssize_t end,
                           const double *F, double *crowding) {
    double inverse[2];
    for (int j = 0; j < 2; j++) {
        double spread = fabs(F[2 * order[end] + j] * 0.5 - F[2 * order[start] + j] * 0.5);
        inverse[j] = 1.0 / at_least(spread, 1e-300);
    }
    for (Py_ssize_t i = start + 1; i < end; i++) {
        Py_ssize_t next = 2 * order[i + 1], previous = 2 * order[i - 1];
        double gap0 = fabs(F[next] * 0.5 - F[previous] * 0.5) * inverse[0];
        double gap1 = fabs(F[next + 1] * 0.5 - F[previous + 1] * 0.5) * inverse[1];
        crowding[order[i]] = gap0 + gap1;
    }
    crowding[order[start]] = crowding[order[end]] = INFINITY;
}

/* fronts(rank, crowding, F, needed) writes what selection.Ranking.of gives finite, feasible
 * rows of two objectives (n x 2): Pareto ranks, and the crowding distance within the first
 * fronts holding ``needed`` rows (0 beyond them). */
PyObject *mooc_fronts(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *objs[3];
    Py_ssize_t needed;
    if (!PyArg_ParseTuple(args, "OOOn", &objs[0], &objs[1], &objs[2], &needed)) return NULL;
    Py_buffer v[3];
    if (get_buffer(objs[0], &v[0], I64, -1, 1, "rank") < 0) return NULL;
    Py_ssize_t n = items(&v[0]);
    if (get_buffer(objs[1], &v[1], F64, n, 1, "crowding") < 0) return release(v, 1), NULL;
    if (get_buffer(objs[2], &v[2], F64, 2 * n, 0, "F") < 0) return release(v, 2), NULL;
    int64_t *rank = v[0].buf;
    double *crowding = v[1].buf;
    const double *F = v[2].buf;
    Py_ssize_t *order = PyMem_Malloc((3 * n + 1) * sizeof *order);
    if (order == NULL) return release(v, 3), PyErr_NoMemory();
    Py_ssize_t *tmp = order + n, *start = tmp + n; /* start: of each front, then its end */
    for (Py_ssize_t i = 0; i < n; i++) order[i] = i;
    sort_rows(order, tmp, n, F);
    Py_ssize_t count = pareto_ranks(order, n, F, rank, tmp);
    /* A stable counting sort by front: each front's rows stay sorted by the first objective. */
    memset(start, 0, (count + 1) * sizeof *start);
    for (Py_ssize_t i = 0; i < n; i++) start[rank[i] + 1]++;
    for (Py_ssize_t r = 0; r < count; r++) start[r + 1] += start[r];
    for (Py_ssize_t i = 0; i < n; i++) tmp[start[rank[order[i]]]++] = order[i];
    for (Py_ssize_t r = count; r > 0; r--) start[r] = start[r - 1]; /* back to the starts */
    start[0] = 0;
    needed = needed < n ? needed : n;
    for (Py_ssize_t i = 0; i < n; i++) crowding[i] = 0.0;
    for (Py_ssize_t r = 0; r < count; r++) { /* up to the front that reaches ``needed`` */
        front_crowding(tmp, start[r], start[r + 1] - 1, F, crowding);
        if (start[r + 1] >= needed) break;
    }
    PyMem_Free(order);
    release(v, 3);
    Py_RETURN_NONE;
}

