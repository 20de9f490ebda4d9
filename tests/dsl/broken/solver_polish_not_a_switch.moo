var x in [0, 1]
minimize f: x
solver nsga2 {
  polish = no
}
