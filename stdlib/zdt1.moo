# ZDT1: two objectives, convex front f2 = 1 - sqrt(f1), n real variables
# Source: E. Zitzler, K. Deb and L. Thiele, "Comparison of multiobjective evolutionary
# algorithms: empirical results", Evolutionary Computation 8(2):173-195, 2000.
problem zdt1 "ZDT1"

param n = 30

var x[1..n] in [0, 1]

let g = 1 + 9 / (n - 1) * sum(x[i] for i in 2..n)

minimize f1: x[1]
minimize f2: g * (1 - sqrt(x[1] / g))
