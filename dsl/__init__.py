"""The .moo language: parse, check, lower to sympy, generate numpy code."""
