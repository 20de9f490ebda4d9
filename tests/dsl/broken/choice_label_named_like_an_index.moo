# 'price[steel]' read the label while 'steel' elsewhere in the sum was the index
var material choice {steel, alu}
param price[material] = {steel: 1, alu: 2}
var x in [0, 1]
minimize f: x * sum(price[steel] * steel for steel in 1..2)
maximize g: x
