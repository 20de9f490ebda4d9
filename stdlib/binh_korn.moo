# Binh-Korn: two variables, two objectives, two constraints (pymoo's BNH)
# Source: T. T. Binh and U. Korn, "MOBES: a multiobjective evolution strategy for constrained
# optimization problems", Proc. 3rd International Conference on Genetic Algorithms
# (Mendel 97), 1997, pp. 176-182.
problem binh_korn "Binh and Korn"

var x in [0, 5]
var y in [0, 3]

minimize f1: 4 * x^2 + 4 * y^2
minimize f2: (x - 5)^2 + (y - 5)^2

constraint c1: (x - 5)^2 + y^2 <= 25
constraint c2: (x - 8)^2 + (y + 3)^2 >= 7.7
