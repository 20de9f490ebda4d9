set products = {bolt, nut, gear}
var make[p in products] in [0, 1]
minimize f: sum(p * make[p] for p in products)
