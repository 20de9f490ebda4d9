# CONSTR: two variables, two objectives, two linear constraints (Deb's constrained test)
# Source: K. Deb, Multi-Objective Optimization using Evolutionary Algorithms, Wiley, 2001;
# K. Deb, A. Pratap, S. Agarwal and T. Meyarivan, "A fast and elitist multiobjective genetic
# algorithm: NSGA-II", IEEE Trans. Evol. Comput. 6(2):182-197, 2002.
problem constr "CONSTR"

var x1 in [0.1, 1]
var x2 in [0, 5]

minimize f1: x1
minimize f2: (1 + x2) / x1

constraint c1: x2 + 9 * x1 >= 6
constraint c2: -x2 + 9 * x1 >= 1
