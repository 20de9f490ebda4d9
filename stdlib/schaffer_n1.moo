# Schaffer N.1: one variable, two objectives, convex front for x in [0, 2]
# Source: J. D. Schaffer, "Multiple objective optimization with vector evaluated genetic
# algorithms", Proc. 1st International Conference on Genetic Algorithms, 1985, pp. 93-100.
problem schaffer_n1 "Schaffer N.1"

param A = 10

var x in [-A, A]

minimize f1: x^2
minimize f2: (x - 2)^2
