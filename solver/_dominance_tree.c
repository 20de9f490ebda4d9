/* Trees of mutually non-dominated rows answering "does some row here dominate p?" (a
 * non-dominated tree, after Gustavsson and Syberfeldt 2018), for solver/_sorting.c.
 *
 * A tree is a k-d tree: leaves hold up to LEAF rows of d values; a full leaf splits at the
 * median of its widest value. Every node knows the least and the greatest of each value below
 * it, so a query skips every subtree whose least values are not all <= p's (and the right side
 * of a split above p's value), and a removal every subtree whose greatest are not all >= p's.
 *
 * A tree of two values keeps only rows no other row of it is <= (its minimal rows): adding p
 * first removes the rows p is <= in every value, which no later query needs. A front of a large
 * population holds few minimal rows in two values (about 50 of 1,500 at 3 objectives), so its
 * tree stays small and the sort 2x faster at 100,000 points; when more rows were removed than
 * remain, the tree is built again from its rows, balanced. With more values the minimal rows
 * are many more (about 2,000 of 9,000 at 5 objectives) and the search for the rows to remove
 * cost more than it saved, at 1,000 points as at 100,000 (benchmarks/solver_scaling.py): a
 * new row removes only the rows it covers in its own leaf (10% faster at 100,000 points).
 *
 * Every walk is a loop over an explicit stack (no recursion: a tree of tied values can be
 * deep). The functions may run without the GIL: they allocate with PyMem_Raw*.
 */
#include <math.h>
#include <string.h>

#include "_dominance_tree.h"

/* Rows a leaf holds before it splits. */
#define LEAF 16
/* Trees of at most this many values keep only their minimal rows (see above). */
#define PRUNED_UP_TO 2

/* ---- nodes ---------------------------------------------------------------------------------- */

static int reserve_nodes(Forest *f) {
    Py_ssize_t capacity = 2 * f->capacity + 16, d = f->d;
    Node *nodes = PyMem_RawRealloc(f->nodes, capacity * sizeof *nodes);
    if (nodes == NULL) return -1;
    f->nodes = nodes;
    double *least = PyMem_RawRealloc(f->least, capacity * d * sizeof *least);
    if (least == NULL) return -1;
    f->least = least;
    double *most = PyMem_RawRealloc(f->most, capacity * d * sizeof *most);
    if (most == NULL) return -1;
    f->most = most;
    Py_ssize_t *stack = PyMem_RawRealloc(f->stack, capacity * sizeof *stack);
    if (stack == NULL) return -1;
    f->stack = stack;
    Py_ssize_t *unused = PyMem_RawRealloc(f->unused, capacity * sizeof *unused);
    if (unused == NULL) return -1;
    f->unused = unused;
    f->capacity = capacity;
    return 0;
}

/* A new empty leaf (a dropped node when there is one), or -1 when out of memory. */
static Py_ssize_t new_leaf(Forest *f, Py_ssize_t parent) {
    Py_ssize_t at;
    if (f->unused_count) {
        at = f->unused[--f->unused_count];
    } else {
        if (f->count == f->capacity && reserve_nodes(f) < 0) return -1;
        at = f->count++;
        f->nodes[at].rows = NULL;
    }
    Node *node = &f->nodes[at];
    if (node->rows != NULL && node->limit != LEAF) { /* a grown leaf: start small again */
        PyMem_RawFree(node->rows);
        node->rows = NULL;
    }
    if (node->rows == NULL) {
        node->rows = PyMem_RawMalloc((LEAF + 1) * f->d * sizeof *node->rows);
        if (node->rows == NULL) return f->unused[f->unused_count++] = at, -1;
        node->limit = LEAF;
    }
    node->left = node->right = -1;
    node->parent = parent;
    node->size = 0;
    for (Py_ssize_t j = 0; j < f->d; j++) f->least[at * f->d + j] = INFINITY;
    for (Py_ssize_t j = 0; j < f->d; j++) f->most[at * f->d + j] = -INFINITY;
    return at;
}

