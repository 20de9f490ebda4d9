# a quote left open in the command
var x in [0, 1]
extern sim(x) = program "sh -c './simulate {x}" returns {f}
minimize f: sim.f
