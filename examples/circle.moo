# Points on the unit circle, both coordinates as small as possible: the front is the quarter
# circle from (-1, 0) to (0, -1). An equality constraint without a tolerance: mooc moves every
# new point onto the circle (Gauss-Newton steps with the model's derivatives).
problem circle "Circle: an equality constraint"

var x in [-2, 2]
var y in [-2, 2]

minimize fx: x
minimize fy: y

constraint on_circle: x^2 + y^2 == 1
