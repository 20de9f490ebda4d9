"""Every option of a solve is checked before the run, on the command line and in Python, and
every seed mooc records can be given back."""

from __future__ import annotations

import json
import re
import time
from fractions import Fraction

import numpy as np
import pytest

import mooc
from mooc.cli import main
from mooc.errors import ParameterError, UsageError
from mooc.options import check_settings

QUICK = ["--population", "10", "--generations", "2", "--quiet"]

BAD_FLAGS = [
    (["--population", "1000000000"], "--population takes a whole number from 2 to 10,000,000"),
    (["--population", "1"], "--population takes a whole number from 2"),
    (["--timeout", "nan"], "--timeout takes a positive number, but was given nan"),
    (["--timeout", "inf"], "--timeout takes a positive number, but was given inf"),
    (["--timeout", "0"], "--timeout takes a positive number, but was given 0.0"),
    (["--checkpoint-every", "-1"], "--checkpoint-every takes a number of at least 0"),
    (["--checkpoint-every", "nan"], "--checkpoint-every takes a number of at least 0, but was "
                                    "given nan"),
    (["--workers", "0"], "--workers takes a whole number from 1 to 1,024, but was given 0"),
    (["--workers", "100000"], "--workers takes a whole number from 1 to 1,024"),
    (["--seed", "-1"], "--seed takes a whole number of at least 0, but was given -1"),
    (["--dask", "local:abc"], "--dask local:N takes a whole number of workers from 1 to 1024, "
                              "but was given 'local:abc'"),
    (["--dask", "local:0"], "--dask local:N takes a whole number of workers"),
    (["--generations", "-1"], "--generations takes a whole number of at least 0"),
    (["--max-evaluations", "0"], "--max-evaluations takes a whole number of at least 1"),
    (["--rows", "-1"], "--rows takes a whole number of at least 0, but was given -1"),
    (["--set", "n=NaN"], "--set n: 'NaN' is not a finite number"),
    (["--set", "n=Infinity"], "--set n: 'Infinity' is not a finite number"),
    (["--set", "n=-Infinity"], "--set n: '-Infinity' is not a finite number"),
    (["--set", "n=1e999"], "--set n: '1e999' is beyond the float range: the largest is about "
                           "1.8e308; params take finite numbers"),
    (["--set", "n=[1, NaN]"], "--set n: '[1, NaN]' is not a finite number"),
    (["--set", "n=1" + "0" * 400], "--set n: '100000000000000000000000000000...' is beyond the "
                                   "float range"),
    (["--set", "n=[2, -1e999]"], "--set n: '[2, -1e999]' holds -1e999, beyond the float range"),
    (["--set", "n=[1" + "0" * 400 + "]"], "holds 100000000000...0000 (401 digits), beyond the "
                                          "float range"),
    # a number no float holds is quoted as written, never as the inf it rounds to
    (["--timeout", "1" + "0" * 400], "--timeout takes a positive number, but was given "
                                     "100000000000...0000 (401 digits), beyond the float range: "
                                     "the largest is about 1.8e308"),
    (["--timeout", "1e400"], "--timeout takes a positive number, but was given 1e400, beyond "
                             "the float range"),
    (["--timeout=-1e400"], "--timeout takes a positive number, but was given -1e400, beyond "
                           "the float range"),
    (["--timeout", "1e-400"], "--timeout takes a positive number, but was given 1e-400, closer "
                              "to 0 than a float can be"),
    (["--checkpoint-every", "9" * 400 + ".5"], "--checkpoint-every takes a number of at least 0, "
                                              "but was given 999999999999999999999999999999..., "
                                              "beyond the float range"),
    (["--population", "1e400"], "argument --population: invalid int value: '1e400'"),
    (["--seed", "1" + "0" * 5000], "--seed takes a whole number of at least 0, but was given "
                                   "100000000000...0000 (5,001 digits; at most 4,300 are read)"),
]


@pytest.mark.parametrize("flags,message", BAD_FLAGS, ids=lambda v: " ".join(v)[:30]
                         if isinstance(v, list) else None)
def test_a_bad_flag_is_refused_before_the_run_naming_the_flag(capsys, flags, message):
    started = time.perf_counter()
    code = main(["solve", "zdt1", *QUICK, *flags])
    _, err = capsys.readouterr()
    assert code == 2
    assert message in err, err
    assert "Traceback" not in err
    assert time.perf_counter() - started < 5  # refused, not run


