param a = 1
minimize f: a
