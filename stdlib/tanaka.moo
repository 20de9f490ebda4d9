# Tanaka: two variables, two objectives, two constraints, wavy disconnected front (pymoo's TNK)
# Source: M. Tanaka, H. Watanabe, Y. Furukawa and T. Tanino, "GA-based decision support
# system for multicriteria optimization", Proc. IEEE SMC 1995, vol. 2, pp. 1556-1561.
problem tanaka "Tanaka"

# y starts just above 0 (as in pymoo) so that atan(x / y) is defined everywhere.
var x in [0, pi]
var y in [1e-30, pi]

minimize f1: x
minimize f2: y

constraint c1: x^2 + y^2 - 1 - 0.1 * cos(16 * atan(x / y)) >= 0
constraint c2: (x - 0.5)^2 + (y - 0.5)^2 <= 0.5
