# ZDT6: two objectives, concave front with a non-uniform density of solutions
# Source: E. Zitzler, K. Deb and L. Thiele, "Comparison of multiobjective evolutionary
# algorithms: empirical results", Evolutionary Computation 8(2):173-195, 2000.
problem zdt6 "ZDT6"

param n = 10

var x[1..n] in [0, 1]

let g = 1 + 9 * (sum(x[i] for i in 2..n) / (n - 1))^0.25

minimize f1: 1 - exp(-4 * x[1]) * sin(6 * pi * x[1])^6
minimize f2: g * (1 - (f1 / g)^2)
