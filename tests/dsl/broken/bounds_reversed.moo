var x in [5, 1]
minimize f: x
