var x in [0, 1]
var x in [0, 2]
minimize f: x