/* Room for ``size`` rows in the leaf ``node``; -1 when out of memory. */
static int room_for(Node *node, Py_ssize_t size, Py_ssize_t d) {
    if (size <= node->limit + 1) return 0;
    Py_ssize_t limit = node->limit;
    while (limit + 1 < size) limit *= 2;
    double *rows = PyMem_RawRealloc(node->rows, (limit + 1) * d * sizeof *rows);
    if (rows == NULL) return -1;
    node->rows = rows;
    node->limit = limit;
    return 0;
}

static void widen_corners(Forest *f, Py_ssize_t at, const double *p) {
    double *least = f->least + at * f->d, *most = f->most + at * f->d;
    for (Py_ssize_t j = 0; j < f->d; j++) {
        least[j] = p[j] < least[j] ? p[j] : least[j];
        most[j] = p[j] > most[j] ? p[j] : most[j];
    }
}

/* The corners of node ``at`` from its rows (a leaf) or its children's corners. */
static void reset_corners(Forest *f, Py_ssize_t at) {
    Py_ssize_t d = f->d;
    const Node *node = &f->nodes[at];
    if (node->left < 0) {
        for (Py_ssize_t j = 0; j < d; j++) f->least[at * d + j] = INFINITY;
        for (Py_ssize_t j = 0; j < d; j++) f->most[at * d + j] = -INFINITY;
        for (Py_ssize_t i = 0; i < node->size; i++) widen_corners(f, at, node->rows + i * d);
        return;
    }
    const double *least[2] = {f->least + node->left * d, f->least + node->right * d};
    const double *most[2] = {f->most + node->left * d, f->most + node->right * d};
    for (Py_ssize_t j = 0; j < d; j++) { /* an empty child's corners are +inf and -inf */
        f->least[at * d + j] = least[0][j] < least[1][j] ? least[0][j] : least[1][j];
        f->most[at * d + j] = most[0][j] > most[1][j] ? most[0][j] : most[1][j];
    }
}

/* ---- splitting ------------------------------------------------------------------------------ */

/* The value in which the ``size`` rows spread widest, or -1 when they are all equal. */
static Py_ssize_t widest(const double *rows, Py_ssize_t size, Py_ssize_t d) {
    Py_ssize_t best = -1;
    double width = 0.0;
    for (Py_ssize_t j = 0; j < d; j++) {
        double low = INFINITY, high = -INFINITY;
        for (Py_ssize_t i = 0; i < size; i++) {
            double x = rows[i * d + j];
            low = x < low ? x : low;
            high = x > high ? x : high;
        }
        if (high - low > width) width = high - low, best = j;
    }
    return best;
}

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

/* A value of ``dim`` near the rows' median such that some rows are below it (they go left)
 * and some are not (they go right), the rows not all being equal in ``dim``; NAN when out of
 * memory. */
static double median_split(const double *rows, Py_ssize_t size, Py_ssize_t d, Py_ssize_t dim) {
    double some[4 * LEAF];
    double *values = size <= 4 * LEAF ? some : PyMem_RawMalloc(size * sizeof *values);
    if (values == NULL) return NAN;
    for (Py_ssize_t i = 0; i < size; i++) values[i] = rows[i * d + dim];
    double median = select_kth(values, size, size / 2), above = INFINITY;
    int below = 0;
    for (Py_ssize_t i = 0; i < size; i++) {
        below |= values[i] < median;
        above = values[i] > median && values[i] < above ? values[i] : above;
    }
    if (values != some) PyMem_RawFree(values);
    return below ? median : above; /* the median is the least value: split above it */
}

/* Turn the leaf ``at`` into an inner node over two new leaves holding its rows, split at
 * ``split`` in ``dim``; -1 when out of memory. */
