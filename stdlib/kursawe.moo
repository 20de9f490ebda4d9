# Kursawe: three variables, two objectives, disconnected non-convex front
# Source: F. Kursawe, "A variant of evolution strategies for vector optimization",
# Parallel Problem Solving from Nature (PPSN I), LNCS 496, Springer, 1991, pp. 193-197.
problem kursawe "Kursawe"

param n = 3

var x[1..n] in [-5, 5]

minimize f1: sum(-10 * exp(-0.2 * sqrt(x[i]^2 + x[i+1]^2)) for i in 1..n-1)
minimize f2: sum(abs(x[i])^0.8 + 5 * sin(x[i]^3) for i in 1..n)
