# a timeout beyond what the operating system can wait for
var x in [0, 1]
extern sim(x) = python "sim:run" returns {f} timeout 1e10
minimize f: sim.f
