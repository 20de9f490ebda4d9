# A digits classifier: how few FLOPs for how much accuracy? Each evaluation trains a small
# neural network on scikit-learn's bundled digits data (8x8 images, no download).
# Run: mooc solve examples/digits/digits.moo --allow-extern --workers 2
problem digits "Digits classifier: FLOPs against accuracy"

param inputs = 64
param classes = 10

var layers int in [1, 2]
var units int in [2, 64]
var learning_rate in [1e-4, 1e-1] log
var alpha in [1e-6, 1e-1] log

# multiply-adds of one forward pass, counted as two FLOPs each
let flops_per_image = 2 * (inputs * units + (layers - 1) * units^2 + units * classes)

extern net(layers, units, learning_rate, alpha) = python "digits_net:accuracy" returns {accuracy} timeout 120

minimize flops: flops_per_image
maximize accuracy: net.accuracy

solver nsga2 {
  population = 16
  generations = 10
  seed = 1
}
