# Welded beam: four variables, cost and deflection, four constraints (pymoo's WeldedBeam)
# Source: T. Ray and K. M. Liew, "A swarm metaphor for multiobjective design optimization",
# Engineering Optimization 34(2):141-153, 2002; K. Deb and A. Srinivasan, GECCO 2006.
problem welded_beam "Welded beam"

param P = 6000
param L = 14
param tau_max = 13600
param sigma_max = 30000

var h in [0.125, 5]
var l in [0.1, 10]
var t in [0.1, 10]
var b in [0.125, 5]

let R = sqrt(0.25 * (l^2 + (h + t)^2))
let moment = P * (L + l / 2)
let J = 2 * sqrt(0.5) * h * l * (l^2 / 12 + 0.25 * (h + t)^2)
let tau1 = P / (sqrt(2) * h * l)
let tau2 = moment * R / J
let tau = sqrt(tau1^2 + tau2^2 + tau1 * tau2 * l / R)
let sigma = 6 * P * L / (b * t^2)
let P_c = 64746.022 * (1 - 0.0282346 * t) * t * b^3

minimize cost: 1.10471 * h^2 * l + 0.04811 * t * b * (14 + l)
minimize deflection: 2.1952 / (b * t^3)

constraint shear: tau <= tau_max
constraint bending: sigma <= sigma_max
constraint geometry: h <= b
constraint buckling: P_c >= P
