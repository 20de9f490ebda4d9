var x[1..3] in [0, 1]
minimize f[i in 1..3]: x[i]
solver nsga3 {
  directions = 10^9
}
