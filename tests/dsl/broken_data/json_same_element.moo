data "same_element.json"
param cost[1..3]
var x[i in 1..3] in [0, 1]
minimize f: sum(cost[i] * x[i] for i in 1..3)
