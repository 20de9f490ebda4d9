set products
param profit[products]
var x in [0, 1]
minimize f: x
