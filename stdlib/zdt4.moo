# ZDT4: two objectives, convex front with 21^9 local fronts (Rastrigin-like g)
# Source: E. Zitzler, K. Deb and L. Thiele, "Comparison of multiobjective evolutionary
# algorithms: empirical results", Evolutionary Computation 8(2):173-195, 2000.
problem zdt4 "ZDT4"

param n = 10

var x1 in [0, 1]
var x[2..n] in [-5, 5]

let g = 1 + 10 * (n - 1) + sum(x[i]^2 - 10 * cos(4 * pi * x[i]) for i in 2..n)

minimize f1: x1
minimize f2: g * (1 - sqrt(x1 / g))
