param p = 10^10^10
var x in [0, 1]
minimize f: x + p
