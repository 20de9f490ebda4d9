/* Buffers for mooc's compiled loops (solver/_kernel.c, solver/_sorting.c): the checks every
 * function makes of the arrays it is handed (dtype, length, contiguity, writability). */
#ifndef MOOC_BUFFERS_H
#define MOOC_BUFFERS_H
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

/* ---- buffers ---------------------------------------------------------------------------- */

/* The kinds of buffer the functions take: the format characters numpy gives each dtype. */
typedef enum { F64, F32, BOOL, I64, U64 } Kind;

static inline int format_matches(const Py_buffer *view, Kind kind) {
    const char *f = view->format ? view->format : "B";
    if (*f == '@' || *f == '=' || *f == '<') f++; /* native order and size */
    if (f[0] == '\0' || f[1] != '\0') return 0;
    switch (kind) {
    case F64: return *f == 'd' && view->itemsize == 8;
    case F32: return *f == 'f' && view->itemsize == 4;
    case BOOL: return *f == '?' && view->itemsize == 1;
    case I64: return strchr("lqn", *f) != NULL && view->itemsize == 8;
    case U64: return strchr("LQN", *f) != NULL && view->itemsize == 8;
    }
    return 0;
}

/* Get a C-contiguous buffer of ``kind`` from ``obj``, holding ``length`` items (any number when
 * ``length`` is negative); on failure set an exception, release nothing and return -1. */
static inline int get_buffer(PyObject *obj, Py_buffer *view, Kind kind, Py_ssize_t length,
                             int writable, const char *name) {
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) < 0) return -1;
    if (!format_matches(view, kind)) {
        PyErr_Format(PyExc_TypeError, "%s has the wrong dtype (buffer format '%s')", name,
                     view->format ? view->format : "B");
        PyBuffer_Release(view);
        return -1;
    }
    if (length >= 0 && view->len != length * view->itemsize) {
        PyErr_Format(PyExc_ValueError, "%s holds %zd items, expected %zd", name,
                     view->len / view->itemsize, length);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

static inline Py_ssize_t items(const Py_buffer *view) { return view->len / view->itemsize; }

/* n * m items, or -1 with an exception set when no buffer could hold that many doubles. */
static inline Py_ssize_t product(Py_ssize_t n, Py_ssize_t m) {
    if (m > 0 && n > PY_SSIZE_T_MAX / 16 / m) {
        PyErr_SetString(PyExc_OverflowError, "too many rows times columns");
        return -1;
    }
    return n * m;
}

/* Release the first ``n`` of ``views``. */
static inline void release(Py_buffer *views, int n) {
    for (int i = 0; i < n; i++) PyBuffer_Release(&views[i]);
}

#endif /* MOOC_BUFFERS_H */
