# DTLZ2: M objectives, spherical front (the unit sphere's positive orthant)
# Source: K. Deb, L. Thiele, M. Laumanns and E. Zitzler, "Scalable test problems for
# evolutionary multiobjective optimization", in Evolutionary Multiobjective Optimization,
# Springer, 2005, pp. 105-145 (ETH TIK-Report 112, 2001).
problem dtlz2 "DTLZ2"

param M = 3
param k = 10
param n = M + k - 1

var x[1..n] in [0, 1]

let g = sum((x[i] - 0.5)^2 for i in M..n)

minimize f[m in 1..M]: (1 + g) * prod(cos(x[i] * pi / 2) for i in 1..M-m) \
    * (if m == 1 then 1 else sin(x[M-m+1] * pi / 2))
