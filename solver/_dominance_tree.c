/* Trees of mutually non-dominated rows answering "does some row here dominate p?" (a
 * non-dominated tree, after Gustavsson and Syberfeldt 2018), for the fronts of four or more
 * objectives in solver/_sorting.c (three have staircases, solver/_staircase.c).
 *
 * A tree is a k-d tree: leaves hold up to LEAF rows of d values; a full leaf splits at a median
 * (solver/_kd_split.c). Every node knows the least of each value below it, so a query skips
 * every subtree whose least values are not all <= p's (and the right side of a split above
 * p's value).
 *
 * Only a tree's minimal rows matter to the question (a row that another row of the tree is <=
 * in every value is never needed), but with three values or more they are many (about 2,000
 * of a front of 9,000 at 5 objectives) and a search of the tree for the rows a new row covers
 * cost more than it saved, at 1,000 points as at 100,000: a new row removes only those in the
 * leaf it goes to (10% faster at 100,000 points). When more rows were removed than remain,
 * the tree is built again. Rows that come in sorted along a front that is a curve would grow a
 * spine in a tree split only as its leaves fill; a scapegoat rule keeps the depth logarithmic.
 *
 * Every walk is a loop over an explicit stack (no recursion: a tree can be deep before it is
 * rebuilt). The functions may run without the GIL: they allocate with PyMem_Raw*.
 */
#include <math.h>
#include <string.h>

#include "_dominance_tree.h"
#include "_kd_split.h"

/* Rows a leaf holds before it splits. */
#define LEAF 16
/* A subtree is rebuilt when a branch of it holds more than this share of its rows (and a leaf
 * below it is too deep); 0.75 rebuilt 15% more often for no faster queries. */
#define BALANCE 0.8

/* ---- nodes ---------------------------------------------------------------------------------- */

static int reserve_nodes(Forest *f) {
    Py_ssize_t capacity = 2 * f->capacity + 16, d = f->d;
    Node *nodes = PyMem_RawRealloc(f->nodes, capacity * sizeof *nodes);
    if (nodes == NULL) return -1;
    f->nodes = nodes;
    double *least = PyMem_RawRealloc(f->least, capacity * d * sizeof *least);
    if (least == NULL) return -1;
    f->least = least;
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
        f->nodes[at].room = 0;
    }
    Node *node = &f->nodes[at]; /* its rows come with the first (one front of a row each is
                                 * common: a buffer of a full leaf for each cost 100s of MB) */
    node->left = node->right = -1;
    node->parent = parent;
    node->size = 0;
    node->limit = LEAF;
    for (Py_ssize_t j = 0; j < f->d; j++) f->least[at * f->d + j] = INFINITY;
    return at;
}

/* Room for ``size`` rows in the leaf ``node`` (twice as much as before, at least); -1 when out
 * of memory. */
static int room_for(Node *node, Py_ssize_t size, Py_ssize_t d) {
    if (size <= node->room) return 0;
    Py_ssize_t room = node->room ? 2 * node->room : 2;
    room = room < size ? size : room;
    double *rows = PyMem_RawRealloc(node->rows, room * d * sizeof *rows);
    if (rows == NULL) return -1;
    node->rows = rows;
    node->room = room;
    return 0;
}

static void widen_corners(Forest *f, Py_ssize_t at, const double *p) {
    double *least = f->least + at * f->d;
    for (Py_ssize_t j = 0; j < f->d; j++) least[j] = p[j] < least[j] ? p[j] : least[j];
}

/* The least values of node ``at`` from its rows (a leaf) or its children's. */
static void reset_corners(Forest *f, Py_ssize_t at) {
    Py_ssize_t d = f->d;
    const Node *node = &f->nodes[at];
    if (node->left < 0) {
        for (Py_ssize_t j = 0; j < d; j++) f->least[at * d + j] = INFINITY;
        for (Py_ssize_t i = 0; i < node->size; i++) widen_corners(f, at, node->rows + i * d);
        return;
    }
    const double *least[2] = {f->least + node->left * d, f->least + node->right * d};
    for (Py_ssize_t j = 0; j < d; j++) /* an empty child's are +inf */
        f->least[at * d + j] = least[0][j] < least[1][j] ? least[0][j] : least[1][j];
}

