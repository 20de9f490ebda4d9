set products = {bolt, nut, gear}
var x in [0, 1]
minimize f: x * products