BAD_OPTIONS = [
    ({"timeout": float("nan")}, "'timeout' takes a positive number, but was given nan"),
    ({"population": 10**9}, "'population' takes a whole number from 2 to 10,000,000"),
    ({"population": 2.5}, "'population' takes a whole number"),
    ({"workers": 0}, "'workers' takes a whole number from 1 to 1,024, but was given 0"),
    ({"seed": -1}, "'seed' takes a whole number of at least 0, but was given -1"),
    ({"seed": 1.5}, "'seed' takes a whole number"),
    ({"seed": "7"}, "'seed' takes a whole number of at least 0, but was given '7'"),
    ({"dask": "local:abc"}, "'dask' local:N takes a whole number of workers"),
    ({"checkpoint_every": float("nan")}, "'checkpoint_every' takes a number of at least 0"),
    ({"checkpoint_every": -1}, "'checkpoint_every' takes a number of at least 0"),
    ({"max_evaluations": 0}, "'max_evaluations' takes a whole number of at least 1"),
    ({"generations": True}, "'generations' takes a whole number of at least 0, but was given True"),
    ({"stall_generations": 0}, "'stall_generations' takes a whole number of at least 1"),
    ({"max_front": 0}, "'max_front' takes a whole number of at least 1"),
    ({"crossover_eta": float("inf")}, "'crossover_eta' takes a number of at least 0"),
    ({"mutation_eta": -1.0}, "'mutation_eta' takes a number of at least 0"),
    ({"crossover_prob": 1.5}, "'crossover_prob' takes a number from 0 to 1, but was given 1.5"),
    ({"mutation_prob": float("nan")}, "'mutation_prob' takes a number from 0 to 1"),
    ({"penalty": float("inf")}, "'penalty' takes a number of at least 0, but was given inf"),
    ({"epsilon": -0.5}, "'epsilon' takes a number of at least 0, but was given -0.5"),
    ({"callback": 5}, "'callback' takes a function, but was given 5"),
    ({"checkpoint": "/proc/run.ckpt"}, "cannot write 'checkpoint' '/proc/run.ckpt': No such file"),
    ({"checkpoint": "/tmp"}, "cannot write 'checkpoint' '/tmp': it is a folder"),
]


WHOLE_FLAGS = ["--population", "--generations", "--max-evaluations", "--seed", "--workers",
               "--max-subproblems", "--rows"]


@pytest.mark.parametrize("flag", WHOLE_FLAGS)
@pytest.mark.parametrize("sign", ["", "-"])
def test_a_whole_number_flag_of_more_digits_than_python_reads_gets_a_short_message(
        capsys, flag, sign):
    # argparse said "invalid int value: '1111...'" with every one of the 5,000 digits
    digits = sign + "1" * 4999 + "2"
    code = main(["solve", "zdt1", *QUICK, flag, digits])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert err.startswith(f"error: {flag} takes a whole number") and len(err) < 300, err[:400]
    assert err.rstrip().endswith(f"but was given {digits[:12]}...1112 (5,000 digits; at most "
                                 "4,300 are read)"), err


@pytest.mark.parametrize("flag", ["--timeout", "--checkpoint-every"])
@pytest.mark.parametrize("written", ["1e400", "-1e400", "1" + "0" * 400, "1" + "0" * 400 + ".5",
                                     "2.5E+999"])
def test_a_number_flag_beyond_the_float_range_is_quoted_as_written_not_as_inf(
        capsys, flag, written):
    code = main(["solve", "zdt1", *QUICK, f"{flag}={written}"])
    err = capsys.readouterr().err
    assert code == 2 and "inf" not in err, err
    assert "beyond the float range: the largest is about 1.8e308" in err
    shown = written if len(written) <= 40 else written[:30] + "..."
    if written.isdigit():
        shown = f"{written[:12]}...{written[-4:]} ({len(written):,} digits)"
    assert f"but was given {shown}, beyond" in err, err


LONG_DOUBLE_REACHES_1E400 = bool(np.isfinite(np.longdouble("1e400")))  # not on every machine


@pytest.mark.parametrize("key", ["timeout", "crossover_eta", "mutation_eta", "penalty",
                                 "epsilon", "checkpoint_every"])
