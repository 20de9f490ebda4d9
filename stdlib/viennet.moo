# Viennet: two variables, three objectives
# Source: R. Viennet, C. Fonteix and I. Marc, "Multicriteria optimization using a genetic
# algorithm for determining a Pareto set", Int. J. Systems Science 27(2):255-260, 1996.
problem viennet "Viennet"

var x in [-3, 3]
var y in [-3, 3]

let r2 = x^2 + y^2

minimize f1: 0.5 * r2 + sin(r2)
minimize f2: (3 * x - 2 * y + 4)^2 / 8 + (x - y + 1)^2 / 27 + 15
minimize f3: 1 / (r2 + 1) - 1.1 * exp(-r2)
