var x in [0, 1]
constraint c: x <= 1
minimize f: c + x
