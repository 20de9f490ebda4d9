# Integer production plan: how many units of each of 10 products to make, trading
# profit against scrap, within 4 resource capacities (machine hours, labour hours, material,
# storage), demand, and orders already committed.
# Seeded random data (examples/generate_linear.py, seed 10). The model is linear with integer
# variables, so 'mooc solve' finds every non-dominated plan exactly.
problem production "Production plan: profit against scrap"

param products = 10
param resources = 4
param profit[1..products] = [51, 59, 30, 28, 52, 53, 41, 26, 54, 41]
param scrap[1..products] = [2, 2, 4, 7, 4, 8, 1, 4, 5, 9]
param demand[1..products] = [16, 13, 13, 15, 26, 28, 17, 22, 20, 15]
param committed[1..products] = [2, 0, 1, 0, 0, 0, 0, 1, 2, 2]
param use[1..resources, 1..products] = [[3, 8, 1, 4, 7, 6, 9, 7, 9, 8],
                                       [2, 9, 8, 2, 9, 7, 3, 2, 4, 9],
                                       [8, 3, 5, 8, 6, 3, 2, 9, 3, 5],
                                       [7, 3, 5, 3, 8, 6, 2, 4, 7, 7]]
param capacity[1..resources] = [472, 409, 383, 401]

var make[p in 1..products] int in [committed[p], demand[p]]

maximize total_profit: sum(profit[p] * make[p] for p in 1..products)
minimize total_scrap: sum(scrap[p] * make[p] for p in 1..products)

constraint capacity_limit[r in 1..resources]: \
    sum(use[r, p] * make[p] for p in 1..products) <= capacity[r]
