data "products.csv"
data "beyond_floats_label.json"
set products
set resources
param profit[products]
param capacity[resources]
param use[resources, products]
var make[p in products] int in [0, 10]
maximize total: sum(profit[p] * make[p] for p in products)
constraint hours[r in resources]: sum(use[r, p] * make[p] for p in products) <= capacity[r]
