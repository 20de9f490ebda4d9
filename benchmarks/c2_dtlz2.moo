# C2-DTLZ2: DTLZ2 whose front is cut to M + 1 patches of the sphere: one near each axis's end
# and one around the middle, each of radius r
# Source: H. Jain and K. Deb, "An evolutionary many-objective optimization algorithm using
# reference-point based nondominated sorting approach, part II", IEEE Transactions on
# Evolutionary Computation 18(4), 2014, pp. 602-622.
problem c2_dtlz2 "C2-DTLZ2"
include "dtlz2"

param r = if M == 3 then 0.4 else 0.5

let squares = sum(f[m]^2 for m in 1..M)
constraint patches: min(squares + 1 - r^2 - 2 * max(f[m] for m in 1..M), \
                        sum((f[m] - 1 / sqrt(M))^2 for m in 1..M) - r^2) <= 0
