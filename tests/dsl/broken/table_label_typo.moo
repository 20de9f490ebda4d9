var m choice {steel, alu}
param d[m] = {steel: 1, aluu: 2}
var x in [0,1]
minimize f: x*d[m]
