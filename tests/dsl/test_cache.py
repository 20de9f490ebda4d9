"""The compile cache: a hit gives exactly what a fresh compile gives, without sympy or lark; a
changed file, param or datum is compiled again; a corrupt, foreign or unsafe entry is ignored;
the folder stays bounded; several processes may share it."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from model_corpus import CORPUS, data_for, points_within_bounds

import mooc
from mooc.cli import main
from mooc.dsl import cache
from mooc.dsl.compiler import compile_text
from mooc.dsl.emitter import same_constant
from mooc.errors import MooError

ROOT = Path(__file__).parents[2]
ZDT1 = ROOT / "examples" / "zdt1.moo"


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A fresh, empty cache folder for the test."""
    place = tmp_path / "cache"
    monkeypatch.setenv("MOOC_CACHE_DIR", str(place))
    return place / "models"


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.npz")) if folder.is_dir() else []


def _same_value(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return same_constant(a, b)
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        return type(a) is type(b) and all(_same_value(getattr(a, f.name), getattr(b, f.name))
                                          for f in dataclasses.fields(a))
    if isinstance(a, dict):
        return type(b) is dict and list(a) == list(b) and all(_same_value(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same_value, a, b))
    return type(a) is type(b) and a == b


def _same_spans(a: dict, b: dict) -> bool:
    """Spans compare by place; their source files by name and text."""
    return list(a) == list(b) and all(
        (x is None and y is None) or (x == y and x.source == y.source) for x, y in
        zip(a.values(), b.values(), strict=True))


@pytest.mark.parametrize("name, text, filename", CORPUS, ids=[c[0] for c in CORPUS])
def test_a_cache_hit_is_exactly_a_fresh_compile(name, text, filename, folder):
    data = data_for(filename)
    try:
        fresh = compile_text(text, filename, data=data)
    except MooError as error:  # a doc block that shows an error: the cache keeps no errors
        with pytest.raises(MooError, match="") as again:
            cache.compile_model(text, filename, data=data)
        assert str(again.value) == str(error) and not _entries(folder)
        return
    stored = cache.compile_model(text, filename, data=data)
    hit = cache.compile_model(text, filename, data=data)
    assert not stored.cached and hit.cached
    assert hit.code.source == fresh.code.source
    assert _same_value({k: v for k, v in vars(hit.code).items() if k != "site_spans"},
                       {k: v for k, v in vars(fresh.code).items() if k != "site_spans"})
    assert _same_spans(hit.code.site_spans, fresh.code.site_spans)
    assert _same_value(hit.layout, fresh.layout)
    X = points_within_bounds(fresh)
    for got, want in zip(hit.evaluate(X), fresh.evaluate(X), strict=True):
        assert got.tobytes() == want.tobytes()


def test_a_hit_imports_neither_sympy_nor_lark(folder):
    """Nor the syntax tree (34 dataclasses: 25-45 ms of a 300 ms start, which the command's
    reading of numbers pulled in through the JSON reader)."""
    script = ("import sys, mooc\n"
              "from mooc.cli import main\n"
              "code = main(['solve', sys.argv[1], '--generations', '3', '--quiet'])\n"
              "print(code, 'sympy' in sys.modules, 'lark' in sys.modules or "
              "'mooc.dsl.ast' in sys.modules)\n")
    env = {**os.environ, "MOOC_CACHE_DIR": str(folder.parent)}
    runs = [subprocess.run([sys.executable, "-c", script, str(ZDT1)], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=120) for _ in range(2)]
    # a compile imports sympy and the syntax tree (lark only for what the fast parser leaves:
    # not this model)
    assert [r.stdout.split() for r in runs] == [["0", "True", "True"], ["0", "False", "False"]], \
        [r.stderr for r in runs]
    assert len(_entries(folder)) == 1


def test_mooc_show_and_check_work_from_a_hit(folder, capsys):
    assert main(["show", str(ZDT1), "--no-cache"]) == 0
    fresh = capsys.readouterr().out
    assert not _entries(folder)
    assert main(["check", str(ZDT1)]) == 0 and main(["check", str(ZDT1)]) == 0
    assert len(_entries(folder)) == 1
    first, second = capsys.readouterr().out.splitlines()
    assert "(compiled in " in first and "(from the compile cache in " in second
    problem = mooc.load(ZDT1)
    assert problem._compiled.cached and problem._compiled.built is None
    assert main(["show", str(ZDT1)]) == 0
    assert capsys.readouterr().out == fresh


def test_no_cache_neither_reads_nor_writes(folder):
    mooc.load(ZDT1, cache=False)
    mooc.compile("var x in [0, 1]\nminimize f: x\n", cache=False)
    assert not _entries(folder)
    assert not mooc.load(ZDT1)._compiled.cached
    assert not mooc.load(ZDT1, cache=False)._compiled.cached
    assert mooc.load(ZDT1)._compiled.cached


def test_params_and_data_are_part_of_the_key(folder, tmp_path):
    X = np.full((1, 8), 0.25)
    for n in (8, 8.0, 8):
        problem = mooc.load(ZDT1, params={"n": n})
        assert problem.n_var == 8 and problem.evaluate(X).F.shape == (1, 2)
    assert len(_entries(folder)) == 2  # 8 and 8.0 are told apart (they might compile apart)
    model = tmp_path / "w.moo"
    model.write_text("param w\nvar x in [0, 1]\nminimize f: w * x\nminimize g: 1 - x\n")
    for w in (2.0, 3.0, 2.0, np.float64(3.0)):
        assert mooc.load(model, data={"w": w}).evaluate([[1.0]]).F[0, 0] == w


def test_a_changed_include_data_file_or_param_file_is_compiled_again(folder, tmp_path):
    (tmp_path / "part.moo").write_text("minimize f: x\n")
    (tmp_path / "values.json").write_text('{"w": 2}')
    (tmp_path / "scale.json").write_text("10")
    model = tmp_path / "m.moo"
    model.write_text('param w\nparam s\nvar x in [0, 1]\ninclude "part.moo"\ndata "values.json"\n'
                     "minimize g: w * s * (1 - x)\n")

    def values():
        problem = mooc.load(model, params={"s": f"@{tmp_path / 'scale.json'}"})
        return problem._compiled.cached, problem.evaluate([[0.0]]).F.tolist()

    assert values() == (False, [[0.0, 20.0]])
    assert values() == (True, [[0.0, 20.0]])
    (tmp_path / "part.moo").write_text("minimize f: x + 1\n")
    assert values() == (False, [[1.0, 20.0]])
    (tmp_path / "values.json").write_text('{"w": 3}')
    assert values() == (False, [[1.0, 30.0]])
    (tmp_path / "scale.json").write_text("100")
    assert values() == (False, [[1.0, 300.0]])
    assert values() == (True, [[1.0, 300.0]])


def test_a_file_that_appears_where_a_library_problem_was_found_is_compiled_again(folder, tmp_path,
                                                                                 monkeypatch):
    monkeypatch.chdir(tmp_path)
    model = tmp_path / "m.moo"
    model.write_text('include "zdt1"\n')
    assert mooc.load(model, params={"n": 3}).n_var == 3
    assert mooc.load(model, params={"n": 3})._compiled.cached
    (tmp_path / "zdt1").write_text("param n = 3\nvar y[1..n] in [0, 1]\nminimize f: y[1]\n"
                                   "minimize g: y[2]\n")
    problem = mooc.load(model, params={"n": 3})
    assert not problem._compiled.cached and problem.variable_names[0] == "y[1]"


def test_the_current_folder_is_part_of_the_key(folder, tmp_path, monkeypatch):
    for name, objective in (("a", "x"), ("b", "1 - x")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "part.moo").write_text(f"minimize f: {objective}\nminimize g: x^2\n")
    text = 'var x in [0, 1]\ninclude "part.moo"\n'
    for name, value in (("a", 0.25), ("b", 0.75), ("a", 0.25)):
        monkeypatch.chdir(tmp_path / name)
        assert mooc.compile(text).evaluate([[0.25]]).F[0, 0] == value


def _entry_of(folder: Path) -> Path:
    (entry,) = _entries(folder)
    return entry


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty", "digest"])
def test_a_corrupt_entry_is_ignored_and_rebuilt(folder, damage):
    expected = mooc.load(ZDT1).evaluate(np.full((2, 30), 0.3)).F
    entry = _entry_of(folder)
    data = bytearray(entry.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip":
        data[len(data) // 3] ^= 0xFF
    elif damage == "garbage":
        data = bytearray(b"not a cache entry" * 10)
    elif damage == "empty":
        data = bytearray()
    else:  # a well-formed file whose contents do not match its digest
        with np.load(entry) as stored:
            members = {name: stored[name] for name in stored.files}
        document = bytearray(members["entry"].tobytes())
        at = document.index(b'"name"')
        document[at:at + 6] = b'"NAME"'
        members["entry"] = np.frombuffer(bytes(document), np.uint8)
        with open(entry, "wb") as stream:
            np.savez(stream, **members)
        data = bytearray(entry.read_bytes())
    entry.write_bytes(bytes(data))
    problem = mooc.load(ZDT1)
    assert not problem._compiled.cached
    assert np.array_equal(problem.evaluate(np.full((2, 30), 0.3)).F, expected)
    assert mooc.load(ZDT1)._compiled.cached


def test_a_foreign_entry_is_ignored(folder):
    """An entry renamed to another model's key answers another request: not used."""
    mooc.load("schaffer_n1")
    schaffer = _entry_of(folder)
    problem = mooc.load(ZDT1)
    zdt1 = next(p for p in _entries(folder) if p != schaffer)
    zdt1.write_bytes(schaffer.read_bytes())
    again = mooc.load(ZDT1)
    assert not again._compiled.cached and again.n_var == problem.n_var == 30


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_an_entry_or_folder_others_may_write_is_not_used(folder):
    mooc.load(ZDT1)
    entry = _entry_of(folder)
    entry.chmod(0o666)
    assert not mooc.load(ZDT1)._compiled.cached  # and it is replaced by a private one
    assert entry.stat().st_mode & 0o077 == 0 and mooc.load(ZDT1)._compiled.cached
    folder.chmod(0o777)
    try:
        assert not mooc.load(ZDT1)._compiled.cached
    finally:
        folder.chmod(0o700)


def test_an_unusable_cache_folder_only_costs_the_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "a file"
    blocker.write_text("")
    monkeypatch.setenv("MOOC_CACHE_DIR", str(blocker))
    problem = mooc.load(ZDT1)
    assert not problem._compiled.cached and problem.n_var == 30


def test_values_the_cache_cannot_key_on_are_compiled_without_it(folder, tmp_path):
    model = tmp_path / "w.moo"
    model.write_text("param w\nvar x in [0, 1]\nminimize f: w * x\nminimize g: 1 - x\n")
    data = types.MappingProxyType({"w": 2.0})
    assert mooc.load(model, data=data).evaluate([[1.0]]).F[0, 0] == 2.0
    assert not _entries(folder)


def test_the_folder_keeps_the_most_recently_used_entries(folder, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    for n in range(2, 7):
        mooc.load(ZDT1, params={"n": n})
        for age, entry in enumerate(sorted(_entries(folder), key=os.path.getmtime)):
            os.utime(entry, (1e9 + age, 1e9 + age))  # in order of use, a second apart
    assert len(_entries(folder)) == 3
    assert mooc.load(ZDT1, params={"n": 4})._compiled.cached  # used now: the most recent
    mooc.load(ZDT1, params={"n": 7})
    cached = {n: mooc.load(ZDT1, params={"n": n})._compiled.cached for n in (4, 5, 7)}
    assert cached == {4: True, 5: False, 7: True}
    monkeypatch.setattr(cache, "MAX_BYTES", 1)
    mooc.load(ZDT1, params={"n": 8})
    assert not _entries(folder)


def test_stale_temporary_files_are_removed(folder):
    mooc.load(ZDT1)
    stale = folder / ".tmp-killed.npz"
    stale.write_bytes(b"half")
    os.utime(stale, (0, 0))
    fresh = folder / ".tmp-writing.npz"
    fresh.write_bytes(b"half")
    mooc.load(ZDT1, params={"n": 4})
    assert not stale.exists() and fresh.exists()


_RACE = """
import sys
import mooc
problem = mooc.load(sys.argv[1], params={"n": 12})
print(problem._compiled.cached, problem.evaluate([[0.5] * 12]).F.tolist())
"""


def test_processes_compiling_the_same_model_at_once_share_the_folder(folder):
    env = {**os.environ, "MOOC_CACHE_DIR": str(folder.parent)}
    runs = [subprocess.Popen([sys.executable, "-c", _RACE, str(ZDT1)], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(4)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert all(run.returncode == 0 for run in runs), [err for _, err in outputs]
    values = {out.split(" ", 1)[1] for out, _ in outputs}
    assert len(values) == 1
    assert len(_entries(folder)) == 1 and not list(folder.glob(".tmp-*"))
    assert mooc.load(ZDT1, params={"n": 12})._compiled.cached


def test_a_rerun_and_a_resume_from_the_cache_give_the_same_front(folder, tmp_path, capsys):
    out, checkpoint = tmp_path / "front.json", tmp_path / "run.ckpt"
    assert main(["solve", str(ZDT1), "--generations", "5", "--population", "20", "--seed", "3",
                 "--quiet", "--out", str(out), "--checkpoint", str(checkpoint)]) == 0
    rerun = tmp_path / "again.json"
    assert main(["solve", "--rerun", str(out), "--quiet", "--out", str(rerun)]) == 0
    assert main(["solve", "--resume", str(checkpoint), "--quiet"]) == 0
    first, second = (json.loads(p.read_text()) for p in (out, rerun))
    assert (first["X"], first["F"]) == (second["X"], second["F"])
    assert len(_entries(folder)) == 1


@pytest.mark.parametrize("chosen, platform, expected", [
    ({"MOOC_CACHE_DIR": "/somewhere/mooc-cache"}, "linux", "/somewhere/mooc-cache"),
    ({"XDG_CACHE_HOME": "/xdg"}, "linux", "/xdg/mooc"),
    ({"XDG_CACHE_HOME": "relative/ignored"}, "linux", "~/.cache/mooc"),
    ({}, "linux", "~/.cache/mooc"),
    ({}, "darwin", "~/Library/Caches/mooc"),
])
def test_the_cache_folder_follows_the_platform(chosen, platform, expected, monkeypatch):
    for name in ("MOOC_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in chosen.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "platform", platform)
    assert cache.cache_folder() == Path(expected).expanduser()


def test_text_python_cannot_encode_is_cached_too(folder):
    text = "var x in [0, 1]\nminimize f: x\nminimize g: 1 - x\n# \ud800 in a comment\n"
    assert [mooc.compile(text).evaluate([[0.5]]).F.tolist() for _ in range(2)] == [[[0.5, 0.5]]] * 2
    assert mooc.compile(text)._compiled.cached


def test_derivatives_are_generated_when_wanted_and_kept_by_the_cache(folder):
    circle = ROOT / "examples" / "circle.moo"
    first = mooc.load(circle)
    assert first._compiled.code.derivatives is None  # compiling spends no time on them
    assert first.derivatives.available
    X = np.array([[0.3, -0.8], [1.2, 0.1]])
    expected = first.jacobian(X)
    again = mooc.load(circle)
    assert again._compiled.cached and again._compiled.built is None
    assert again._compiled.code.derivatives == first.derivatives  # stored with the entry
    for got, want in zip(again.jacobian(X), expected, strict=True):
        np.testing.assert_array_equal(got, want)
    assert again._compiled.built is None  # nothing compiled again for them
    assert len(_entries(folder)) == 1
