# CTP1: two objectives, two constraints that cut the front f2 = exp(-f1) into three arcs
# Source: K. Deb, A. Pratap and T. Meyarivan, "Constrained test problems for multi-objective
# evolutionary optimization", Evolutionary Multi-Criterion Optimization (EMO 2001), LNCS 1993,
# Springer, 2001, pp. 284-298. Constants as pymoo's CTP1 computes them (a1 ~ 0.858,
# b1 ~ 0.541, a2 ~ 0.728, b2 ~ 0.295): constraint j's boundary a_j exp(-b_j f1) meets the
# previous boundary (the unconstrained front for j = 1) at f1 = j/3.
problem ctp1 "CTP1"

param n = 2

param beta1 = exp(-1 / 3)
param a1 = (1 + beta1) / 2
param b1 = -3 * log(beta1 / a1)
param beta2 = a1 * exp(-b1 * 2 / 3)
param a2 = (a1 + beta2) / 2
param b2 = -3 / 2 * log(beta2 / a2)

var x[1..n] in [0, 1]

let g = 1 + sum(x[i] for i in 2..n)

minimize f1: x[1]
minimize f2: g * exp(-f1 / g)

constraint c1: f2 >= a1 * exp(-b1 * f1)
constraint c2: f2 >= a2 * exp(-b2 * f1)
