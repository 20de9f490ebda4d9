set products = {bolt, nut, bolt}
var x in [0, 1]
minimize f: x
