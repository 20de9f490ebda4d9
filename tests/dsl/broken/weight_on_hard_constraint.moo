var x in [0, 1]
minimize f: x
constraint c: x <= 1 weight 2
