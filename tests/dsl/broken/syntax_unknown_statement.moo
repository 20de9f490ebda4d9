var x in [0, 1]
objective f: x
