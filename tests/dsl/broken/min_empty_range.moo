var x[1..3] in [0, 1]
minimize f: min(x[i] for i in 3..1)
