var layers int in [1, 3]
var units[i in 1..3] int in [4, 128] when layers >= i
minimize flops: sum(units[i] for i in 1..3)
minimize layers_: layers
