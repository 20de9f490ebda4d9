var x in [0, 1]
var y in [0, 1] when x
minimize f: x
