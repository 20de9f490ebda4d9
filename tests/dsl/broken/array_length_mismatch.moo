param w[1..3] = [1, 2]
var x in [0, 1]
minimize f: x
