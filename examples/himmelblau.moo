# Himmelblau's function restricted to positive arguments: one objective, hard constraints
problem himmelblau "Himmelblau, positive quadrant"

var x in [-6, 6]
var y in [-6, 6]

minimize f: (x^2 + y - 11)^2 + (x + y^2 - 7)^2

constraint x_positive: x >= 0
constraint y_positive: y >= 0

solver nsga2 {
  population = 100
  generations = 10
  seed = 1
}
