var x in [0, 1]
minimize f: x
solver nsga3 {
  population = 10
}
