var x[1..10^9] in [0,1]
minimize f: x[1]
