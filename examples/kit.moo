# Choosing a component kit: binary, integer, log-scaled and choice variables,
# tables indexed by a choice, an indexed constraint family and soft constraints
problem kit "Component kit"

param m = 6
param cap = 120
param w[1..m] = [12, 7, 11, 8, 9, 6]
param v[1..m] = [24, 13, 23, 15, 16, 11]
param vol[1..2, 1..m] = [[3, 2, 4, 2, 3, 1], [1, 3, 1, 2, 2, 3]]
param vol_max[1..2] = [10, 9]

var take[1..m] bin
var units int in [1, 5]
var material choice {steel, alu, ti}
var tol in [1e-4, 1e-1] log

param density[material] = {steel: 7.8, alu: 2.7, ti: 4.5}
param price[material] = {steel: 1.0, alu: 1.6, ti: 4.0}

let load = units * sum(w[i] * take[i] for i in 1..m)

maximize value: units * sum(v[i] * take[i] for i in 1..m)
minimize mass: load * density[material]
minimize cost: load * price[material] + (if tol < 1e-3 then 50 else 0)

constraint capacity: load <= cap
constraint space[j in 1..2]: sum(vol[j, i] * take[i] for i in 1..m) <= vol_max[j]
soft constraint picks: sum(take[i] for i in 1..m) == 3 tol 0.5 weight 5
soft constraint light: mass <= 400 weight 0.1
