# DTLZ7: M objectives, front in 2^(M-1) disconnected regions
# Source: K. Deb, L. Thiele, M. Laumanns and E. Zitzler, "Scalable test problems for
# evolutionary multiobjective optimization", in Evolutionary Multiobjective Optimization,
# Springer, 2005, pp. 105-145 (ETH TIK-Report 112, 2001).
problem dtlz7 "DTLZ7"

param M = 3
param k = 20
param n = M + k - 1

var x[1..n] in [0, 1]

let g = 1 + 9 / k * sum(x[i] for i in M..n)
let h = M - sum(x[i] / (1 + g) * (1 + sin(3 * pi * x[i])) for i in 1..M-1)

minimize f[m in 1..M]: if m < M then x[m] else (1 + g) * h