static int split_leaf(Forest *f, Py_ssize_t at, Py_ssize_t dim, double split) {
    Py_ssize_t d = f->d, left = new_leaf(f, at), right = left < 0 ? -1 : new_leaf(f, at);
    if (right < 0) return -1;
    Node *node = &f->nodes[at];
    for (Py_ssize_t i = 0; i < node->size; i++) {
        const double *p = node->rows + i * d;
        Py_ssize_t side = p[dim] < split ? left : right;
        Node *child = &f->nodes[side];
        if (room_for(child, child->size + 1, d) < 0) return -1;
        memcpy(child->rows + child->size++ * d, p, d * sizeof *p);
        widen_corners(f, side, p);
    }
    PyMem_RawFree(node->rows);
    node->rows = NULL;
    node->size = 0;
    node->left = left;
    node->right = right;
    node->dim = dim;
    node->split = split;
    return 0;
}

/* Split the leaf ``at`` if it holds more than ``most`` rows and they differ; -1 when out of
 * memory. */
static int split_if_over(Forest *f, Py_ssize_t at, Py_ssize_t most) {
    Node *node = &f->nodes[at];
    if (node->size <= most) return 0;
    Py_ssize_t dim = widest(node->rows, node->size, f->d);
    if (dim < 0) return room_for(node, 2 * node->limit, f->d); /* equal rows: let it grow */
    double split = median_split(node->rows, node->size, f->d, dim);
    return isnan(split) ? -1 : split_leaf(f, at, dim, split);
}

/* ---- trees ---------------------------------------------------------------------------------- */

int tree_new(Forest *f, Tree *tree) {
    tree->root = new_leaf(f, -1);
    tree->live = tree->removed = 0;
    return tree->root >= 0;
}

int tree_dominates(const Forest *f, const Tree *tree, const double *p) {
    Py_ssize_t top = 0, d = f->d;
    f->stack[top++] = tree->root;
    while (top) {
        Py_ssize_t at = f->stack[--top], j = 0;
        const double *least = f->least + at * d;
        while (j < d && least[j] <= p[j]) j++;
        if (j < d) continue;
        const Node *node = &f->nodes[at];
        if (node->left >= 0) {
            if (p[node->dim] >= node->split) f->stack[top++] = node->right;
            f->stack[top++] = node->left;
            continue;
        }
        for (Py_ssize_t i = 0; i < node->size; i++) { /* without a branch per value: faster */
            const double *q = node->rows + i * d;
            int below = 1;
            for (Py_ssize_t k = 0; k < d; k++) below &= q[k] <= p[k];
            if (below) return 1;
        }
    }
    return 0;
}

/* Remove from the leaf ``at`` the rows p is <= in every value, and set the corners of the leaf
 * (and, if ``above``, of the nodes above it) again; how many. */
static Py_ssize_t remove_from_leaf(Forest *f, Py_ssize_t at, const double *p, int above) {
    Node *node = &f->nodes[at];
    Py_ssize_t d = f->d, before = node->size;
    for (Py_ssize_t i = 0; i < node->size; i++) {
        double *q = node->rows + i * d;
        int covered = 1;
        for (Py_ssize_t k = 0; k < d; k++) covered &= p[k] <= q[k];
        if (!covered) continue;
        memcpy(q, node->rows + --node->size * d, d * sizeof *q); /* the last row takes its place */
        i--;
    }
    if (node->size < before)
        for (Py_ssize_t up = at; up >= 0; up = above ? f->nodes[up].parent : -1)
            reset_corners(f, up);
    return before - node->size;
}

/* Remove the rows p is <= in every value; how many. */
static Py_ssize_t remove_covered(Forest *f, const Tree *tree, const double *p) {
    Py_ssize_t top = 0, d = f->d, removed = 0;
    f->stack[top++] = tree->root;
    while (top) {
        Py_ssize_t at = f->stack[--top], j = 0;
        const double *most = f->most + at * d;
        while (j < d && p[j] <= most[j]) j++;
        if (j < d) continue;
        const Node *node = &f->nodes[at];
        if (node->left < 0) {
            removed += remove_from_leaf(f, at, p, 1);
            continue;
        }
        if (p[node->dim] < node->split) f->stack[top++] = node->left;
        f->stack[top++] = node->right;
    }
    return removed;
}

