var layers int in [1, 3]
var units[i in 1..3] int in [4, 128] when layers >= i
minimize flops: sum(if layers > i then units[i] else 0 for i in 1..3)
minimize l: layers
