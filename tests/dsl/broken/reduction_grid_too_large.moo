var x in [0, 1]
minimize f[m in 1..1000000]: x * sum(1 for i in 1..m)
