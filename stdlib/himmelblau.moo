# Himmelblau: two variables, one objective, four global minima with value 0
# Source: D. M. Himmelblau, Applied Nonlinear Programming, McGraw-Hill, 1972.
problem himmelblau "Himmelblau"

var x in [-6, 6]
var y in [-6, 6]

minimize f: (x^2 + y - 11)^2 + (x + y^2 - 7)^2
