var k int in [0.2, 0.8]
minimize f: k
