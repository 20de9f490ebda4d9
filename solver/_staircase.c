/* Staircases answering "does some row here dominate p?" for rows of two values: the values
 * after the first of the rows of one front of three objectives (solver/_sorting.c).
 *
 * Only a front's minimal rows in these two values matter to the question (a row that another
 * row of the front is <= in both is never needed: that other row answers for it), and minimal
 * rows sorted by x have y falling: a staircase. p is dominated exactly when the step with the
 * greatest x <= p's has y <= p's. Adding p removes the steps with x >= p's and y >= p's, a run
 * right after where p goes. The steps are a treap (a binary search tree on x, a heap on random
 * priorities), so a query, an insertion and each removal take O(log n) expected time whatever
 * the order rows come in: in sorted order along a front that is a curve, a k-d tree split as
 * its leaves fill grows a spine instead.
 *
 * Splits and merges recurse as deep as the treap, O(log n) expected. The functions may run
 * without the GIL: they allocate with PyMem_Raw*.
 */
#include "_staircase.h"

/* A new step for p (a dropped one when there is one), or -1 when out of memory. */
static Py_ssize_t new_step(Stairs *s, const double *p) {
    Py_ssize_t at;
    if (s->unused_count) {
        at = s->unused[--s->unused_count];
    } else {
        if (s->count == s->capacity) {
            Py_ssize_t capacity = 2 * s->capacity + 16;
            Step *steps = PyMem_RawRealloc(s->steps, capacity * sizeof *steps);
            if (steps == NULL) return -1;
            s->steps = steps;
            Py_ssize_t *unused = PyMem_RawRealloc(s->unused, capacity * sizeof *unused);
            if (unused == NULL) return -1;
            s->unused = unused;
            s->capacity = capacity;
        }
        at = s->count++;
    }
    s->state ^= s->state << 13; /* xorshift64 */
    s->state ^= s->state >> 7;
    s->state ^= s->state << 17;
    s->steps[at] = (Step){p[0], p[1], -1, -1, s->state};
    return at;
}

int stairs_dominate(const Stairs *s, Py_ssize_t root, const double *p) {
    Py_ssize_t below = -1; /* the step with the greatest x <= p's */
    for (Py_ssize_t at = root; at >= 0;) {
        if (s->steps[at].x <= p[0]) below = at, at = s->steps[at].right;
        else at = s->steps[at].left;
    }
    return below >= 0 && s->steps[below].y <= p[1];
}

/* Split the treap at ``at`` into the steps with x < ``x`` (``*low``) and the others. */
static void split_at_x(Stairs *s, Py_ssize_t at, double x, Py_ssize_t *low, Py_ssize_t *high) {
    if (at < 0) {
        *low = *high = -1;
    } else if (s->steps[at].x < x) {
        split_at_x(s, s->steps[at].right, x, &s->steps[at].right, high);
        *low = at;
    } else {
        split_at_x(s, s->steps[at].left, x, low, &s->steps[at].left);
        *high = at;
    }
}

/* Split the treap at ``at`` (y falling with x) into the steps with y >= ``y`` (``*high``, the
 * first ones) and the others. */
static void split_at_y(Stairs *s, Py_ssize_t at, double y, Py_ssize_t *high, Py_ssize_t *low) {
    if (at < 0) {
        *high = *low = -1;
    } else if (s->steps[at].y >= y) {
        split_at_y(s, s->steps[at].right, y, &s->steps[at].right, low);
        *high = at;
    } else {
        split_at_y(s, s->steps[at].left, y, high, &s->steps[at].left);
        *low = at;
    }
}

/* The treap of the steps of ``a`` then those of ``b`` (every x of a less than every x of b). */
static Py_ssize_t merge(Stairs *s, Py_ssize_t a, Py_ssize_t b) {
    if (a < 0) return b;
    if (b < 0) return a;
    if (s->steps[a].priority > s->steps[b].priority) {
        s->steps[a].right = merge(s, s->steps[a].right, b);
        return a;
    }
    s->steps[b].left = merge(s, a, s->steps[b].left);
    return b;
}

/* Drop the steps of the treap at ``at`` (made again by new_step). */
static void drop(Stairs *s, Py_ssize_t at) {
    while (at >= 0) {
        drop(s, s->steps[at].left);
        s->unused[s->unused_count++] = at;
        at = s->steps[at].right;
    }
}

int stairs_add(Stairs *s, Py_ssize_t *root, const double *p) {
    Py_ssize_t step = new_step(s, p), low, rest, covered, high;
    if (step < 0) return -1;
    split_at_x(s, *root, p[0], &low, &rest);
    split_at_y(s, rest, p[1], &covered, &high); /* x >= p's and y >= p's: p is <= them */
    drop(s, covered);
    *root = merge(s, merge(s, low, step), high);
    return 0;
}

void stairs_free(Stairs *s) {
    PyMem_RawFree(s->steps);
    PyMem_RawFree(s->unused);
}