/* ---- splitting ------------------------------------------------------------------------------ */

/* Make the leaf ``node`` an inner node over ``left`` and ``right`` (split at ``split`` in
 * ``dim``), its rows gone. */
static void make_inner(Node *node, Py_ssize_t left, Py_ssize_t right, Py_ssize_t dim,
                       double split) {
    PyMem_RawFree(node->rows);
    node->rows = NULL;
    node->room = node->size = 0;
    node->left = left;
    node->right = right;
    node->dim = dim;
    node->split = split;
}

/* Turn the leaf ``at`` into an inner node over two new leaves holding its rows, split at
 * ``split`` in ``dim``; -1 when out of memory. */
static int split_leaf(Forest *f, Py_ssize_t at, Py_ssize_t dim, double split) {
    Py_ssize_t d = f->d, left = new_leaf(f, at), right = left < 0 ? -1 : new_leaf(f, at);
    if (right < 0) return -1;
    Node *node = &f->nodes[at];
    Py_ssize_t going_left = 0;
    for (Py_ssize_t i = 0; i < node->size; i++) going_left += node->rows[i * d + dim] < split;
    Py_ssize_t going_right = node->size - going_left; /* room for a full leaf, at least */
    if (room_for(&f->nodes[left], going_left > LEAF ? going_left + 1 : LEAF + 1, d) < 0 ||
        room_for(&f->nodes[right], going_right > LEAF ? going_right + 1 : LEAF + 1, d) < 0)
        return -1;
    for (Py_ssize_t i = 0; i < node->size; i++) {
        const double *p = node->rows + i * d;
        Py_ssize_t side = p[dim] < split ? left : right;
        Node *child = &f->nodes[side];
        memcpy(child->rows + child->size++ * d, p, d * sizeof *p);
        widen_corners(f, side, p);
    }
    make_inner(node, left, right, dim, split);
    return 0;
}

/* Split the leaf ``at`` if it holds more than ``most`` rows and they differ; -1 when out of
 * memory. */
static int split_if_over(Forest *f, Py_ssize_t at, Py_ssize_t most) {
    Node *node = &f->nodes[at];
    if (node->size <= most) return 0;
    double split;
    Py_ssize_t dim = kd_choose_split(node->rows, node->size, f->d, &split);
    if (dim == -2) return -1;
    if (dim < 0) { /* equal rows (none in a front's tree): let it grow */
        node->limit *= 2;
        return 0;
    }
    return split_leaf(f, at, dim, split);
}

/* ---- trees ---------------------------------------------------------------------------------- */

