var speed in [0, 1]
minimize f: sped^2
