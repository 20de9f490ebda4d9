var x[1..3] in [0, 1]
minimize f: sum(x[j] for i in 1..3)
