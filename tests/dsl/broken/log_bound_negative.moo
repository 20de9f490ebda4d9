var x in [-1, 1] log
minimize f: x
