# A production plan: how many of each product to make, trading profit against CO2. The model
# says what the data is; the data says what the products and resources are:
# Run: mooc solve examples/plan/plan.moo --data examples/plan/products.csv --data examples/plan/resources.json
problem plan "Production plan: profit against CO2"

set products                      # the first column of products.csv
set resources                     # listed in resources.json
param profit[products]            # per unit
param demand[products]            # the most units the market takes
param co2[products]               # kg per unit
param capacity[resources]         # hours
param use[resources, products]    # hours per unit

var make[p in products] int in [0, demand[p]]

maximize total_profit: sum(profit[p] * make[p] for p in products)
minimize total_co2: sum(co2[p] * make[p] for p in products)

constraint hours[r in resources]: sum(use[r, p] * make[p] for p in products) <= capacity[r]

solver nsga2 {
  population = 100
  generations = 200
  seed = 1
}
