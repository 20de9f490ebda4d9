var x in [0, 1]
minimize f: x
minimize g: 1 - x
solver nsga2 {
  population = 1
}
