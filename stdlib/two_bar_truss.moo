# Two-bar truss: cross-sections and height, minimize volume and stress (pymoo's Truss2D)
# Source: K. Deb and A. Srinivasan, "Innovization: innovating design principles through
# optimization", Proc. GECCO 2006, pp. 1629-1636; a classic in Deb's NSGA-II studies.
problem two_bar_truss "Two-bar truss"

param A_max = 0.01
param S_max = 1e5

var x1 in [0, A_max]
var x2 in [0, A_max]
var y in [1, 3]

let sigma_ac = 20 * sqrt(16 + y^2) / (y * x1)
let sigma_bc = 80 * sqrt(1 + y^2) / (y * x2)

minimize volume: x1 * sqrt(16 + y^2) + x2 * sqrt(1 + y^2)
minimize stress: max(sigma_ac, sigma_bc)

constraint strength: stress <= S_max
