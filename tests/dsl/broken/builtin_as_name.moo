var sqrt in [0, 1]
minimize f: sqrt
