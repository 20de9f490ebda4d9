var m choice {steel, alu}
param d[m] = {steel: 1, alu: 2, tin: 3}
var x in [0,1]
minimize f: x*d[m]
