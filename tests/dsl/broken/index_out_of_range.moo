param n = 3
var x[1..n] in [0, 1]
minimize f: x[4]
