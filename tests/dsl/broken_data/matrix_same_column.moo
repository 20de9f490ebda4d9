data "same_column.csv"
param m[1..2, 1..2]
var x[i in 1..2] in [0, 1]
minimize f: sum(m[i, j] * x[j] for i in 1..2 for j in 1..2)
