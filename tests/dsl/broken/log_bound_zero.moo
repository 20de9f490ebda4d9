var x in [0, 1] log
minimize f: x
