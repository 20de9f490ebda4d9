var x in [0, 1]
minimize f: if x then 1 else 0
