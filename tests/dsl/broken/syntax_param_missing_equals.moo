param v[1..3]  [1, 2, 3]
var x in [0, 1]
minimize f: x
