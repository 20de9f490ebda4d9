"""moocore, imported without the start-up cost of what mooc does not use.

moocore's package imports its dataset downloader (``urllib.request``, ``http.client``,
``ssl``, ``email``, ``platformdirs``) and looks up its own version with
``importlib.metadata``: about 35 ms of a 45 ms import, 8-10% of a cached ``mooc solve``.
mooc uses only the numeric functions of ``moocore._moocore``. :func:`import_moocore` makes
the package's module with those functions, and the first use of any other name of it (a
dataset, ``__version__``, anything not listed in :data:`CORE_NAMES`) runs moocore's own
``__init__`` in place, so the package ends up exactly as a plain ``import moocore`` leaves it.
Whatever goes wrong on the way -- a moocore laid out differently -- falls back to the plain
import. When moocore is already imported, it is used as it is.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from types import ModuleType

#: The names of ``moocore._moocore`` given to the package at once (moocore's ``__init__``
#: imports the same names from there).
CORE_NAMES = ("Hypervolume", "hypervolume", "hv_contributions", "igd", "igd_plus",
              "is_nondominated", "pareto_rank")


def _lean(name: str) -> ModuleType:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        raise ImportError(f"{name} is not a package")
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    try:
        core = importlib.import_module(f"{name}._moocore")
        for attribute in CORE_NAMES:
            setattr(package, attribute, getattr(core, attribute))
    except BaseException:
        sys.modules.pop(name, None)
        sys.modules.pop(f"{name}._moocore", None)
        raise
    lock = threading.Lock()

    def __getattr__(attribute: str) -> object:  # PEP 562: only names not there yet
        with lock:
            if package.__dict__.get("__getattr__") is __getattr__:
                del package.__dict__["__getattr__"]
                spec.loader.exec_module(package)  # type: ignore[union-attr]
        return getattr(package, attribute)

    setattr(package, "__getattr__", __getattr__)  # noqa: B010 (a module attribute mypy cannot type)
    return package


def import_moocore(name: str = "moocore") -> ModuleType:
    """The moocore package (see the module); ``name`` is for tests.

    Examples
    --------
    >>> import numpy as np
    >>> import_moocore().pareto_rank(np.array([[1.0, 2.0], [2.0, 3.0]])).tolist()
    [0, 1]
    """
    if name in sys.modules:
        return sys.modules[name]
    try:
        return _lean(name)
    except Exception:  # a layout this module does not know: moocore's own import
        return importlib.import_module(name)
