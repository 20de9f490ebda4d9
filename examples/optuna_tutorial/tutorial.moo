# Optuna's multi-objective tutorial in .moo: how few FLOPs for how much accuracy? A network has
# 1 to 3 hidden layers; each layer that exists has its own width and dropout rate, so those
# variables exist only 'when' the network has that many layers. Each evaluation trains the
# network (dropout_net.py, numpy) on scikit-learn's bundled digits data.
# Run: mooc solve examples/optuna_tutorial/tutorial.moo --allow-extern --workers 2
problem tutorial "Optuna's tutorial: FLOPs against accuracy, 1 to 3 layers"

param inputs = 64
param classes = 10

var layers int in [1, 3]
var units[i in 1..3] int in [4, 128] when layers >= i
var dropout[i in 1..3] in [0.2, 0.5] when layers >= i
var lr in [1e-5, 1e-1] log

# the width of layer i, 0 where the network has no layer i
let width[i in 1..3] = if layers >= i then units[i] else 0
# multiply-adds of one forward pass: inputs to layer 1, layer to layer, last layer to classes
let macs = inputs * width[1] + sum(width[i - 1] * width[i] for i in 2..3) \
           + classes * sum(if layers == i then width[i] else 0 for i in 1..3)

# units and dropout reach the function as lists of the layers that exist
extern net(layers, units, dropout, lr) = python "dropout_net:accuracy" returns {accuracy} timeout 300

minimize flops: 2 * macs
maximize accuracy: net.accuracy

solver nsga2 {
  population = 20
  generations = 10
  seed = 1
}
