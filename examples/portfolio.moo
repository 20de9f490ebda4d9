# Mean-variance portfolio (Markowitz): how to split a budget over 8 assets, trading the
# portfolio's variance against its expected return. The weights must add up to 1, exactly: an
# equality without a tolerance, which mooc keeps by projecting every new point onto it.
problem portfolio "Mean-variance portfolio, 8 assets"

param n = 8
# expected annual returns
param mu[1..n] = [0.02, 0.03, 0.045, 0.055, 0.07, 0.08, 0.095, 0.12]
# covariance of the annual returns
param cov[1..n, 1..n] = [
    [0.0016, -0.00014, -0.0007, 0.00133, 0.00238, -0.00063, 0.0015, 0.00258],
    [-0.00014, 0.0036, -0.00147, 0.00063, 0.00173, 0.00281, -0.00525, -0.00228],
    [-0.0007, -0.00147, 0.0081, -0.00231, -0.00489, -0.00281, 0.00489, -7e-05],
    [0.00133, 0.00063, -0.00231, 0.0144, 0.00558, 0.00078, -0.00086, 0.00317],
    [0.00238, 0.00173, -0.00489, 0.00558, 0.0225, 0.00264, -0.00385, 0.00485],
    [-0.00063, 0.00281, -0.00281, 0.00078, 0.00264, 0.0324, -0.01172, -0.0059],
    [0.0015, -0.00525, 0.00489, -0.00086, -0.00385, -0.01172, 0.0484, 0.01204],
    [0.00258, -0.00228, -7e-05, 0.00317, 0.00485, -0.0059, 0.01204, 0.0784]]

var w[1..n] in [0, 1]

minimize variance: sum(w[i] * cov[i, j] * w[j] for i in 1..n for j in 1..n)
maximize expected_return: sum(mu[i] * w[i] for i in 1..n)

constraint budget: sum(w[i] for i in 1..n) == 1
