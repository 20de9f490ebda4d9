var x in [0, 1]
minimize f: x
soft constraint c: x <= 1 tol x
