var x in [0, 1]
minimize f: x
constraint c: x + 1
