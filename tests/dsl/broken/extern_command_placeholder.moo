# a placeholder that is not one of the arguments
var x in [0, 1]
extern sim(x) = program "./simulate --width {width}" returns {f}
minimize f: sim.f
