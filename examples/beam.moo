# A cantilever beam of rectangular section, fixed at one end and loaded at the other: as light
# and as stiff as possible, within the allowed bending stress, with the section three times as
# tall as it is wide (an equality, held by projecting every new point onto it).
problem beam "Cantilever beam, section of fixed aspect ratio"

param L = 1            # length, m
param P = 1000         # load at the free end, N
param E = 200e9        # Young's modulus of steel, Pa
param rho = 7850       # density of steel, kg/m^3
param sigma_max = 250e6  # allowed bending stress, Pa

var b in [0.005, 0.05]   # width, m
var h in [0.015, 0.15]   # height, m

minimize mass: rho * b * h * L                          # kg
minimize deflection: 1000 * 4 * P * L^3 / (E * b * h^3)  # at the free end, mm

constraint stress: 6 * P * L / (b * h^2) <= sigma_max
constraint aspect: h == 3 * b
