var m choice {steel, alu}
var x in [0,1]
minimize f: if m == 1 then x else 0
