var x in [0, 1]
minimize f: max(x y)
