set products = {bolt, nut}
param cost[products] = {bolt: 1, nutt: 2}
var x in [0, 1]
minimize f: x * cost[bolt]
