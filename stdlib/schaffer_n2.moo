# Schaffer N.2: one variable, two objectives, front in two disconnected pieces
# Source: J. D. Schaffer, "Multiple objective optimization with vector evaluated genetic
# algorithms", Proc. 1st International Conference on Genetic Algorithms, 1985, pp. 93-100;
# as stated in K. Deb, Multi-Objective Optimization using Evolutionary Algorithms, Wiley 2001.
problem schaffer_n2 "Schaffer N.2"

var x in [-5, 10]

minimize f1: if x <= 1 then -x else if x <= 3 then x - 2 else if x <= 4 then 4 - x else x - 4
minimize f2: (x - 5)^2
