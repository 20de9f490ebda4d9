import sys
import time

import mooc
from mooc.method_exact import linear_problem_of
from mooc.solver import highs
from mooc.solver.exact import exact_front

lp = linear_problem_of(mooc.load(f"examples/{sys.argv[1]}.moo"))
base = dict(highs.OPTIONS)
for extra in [{}, {"presolve": "off"}, {"mip_detect_symmetry": False}, {"mip_heuristic_effort": 0.0}, {"mip_pscost_minreliable": 0}, {"mip_lp_age_limit": 5}]:
    highs.OPTIONS = {**base, **extra}
    t = time.process_time(); r = exact_front(lp); print(extra, f"{time.process_time()-t:.2f}s cpu", r.subproblems, len(r.F), flush=True)