@pytest.mark.parametrize("value", [
    10**400, Fraction(10**400), Fraction(-(10**400), 3),
    pytest.param(np.longdouble("1e400"), marks=pytest.mark.skipif(
        not LONG_DOUBLE_REACHES_1E400, reason="numpy's longdouble is a float here"))],
    ids=["int", "Fraction", "negative", "longdouble"])
def test_a_python_number_no_float_holds_is_refused_for_a_number_setting(key, value):
    problem = mooc.load("zdt1")
    with pytest.raises(UsageError) as caught:  # taken, then OverflowError in the run or check
        problem.solve(generations=1, **{key: value})
    message = str(caught.value)
    assert message.startswith(f"error: '{key}' takes a") and "inf" not in message, message
    assert len(message) < 200, message


def test_a_whole_python_number_beyond_the_float_range_is_kept_exact():
    assert check_settings({"seed": Fraction(10**400), "generations": 10**400}) == \
        {"seed": 10**400, "generations": 10**400}
    if LONG_DOUBLE_REACHES_1E400:
        assert check_settings({"seed": np.longdouble("1e400")})["seed"] == \
            int(np.longdouble("1e400"))


@pytest.mark.parametrize("flag,kind", [("--generations", "int"), ("--timeout", "float")])
def test_a_long_flag_value_that_is_no_number_is_cut_in_the_message(capsys, flag, kind):
    code = main(["solve", "zdt1", *QUICK, flag, "x" * 5000])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"error: argument {flag}: invalid {kind} value: '{'x' * 30}...'\n")
    assert len(err.splitlines()[0]) < 100


def test_a_python_whole_number_of_many_digits_is_cut_in_the_message():
    problem = mooc.load("zdt1")
    with pytest.raises(UsageError) as caught:  # 10**5000: repr raised Python's ValueError
        problem.solve(population=10**5000)
    assert str(caught.value).endswith("but was given an integer of more than 4,300 digits")
    with pytest.raises(UsageError) as caught:
        problem.solve(population=10**40)
    assert str(caught.value).endswith("but was given 100000000000...0000 (41 digits)")


@pytest.mark.parametrize("options,message", BAD_OPTIONS, ids=lambda v: str(v)[:30])
def test_a_bad_python_option_raises_a_usage_error_naming_it(options, message):
    problem = mooc.load("zdt1")
    with pytest.raises(UsageError) as caught:
        problem.solve(**{"population": 10, "generations": 1, **options})
    assert message in str(caught.value)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), 10**400,
                                   10**5000],  # no text of it: a traceback keying the cache
                         ids=["nan", "inf", "-inf", "10**400", "10**5000"])
def test_a_python_param_that_is_not_finite_is_refused_at_the_param(value):
    with pytest.raises(ParameterError) as caught:
        mooc.load("examples/kit.moo", params={"cap": value})
    assert ("kit.moo:6:7: error: the value given for param 'cap' is not a finite number"
            in str(caught.value))


@pytest.mark.parametrize("value,message", [
    ([12, 7, 11, 8, 9, float("nan")], "the value given for param 'w' is not a finite number"),
    ([1, 2, 3, 4, 5, 10**400], "param 'w' takes an array of numbers, but was given"),
])
def test_a_python_array_param_with_a_value_that_is_not_finite_is_refused(value, message):
    with pytest.raises(ParameterError) as caught:
        mooc.load("examples/kit.moo", params={"w": value})
    assert f"kit.moo:7:7: error: {message}" in str(caught.value)


# seeds ------------------------------------------------------------------------------------

def test_an_unseeded_run_records_a_seed_that_repeats_it_from_python():
    problem = mooc.load("zdt1")
    first = problem.solve(population=12, generations=4)
    assert first.seed == 0  # the default seed
    for again in (problem.solve(population=12, generations=4, seed=first.seed),
                  mooc.load("zdt1").solve(population=12, generations=4)):
        np.testing.assert_array_equal(first.F, again.F)
        np.testing.assert_array_equal(first.X, again.X)
    other = problem.solve(population=12, generations=4, seed=1)
    assert not np.array_equal(first.F, other.F)


def test_the_same_model_solved_twice_without_a_seed_prints_the_same_answer(capsys):
    outputs = []
    for _ in range(2):
        assert main(["solve", "examples/binh_korn.moo", "--generations", "10", "--rows",
                     "1000"]) == 0
        captured = capsys.readouterr()  # all but the time taken
        outputs.append(captured.out + re.sub(r"\d+:\d\d\n|\([0-9.]+ s, ", "", captured.err))
    assert outputs[0] == outputs[1] and "seed 0)" in outputs[0]


