var x[1..3] in [0, 1]
var k in [1, 3]
minimize f: x[k]
