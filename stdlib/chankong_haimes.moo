# Chankong-Haimes: two variables, two objectives, two constraints (pymoo's SRN)
# Source: V. Chankong and Y. Y. Haimes, Multiobjective Decision Making: Theory and
# Methodology, North-Holland, 1983; used by N. Srinivas and K. Deb, "Multiobjective
# optimization using nondominated sorting in genetic algorithms", Evol. Comput. 2(3), 1994.
problem chankong_haimes "Chankong and Haimes"

var x in [-20, 20]
var y in [-20, 20]

minimize f1: 2 + (x - 2)^2 + (y - 1)^2
minimize f2: 9 * x - (y - 1)^2

constraint c1: x^2 + y^2 <= 225
constraint c2: x - 3 * y + 10 <= 0
