var x in [0, 1]
var y in [0, x]
minimize f: x + y
