var x in [0, 1]
let y = x
