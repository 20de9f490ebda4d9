param a[1..2, 1..3] = [[1, 2, 3], [4, 5, 6]]
var x in [0, 1]
minimize f: x * a[2, 0]
