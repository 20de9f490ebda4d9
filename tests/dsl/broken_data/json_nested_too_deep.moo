data "too_deep.json"
param w[1..1]
var x in [0, 1]
minimize f: w[1] * x
maximize g: x
