param p = 9^9^9
var x in [0, 1]
minimize f: x * p
