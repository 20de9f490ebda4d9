"""The examples in docstrings are run, so the documentation stays true."""

import doctest
import importlib
import pkgutil

import pytest

import mooc
import mooc.dsl
import mooc.solver


def _modules() -> list[str]:
    names = []
    for package in (mooc, mooc.dsl, mooc.solver):
        for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            # the checkout root is on mooc.__path__: its mooc/ folder and setup.py are not modules
            if not info.name.endswith(("__main__", "mooc.mooc", "mooc.setup")):
                names.append(info.name)
    return sorted(set(names))


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name):
    module = importlib.import_module(name)
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0
