"""Writes the linear examples from seeded random data: the bi-objective 0/1 knapsack
(knapsack50.moo; the benchmark also makes 100 and 200 items) and the integer production plan
(production.moo).

    python examples/generate_linear.py          # rewrites both files, identically

Knapsack data follow the usual 2KP instances (as in Tamby and Vanderpooten's, used by JuMP's
MultiObjectiveAlgorithms.jl): profits and weights drawn uniformly from 1..100, capacity half
the total weight. The production plan draws per-unit profits, scrap, resource use, demand and
committed orders from plausible ranges; capacities are 40% of what full demand would need.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def _list(values: np.ndarray) -> str:
    return "[" + ", ".join(str(int(v)) for v in values) + "]"


def _rows(matrix: np.ndarray, indent: str) -> str:
    return "[" + (",\n" + indent + " ").join(_list(row) for row in matrix) + "]"


def knapsack_text(n: int, seed: int) -> str:
    """A bi-objective 0/1 knapsack with ``n`` items, data as params."""
    rng = np.random.default_rng(seed)
    profit = rng.integers(1, 101, size=(2, n))
    weight = rng.integers(1, 101, size=n)
    return f"""# Bi-objective 0/1 knapsack: {n} items, two profits, one capacity.
# Seeded random data (examples/generate_linear.py, seed {seed}): profits and weights 1..100,
# capacity half the total weight. The model is linear with binary variables, so
# 'mooc solve' finds every non-dominated point exactly (epsilon-constraint method).
problem knapsack{n} "Bi-objective knapsack, {n} items"

param n = {n}
param capacity = {int(weight.sum() // 2)}
param weight[1..n] = {_list(weight)}
param profit[1..2, 1..n] = {_rows(profit, "                         ")}

var take[1..n] bin

maximize profit1: sum(profit[1, i] * take[i] for i in 1..n)
maximize profit2: sum(profit[2, i] * take[i] for i in 1..n)

constraint capacity_limit: sum(weight[i] * take[i] for i in 1..n) <= capacity
"""


def production_text(seed: int) -> str:
    """An integer production plan: 10 products, 4 resources, profit against scrap."""
    rng = np.random.default_rng(seed)
    n, m = 10, 4
    profit = rng.integers(20, 61, n)  # per unit
    scrap = rng.integers(1, 10, n)  # kg per unit
    use = rng.integers(1, 10, (m, n))  # resource units per product unit
    demand = rng.integers(10, 31, n)
    committed = rng.integers(0, 4, n)
    capacity = np.floor(0.4 * (use * demand).sum(axis=1)).astype(int)
    return f"""# Integer production plan: how many units of each of 10 products to make, trading
# profit against scrap, within 4 resource capacities (machine hours, labour hours, material,
# storage), demand, and orders already committed.
# Seeded random data (examples/generate_linear.py, seed {seed}). The model is linear with integer
# variables, so 'mooc solve' finds every non-dominated plan exactly.
problem production "Production plan: profit against scrap"

param products = {n}
param resources = {m}
param profit[1..products] = {_list(profit)}
param scrap[1..products] = {_list(scrap)}
param demand[1..products] = {_list(demand)}
param committed[1..products] = {_list(committed)}
param use[1..resources, 1..products] = {_rows(use, "                                      ")}
param capacity[1..resources] = {_list(capacity)}

var make[p in 1..products] int in [committed[p], demand[p]]

maximize total_profit: sum(profit[p] * make[p] for p in 1..products)
minimize total_scrap: sum(scrap[p] * make[p] for p in 1..products)

constraint capacity_limit[r in 1..resources]: \\
    sum(use[r, p] * make[p] for p in 1..products) <= capacity[r]
"""


def main() -> None:
    (HERE / "knapsack50.moo").write_text(knapsack_text(50, seed=50), encoding="utf-8")
    (HERE / "production.moo").write_text(production_text(seed=10), encoding="utf-8")


if __name__ == "__main__":
    main()