int tree_new(Forest *f, Tree *tree) {
    tree->root = new_leaf(f, -1);
    tree->live = tree->removed = tree->added = tree->rebuilt = 0;
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

/* Remove from the leaf ``at`` the rows p is <= in every value, and set its least values again
 * (those of the nodes above stay as low as they were, which is safe); how many. */
static Py_ssize_t remove_from_leaf(Forest *f, Py_ssize_t at, const double *p) {
    Node *node = &f->nodes[at];
    Py_ssize_t d = f->d, before = node->size;
    for (Py_ssize_t i = 0; i < node->size; i++) {
        double *q = node->rows + i * d;
        int covered = 1;
        for (Py_ssize_t k = 0; k < d; k++) covered &= p[k] <= q[k];
        if (!covered) continue;
        if (i < --node->size) memcpy(q, node->rows + node->size * d, d * sizeof *q); /* the last */
        i--;
    }
    if (node->size < before) reset_corners(f, at);
    return before - node->size;
}

/* Add p to its leaf (``*leaf``), lowering the least values on the way down, after removing
 * the rows of that leaf p is <= in every value; how many it removed, or -1 when out of memory. */
static Py_ssize_t insert(Forest *f, Tree *tree, const double *p, Py_ssize_t *leaf) {
    Py_ssize_t at = tree->root;
    for (;;) {
        Node *node = &f->nodes[at];
        if (node->left < 0) {
            Py_ssize_t removed = remove_from_leaf(f, at, p);
            widen_corners(f, at, p);
            if (room_for(node, node->size + 1, f->d) < 0) return -1;
            memcpy(node->rows + node->size++ * f->d, p, f->d * sizeof *p);
            *leaf = at;
            return split_if_over(f, at, node->limit) < 0 ? -1 : removed;
        }
        widen_corners(f, at, p);
        at = p[node->dim] < node->split ? node->left : node->right;
    }
}

/* The rows below node ``at``. */
static Py_ssize_t rows_below(const Forest *f, Py_ssize_t at) {
    Py_ssize_t top = 0, held = 0;
    f->stack[top++] = at;
    while (top) {
        const Node *node = &f->nodes[f->stack[--top]];
        if (node->left >= 0) {
            f->stack[top++] = node->left;
            f->stack[top++] = node->right;
        } else {
            held += node->size;
        }
    }
    return held;
}

/* Put first the rows of the block that go left of ``split`` in ``dim``; how many. */
static Py_ssize_t partition_rows(double *rows, Py_ssize_t size, Py_ssize_t d, Py_ssize_t dim,
                                 double split, double *swap) {
    Py_ssize_t left = 0;
    for (Py_ssize_t i = 0; i < size; i++) {
        if (!(rows[i * d + dim] < split)) continue;
        if (i != left) {
            memcpy(swap, rows + left * d, d * sizeof *swap);
            memcpy(rows + left * d, rows + i * d, d * sizeof *swap);
            memcpy(rows + i * d, swap, d * sizeof *swap);
        }
        left++;
    }
    return left;
}

/* Make the node ``at`` (with no children) a leaf of the ``size`` rows; -1 when out of memory. */
static int fill_leaf(Forest *f, Py_ssize_t at, const double *rows, Py_ssize_t size) {
    Node *node = &f->nodes[at];
    if (room_for(node, size, f->d) < 0) return -1;
    memcpy(node->rows, rows, size * f->d * sizeof *rows);
    node->size = size;
    reset_corners(f, at);
    return 0;
}

/* Build at ``at`` (a node with no children) the k-d tree of the ``size`` rows of ``rows``
 * (which it reorders): split at kd_choose_split's medians, partitioning the rows in place,
 * down to leaves of at most LEAF rows; -1 when out of memory. */
static int build(Forest *f, Py_ssize_t at, double *rows, Py_ssize_t size) {
    Py_ssize_t d = f->d, top = 0, inner = 0;
    Py_ssize_t *work = PyMem_RawMalloc((4 * size + 4) * sizeof *work); /* tasks, inner nodes */
    double *swap = PyMem_RawMalloc(d * sizeof *swap);
    int failed = work == NULL || swap == NULL;
    Py_ssize_t *tasks = work, *made = work + 3 * size + 3; /* (node, first row, rows) each */
    if (!failed) tasks[0] = at, tasks[1] = 0, tasks[2] = size, top = 1;
    while (top && !failed) {
        top--;
        Py_ssize_t node = tasks[3 * top], first = tasks[3 * top + 1], count = tasks[3 * top + 2];
        double split, *block = rows + first * d;
        Py_ssize_t dim = count <= LEAF ? -1 : kd_choose_split(block, count, d, &split);
        if (dim == -2 || (dim == -1 && fill_leaf(f, node, block, count) < 0)) failed = 1;
        if (dim < 0) continue;
        Py_ssize_t left = new_leaf(f, node), right = left < 0 ? -1 : new_leaf(f, node);
        if (right < 0) {
            failed = 1;
            continue;
        }
        Py_ssize_t held = partition_rows(block, count, d, dim, split, swap);
        make_inner(&f->nodes[node], left, right, dim, split);
        made[inner++] = node;
        Py_ssize_t next[6] = {left, first, held, right, first + held, count - held};
        memcpy(tasks + 3 * top, next, sizeof next);
        top += 2;
    }
    while (inner && !failed) reset_corners(f, made[--inner]); /* children before parents */
    PyMem_RawFree(work);
    PyMem_RawFree(swap);
    return failed ? -1 : 0;
}

/* Build the subtree at ``at`` again from its rows, ``at`` staying its root, with the nodes
 * below it made again first; -1 when out of memory. */
static int rebuild(Forest *f, Py_ssize_t at) {
    Py_ssize_t d = f->d, top = 0, gathered = 0;
    Node *node = &f->nodes[at];
    if (node->left < 0) return 0; /* a leaf: nothing to build */
    double *rows = PyMem_RawMalloc((rows_below(f, at) + 1) * d * sizeof *rows);
    if (rows == NULL) return -1;
    f->stack[top++] = node->left; /* gather the rows and drop the nodes below ``at`` */
    f->stack[top++] = node->right;
    while (top) {
        Py_ssize_t below = f->stack[--top];
        const Node *under = &f->nodes[below];
        if (under->left >= 0) {
            f->stack[top++] = under->left;
            f->stack[top++] = under->right;
        } else {
            memcpy(rows + gathered * d, under->rows, under->size * d * sizeof *rows);
            gathered += under->size;
        }
        f->unused[f->unused_count++] = below;
    }
    node->left = node->right = -1;
    int failed = build(f, at, rows, gathered);
    PyMem_RawFree(rows);
    return failed;
}

/* After adding a row to the leaf ``at``: when ``at`` is deeper than a tree of the tree's rows
 * whose branches all hold at most BALANCE of their parent's would be, build again the lowest
 * subtree above it with a branch holding more (a scapegoat tree's rebuilding, Galperin and
 * Rivest 1993). A k-d tree split only as its leaves fill grows a spine when rows come in
 * sorted along the front, as those of a front that is a curve do (each at one end of the
 * last): every insertion then walks the spine, in quadratic time. The work of rebuilding is
 * kept within a few times the rows added times their logarithm, so that rows whose ties
 * allow no even split (every split chooses its most even dimension) cannot make it quadratic
 * instead. -1 when out of memory. */
static int rebalance(Forest *f, Tree *tree, Py_ssize_t at) {
    Py_ssize_t depth = 0;
    for (Py_ssize_t up = f->nodes[at].parent; up >= 0; up = f->nodes[up].parent) depth++;
    double rows = (double)tree->live + 1.0;
    if (depth <= 2 + log(rows) / -log(BALANCE)) return 0;
    double budget = 16.0 * (double)tree->added * (log2((double)tree->added) + 1.0);
    if ((double)tree->rebuilt >= budget) return 0; /* before counting rows: it is spent */
    Py_ssize_t below = rows_below(f, at);
    for (Py_ssize_t child = at, up = f->nodes[at].parent; up >= 0;
         child = up, up = f->nodes[up].parent) {
        Py_ssize_t sibling = f->nodes[up].left == child ? f->nodes[up].right : f->nodes[up].left;
        Py_ssize_t total = below + rows_below(f, sibling);
        if ((double)below > BALANCE * (double)total) {
            if ((double)(tree->rebuilt + total) > budget) return 0;
            tree->rebuilt += total;
            return rebuild(f, up);
        }
        below = total;
    }
    return 0;
}

int tree_add(Forest *f, Tree *tree, const double *p) {
    Py_ssize_t leaf, removed = insert(f, tree, p, &leaf);
    if (removed < 0) return -1;
    tree->live += 1 - removed;
    tree->removed += removed;
    tree->added++;
    if (tree->removed > tree->live + LEAF) {
        tree->removed = 0;
        return rebuild(f, tree->root);
    }
    return rebalance(f, tree, leaf);
}

void forest_free(Forest *f) {
    for (Py_ssize_t i = 0; i < f->count; i++) PyMem_RawFree(f->nodes[i].rows);
    PyMem_RawFree(f->nodes);
    PyMem_RawFree(f->least);
    PyMem_RawFree(f->stack);
    PyMem_RawFree(f->unused);
}
