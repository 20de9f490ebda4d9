# DTLZ6: M objectives, degenerate curve front like DTLZ5, harder g (sum of x^0.1)
# Source: K. Deb, L. Thiele, M. Laumanns and E. Zitzler, "Scalable test problems for
# evolutionary multiobjective optimization", in Evolutionary Multiobjective Optimization,
# Springer, 2005, pp. 105-145 (ETH TIK-Report 112, 2001).
# theta[1] = x[1]; theta[i] = (1 + 2 g x[i]) / (2 (1 + g)) for the other position variables.
problem dtlz6 "DTLZ6"

param M = 3
param k = 10
param n = M + k - 1

var x[1..n] in [0, 1]

let g = sum(x[i]^0.1 for i in M..n)
# theta runs to M, not M-1: the language range-checks the untaken branch of f[1]'s
# 'if m == 1' too, so theta[M] must exist though no objective uses it.
let theta[i in 1..M] = if i == 1 then x[1] else (1 + 2 * g * x[i]) / (2 * (1 + g))

minimize f[m in 1..M]: (1 + g) * prod(cos(theta[i] * pi / 2) for i in 1..M-m) \
    * (if m == 1 then 1 else sin(theta[M-m+1] * pi / 2))
