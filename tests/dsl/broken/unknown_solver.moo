var x in [0, 1]
minimize f: x
solver nsga4 {
  population = 10
}
