# Fonseca-Fleming: n variables, two objectives, concave front
# Source: C. M. Fonseca and P. J. Fleming, "An overview of evolutionary algorithms in
# multiobjective optimization", Evolutionary Computation 3(1):1-16, 1995.
problem fonseca_fleming "Fonseca and Fleming"

param n = 3

var x[1..n] in [-4, 4]

minimize f1: 1 - exp(-sum((x[i] - 1 / sqrt(n))^2 for i in 1..n))
minimize f2: 1 - exp(-sum((x[i] + 1 / sqrt(n))^2 for i in 1..n))
