# DTLZ4: M objectives, spherical front with a biased density (x^alpha meta-variables)
# Source: K. Deb, L. Thiele, M. Laumanns and E. Zitzler, "Scalable test problems for
# evolutionary multiobjective optimization", in Evolutionary Multiobjective Optimization,
# Springer, 2005, pp. 105-145 (ETH TIK-Report 112, 2001).
problem dtlz4 "DTLZ4"

param M = 3
param k = 10
param n = M + k - 1
param alpha = 100

var x[1..n] in [0, 1]

let g = sum((x[i] - 0.5)^2 for i in M..n)

minimize f[m in 1..M]: (1 + g) * prod(cos(x[i]^alpha * pi / 2) for i in 1..M-m) \
    * (if m == 1 then 1 else sin(x[M-m+1]^alpha * pi / 2))
