param n = 4
var x[1..n] in [0, 1]
minimize f: sum(x[i + 1] for i in 1..n)
