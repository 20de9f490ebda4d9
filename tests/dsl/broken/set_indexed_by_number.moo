set products = {bolt, nut}
var make[p in products] in [0, 1]
minimize f: make[1]
