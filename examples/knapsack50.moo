# Bi-objective 0/1 knapsack: 50 items, two profits, one capacity.
# Seeded random data (examples/generate_linear.py, seed 50): profits and weights 1..100,
# capacity half the total weight. The model is linear with binary variables, so
# 'mooc solve' finds every non-dominated point exactly (epsilon-constraint method).
problem knapsack50 "Bi-objective knapsack, 50 items"

param n = 50
param capacity = 1233
param weight[1..n] = [53, 91, 6, 20, 51, 42, 66, 42, 47, 64, 59, 50, 25, 26, 74, 86, 55, 52, 69, 23, 70, 87, 23, 99, 27, 3, 67, 20, 53, 56, 99, 38, 38, 88, 40, 43, 56, 51, 59, 49, 7, 87, 37, 44, 40, 59, 35, 9, 5, 76]
param profit[1..2, 1..n] = [[79, 79, 72, 84, 83, 55, 25, 98, 83, 24, 28, 65, 68, 7, 96, 56, 2, 41, 66, 27, 69, 99, 63, 40, 19, 33, 67, 13, 100, 12, 30, 99, 56, 58, 46, 90, 54, 2, 79, 60, 12, 43, 55, 38, 96, 71, 28, 7, 55, 24],
                          [92, 25, 69, 45, 23, 34, 47, 78, 16, 48, 59, 79, 50, 13, 47, 58, 25, 71, 70, 69, 31, 4, 68, 18, 59, 61, 85, 27, 31, 46, 23, 90, 7, 87, 57, 1, 27, 52, 97, 93, 90, 35, 94, 48, 67, 38, 33, 81, 3, 44]]

var take[1..n] bin

maximize profit1: sum(profit[1, i] * take[i] for i in 1..n)
maximize profit2: sum(profit[2, i] * take[i] for i in 1..n)

constraint capacity_limit: sum(weight[i] * take[i] for i in 1..n) <= capacity
