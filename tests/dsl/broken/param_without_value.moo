set products = {bolt, nut}
param profit[products]
var x in [0, 1]
minimize f: x * profit[bolt]
