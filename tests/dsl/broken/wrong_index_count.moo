var x[1..3] in [0, 1]
minimize f: x[1, 2]