/* Add p to its leaf, widening the corners on the way down; in a tree of more than two values,
 * first remove the rows of that leaf p is <= in every value (a search of the whole tree for
 * them costs more than it saves; the corners above stay as wide as they were, which is safe).
 * How many rows it removed, or -1 when out of memory. */
static Py_ssize_t insert(Forest *f, Tree *tree, const double *p) {
    Py_ssize_t at = tree->root;
    for (;;) {
        Node *node = &f->nodes[at];
        if (node->left < 0) {
            Py_ssize_t removed = f->d > PRUNED_UP_TO ? remove_from_leaf(f, at, p, 0) : 0;
            widen_corners(f, at, p);
            if (room_for(node, node->size + 1, f->d) < 0) return -1;
            memcpy(node->rows + node->size++ * f->d, p, f->d * sizeof *p);
            return split_if_over(f, at, node->limit) < 0 ? -1 : removed;
        }
        widen_corners(f, at, p);
        at = p[node->dim] < node->split ? node->left : node->right;
    }
}

/* Build the tree again from its rows: split at medians down to leaves of at most LEAF rows,
 * with the old nodes made again first; -1 when out of memory. */
static int rebuild(Forest *f, Tree *tree) {
    Py_ssize_t d = f->d, top = 0, held = 0;
    double *rows = PyMem_RawMalloc((tree->live + 1) * d * sizeof *rows);
    if (rows == NULL) return -1;
    f->stack[top++] = tree->root; /* gather the rows and drop the nodes */
    while (top) {
        Py_ssize_t at = f->stack[--top];
        Node *node = &f->nodes[at];
        if (node->left >= 0) {
            f->stack[top++] = node->left;
            f->stack[top++] = node->right;
        } else {
            memcpy(rows + held * d, node->rows, node->size * d * sizeof *rows);
            held += node->size;
        }
        f->unused[f->unused_count++] = at;
    }
    tree->root = new_leaf(f, -1);
    int failed = tree->root < 0 || room_for(&f->nodes[tree->root], held, d) < 0;
    if (!failed) { /* one leaf with every row, then split leaves that are full, top down */
        memcpy(f->nodes[tree->root].rows, rows, held * d * sizeof *rows);
        f->nodes[tree->root].size = held;
        reset_corners(f, tree->root);
        f->stack[top++] = tree->root;
    }
    while (top && !failed) {
        Py_ssize_t at = f->stack[--top];
        failed = split_if_over(f, at, LEAF) < 0;
        if (!failed && f->nodes[at].left >= 0) {
            f->stack[top++] = f->nodes[at].left;
            f->stack[top++] = f->nodes[at].right;
        }
    }
    PyMem_RawFree(rows);
    tree->removed = 0;
    return failed ? -1 : 0;
}

int tree_add(Forest *f, Tree *tree, const double *p) {
    Py_ssize_t removed = f->d <= PRUNED_UP_TO && tree->live ? remove_covered(f, tree, p) : 0;
    Py_ssize_t dropped = insert(f, tree, p);
    if (dropped < 0) return -1;
    tree->live += 1 - removed - dropped;
    tree->removed += removed + dropped;
    return tree->removed > tree->live + LEAF ? rebuild(f, tree) : 0;
}

void forest_free(Forest *f) {
    for (Py_ssize_t i = 0; i < f->count; i++) PyMem_RawFree(f->nodes[i].rows);
    PyMem_RawFree(f->nodes);
    PyMem_RawFree(f->least);
    PyMem_RawFree(f->most);
    PyMem_RawFree(f->stack);
    PyMem_RawFree(f->unused);
}
