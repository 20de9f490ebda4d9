param n = 3
var x[1..3] in [0, 1]
minimize f: sum(x[i] for i in n)
