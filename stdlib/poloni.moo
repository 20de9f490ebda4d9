# Poloni: two variables, two objectives, disconnected front
# Source: C. Poloni, A. Giurgevich, L. Onesti and V. Pediroda, "Hybridization of a
# multi-objective genetic algorithm, a neural network and a classical optimizer for a complex
# design problem in fluid dynamics", Comput. Methods Appl. Mech. Eng. 186:403-420, 2000.
problem poloni "Poloni"

var x in [-pi, pi]
var y in [-pi, pi]

let A1 = 0.5 * sin(1) - 2 * cos(1) + sin(2) - 1.5 * cos(2)
let A2 = 1.5 * sin(1) - cos(1) + 2 * sin(2) - 0.5 * cos(2)
let B1 = 0.5 * sin(x) - 2 * cos(x) + sin(y) - 1.5 * cos(y)
let B2 = 1.5 * sin(x) - cos(x) + 2 * sin(y) - 0.5 * cos(y)

minimize f1: 1 + (A1 - B1)^2 + (A2 - B2)^2
minimize f2: (x + 3)^2 + (y + 1)^2
