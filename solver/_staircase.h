/* Staircases of rows of two values, one per Pareto front of three objectives, for the sorting in
 * solver/_sorting.c (see solver/_staircase.c). */
#ifndef MOOC_STAIRCASE_H
#define MOOC_STAIRCASE_H
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

/* A step of a staircase: a row (x, y), a node of a treap ordered by x. */
typedef struct {
    double x, y;
    Py_ssize_t left, right;     /* -1: none */
    uint64_t priority;          /* a heap order on the priorities keeps the treap balanced */
} Step;

/* The steps of every staircase of one sorting. */
typedef struct {
    Step *steps;
    Py_ssize_t count, capacity; /* steps made, and room for them */
    Py_ssize_t *unused, unused_count; /* steps removed, made again first */
    uint64_t state;             /* of the generator of the priorities */
} Stairs;

/* Whether some step of the staircase at ``root`` (-1: empty) is <= p in both values. */
int stairs_dominate(const Stairs *s, Py_ssize_t root, const double *p);
/* Add p to the staircase at ``*root``, removing the steps it is <= in both values; -1 when out
 * of memory. */
int stairs_add(Stairs *s, Py_ssize_t *root, const double *p);
void stairs_free(Stairs *s);

#endif /* MOOC_STAIRCASE_H */
