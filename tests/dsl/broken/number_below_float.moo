var x in [0, 1]
minimize f: x
minimize g: 1 - x
constraint c: x >= 1e-400
