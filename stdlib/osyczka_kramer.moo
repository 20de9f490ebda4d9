# Osyczka-Kramer: six variables, two objectives, six constraints (pymoo's OSY)
# Source: A. Osyczka and S. Kundu, "A new method to solve generalized multicriteria
# optimization problems using the simple genetic algorithm", Structural Optimization
# 10(2):94-99, 1995.
problem osyczka_kramer "Osyczka and Kramer"

var x1 in [0, 10]
var x2 in [0, 10]
var x3 in [1, 5]
var x4 in [0, 6]
var x5 in [1, 5]
var x6 in [0, 10]

minimize f1: -(25 * (x1 - 2)^2 + (x2 - 2)^2 + (x3 - 1)^2 + (x4 - 4)^2 + (x5 - 1)^2)
minimize f2: x1^2 + x2^2 + x3^2 + x4^2 + x5^2 + x6^2

constraint c1: x1 + x2 - 2 >= 0
constraint c2: 6 - x1 - x2 >= 0
constraint c3: 2 - x2 + x1 >= 0
constraint c4: 2 - x1 + 3 * x2 >= 0
constraint c5: 4 - (x3 - 3)^2 - x4 >= 0
constraint c6: (x5 - 3)^2 + x6 - 4 >= 0
