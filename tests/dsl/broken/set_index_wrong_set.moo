set products = {bolt, nut}
set resources = {lathe}
param use[resources, products] = [[1, 2]]
var make[p in products] in [0, 1]
minimize f: sum(use[p, p] * make[p] for p in products)
