/* Trees of rows that answer "does some row here dominate p?", one per Pareto front of four or
 * more objectives, for the sorting in solver/_sorting.c (see solver/_dominance_tree.c). */
#ifndef MOOC_DOMINANCE_TREE_H
#define MOOC_DOMINANCE_TREE_H
#define PY_SSIZE_T_CLEAN
#include <Python.h>

typedef struct {
    Py_ssize_t left, right;     /* children: -1 in a leaf */
    Py_ssize_t parent;          /* -1 at a root */
    Py_ssize_t size, limit;     /* a leaf's rows, and how many it holds before it splits */
    Py_ssize_t room;            /* rows ``rows`` has room for (it grows as a leaf fills) */
    double *rows;               /* a leaf's rows, d values each (NULL in an inner node) */
    Py_ssize_t dim;             /* an inner node's objective */
    double split;               /* an inner node's rows with a value < split are on the left */
} Node;

/* The nodes of every tree (of every front) of one sorting. */
typedef struct {
    Py_ssize_t d;               /* values a row */
    Node *nodes;
    double *least;              /* d values a node: the least of each below it */
    Py_ssize_t count, capacity; /* nodes made, and room for them */
    Py_ssize_t *stack;          /* room for a walk down a tree: capacity */
    Py_ssize_t *unused, unused_count; /* nodes of dropped trees, made again first */
} Forest;

/* A tree: its root, its rows, how many were removed since it was built whole, how many were
 * ever added, and how many rows its rebuilt subtrees held in all. */
typedef struct {
    Py_ssize_t root, live, removed, added, rebuilt;
} Tree;

/* An empty tree (false when out of memory). */
int tree_new(Forest *f, Tree *tree);
/* Whether some row of the tree is <= p in every value. */
int tree_dominates(const Forest *f, const Tree *tree, const double *p);
/* Add p (removing rows p is <= in every value in the leaf it goes to); -1 when out of memory. */
int tree_add(Forest *f, Tree *tree, const double *p);
void forest_free(Forest *f);

#endif /* MOOC_DOMINANCE_TREE_H */
