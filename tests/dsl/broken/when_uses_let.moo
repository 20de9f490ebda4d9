var x in [0, 1]
let big = x * 2
var y in [0, 1] when big > 1
minimize f: x
