"""The library of classic test problems as .moo files."""
