var x in [0, 1]
minimize f: x # café au lait
