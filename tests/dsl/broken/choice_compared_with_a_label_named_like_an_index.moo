# 'material == steel' compared with the label, 'then steel' was the index
var material choice {steel, alu}
var x in [0, 1]
minimize f: x * sum(if material == steel then steel else 0 for steel in 1..2)
maximize g: x
