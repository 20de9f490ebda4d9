set products = {bolt, nut, gear}
var make[p in products] in [0, 1]
minimize f: make[bolts]