def test_a_seed_of_any_size_is_taken_and_recorded_whole():
    problem = mooc.load("zdt1")
    seed = 2**127 + 12345
    first = problem.solve(population=12, generations=3, seed=seed)
    assert first.seed == seed
    np.testing.assert_array_equal(first.F, problem.solve(population=12, generations=3,
                                                         seed=seed).F)


@pytest.mark.parametrize("flag", ["--seed", "--generations", "--max-evaluations"])
def test_a_whole_number_beyond_the_float_range_is_taken_whole_on_the_command_line(capsys,
                                                                                  tmp_path, flag):
    # 2**1024 has no float: its check once converted it to one (OverflowError, a traceback)
    limits = ["--generations", "2"] if flag == "--seed" else ["--timeout", "0.2"]
    out = tmp_path / "front.json"
    assert main(["solve", "binh_korn", "--population", "10", *limits, flag, str(2**1024),
                 "--quiet", "--out", str(out)]) == 0
    recorded = json.loads(out.read_text())["metadata"]
    assert recorded["settings"][flag[2:].replace("-", "_")] == 2**1024


@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_an_unseeded_run_is_repeated_by_rerun_and_by_its_printed_seed(capsys, tmp_path, suffix):
    first, again, by_seed = (tmp_path / name for name in ("first.json", "again.json", "seed.json"))
    recorded = tmp_path / f"first{suffix}"
    assert main(["solve", "zdt1", "--population", "12", "--generations", "4", "--out",
                 str(first), "--out", str(recorded)]) == 0
    err = capsys.readouterr().err
    seed = json.loads(first.read_text())["metadata"]["seed"]
    assert seed == 0 and f"seed {seed})" in err
    if suffix == ".csv":  # the CSV's side run record keeps the big int exact
        assert json.loads((tmp_path / "first.run.json").read_text())["metadata"]["seed"] == seed
    assert main(["solve", "--rerun", str(recorded), "--out", str(again), "--quiet"]) == 0
    assert main(["solve", "zdt1", "--population", "12", "--generations", "4", "--seed",
                 str(seed), "--out", str(by_seed), "--quiet"]) == 0
    fronts = [json.loads(path.read_text())["F"] for path in (first, again, by_seed)]
    assert fronts[0] == fronts[1] == fronts[2]


def test_an_unseeded_checkpointed_run_resumes_to_the_front_of_a_run_never_stopped(tmp_path):
    problem = mooc.load("zdt1")
    checkpoint = tmp_path / "run.ckpt"
    stopped = problem.solve(population=12, generations=3, checkpoint=checkpoint,
                            checkpoint_every=0)
    resumed = mooc.resume(checkpoint, generations=6)
    whole = problem.solve(population=12, generations=6, seed=stopped.seed)
    assert resumed.seed == stopped.seed == 0
    np.testing.assert_array_equal(resumed.F, whole.F)


def test_the_table_says_how_to_keep_the_rows_it_leaves_out_only_when_no_file_keeps_them(
        capsys, tmp_path):
    args = ["solve", "examples/binh_korn.moo", "--generations", "5", "--rows", "0"]
    assert main(args) == 0
    assert "more rows (use --out front.csv to keep all)" in capsys.readouterr().out
    assert main([*args, "--out", str(tmp_path / "front.csv")]) == 0
    out = capsys.readouterr().out
    assert "more rows" in out and "--out" not in out
    result = mooc.load("examples/binh_korn.moo").solve(generations=5)
    assert "--out" not in result.table(max_rows=2)  # Python has no --out


@pytest.mark.parametrize("value,message", [
    ("9" * 5000, "is beyond the float range"),  # json.loads: ValueError, beyond 4300 digits
    ("[" + "9" * 5000 + "]", "(5,000 digits; at most 4,300 are read), beyond the float range"),
    ("[" * 100 + "1" + "]" * 100, "is nested more than 99 levels deep"),
    ("[" * 10000 + "]" * 10000, "is nested more than 99 levels deep"),  # RecursionError decoding it
], ids=["digits", "digits in a list", "deep", "deeper"])
def test_a_set_value_python_cannot_take_as_it_is_is_an_error_in_words(capsys, value, message):
    assert main(["check", "zdt1", "--set", f"n={value}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --set n: ") and message in err, err[:300]
