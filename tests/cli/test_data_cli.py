"""The mooc command with data: --data FILE for check, show and solve, --set NAME=@FILE, errors
located in the data file (exit 2, no traceback), and a rerun that reads the same data again."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mooc.cli import main

ROOT = Path(__file__).parents[2]
PLAN = ROOT / "examples" / "plan"
DATA = ["--data", PLAN / "products.csv", "--data", PLAN / "resources.json"]
SMALL = ["--population", "24", "--generations", "5", "--seed", "1"]
PRODUCTS = ("bolt", "nut", "washer", "bracket", "hinge", "gear", "shaft", "pulley", "spring",
            "clamp")


def _run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_solve_the_plan_labels_the_front_by_product(capsys, tmp_path):
    out_csv = tmp_path / "front.csv"
    code, out, err = _run(capsys, "solve", PLAN / "plan.moo", *DATA, *SMALL, "--out", out_csv)
    assert code == 0, err
    header = out.splitlines()[0].split()
    assert header[:2] == ["total_profit", "total_co2"]
    assert "hours[lathe]" in header and "make[bolt]" in header
    with open(out_csv, newline="") as stream:
        rows = list(csv.reader(line for line in stream if not line.startswith("#")))
    assert rows[0][:10] == [f"make[{p}]" for p in PRODUCTS]
    assert len(rows) > 1


def test_check_and_show_take_data(capsys):
    code, out, err = _run(capsys, "check", PLAN / "plan.moo", *DATA)
    assert code == 0, err
    assert "10 variables, 2 objectives, 4 hard" in out
    code, out, err = _run(capsys, "show", PLAN / "plan.moo", *DATA)
    assert code == 0, err
    assert "products = {bolt, nut, washer, bracket, ...}  (10 labels)" in out
    assert "make[products]" in out and "p \u2208 products" in out and "for r in resources" in out
    assert "make[1]" not in out


def test_without_its_data_the_model_says_what_is_missing(capsys):
    code, out, err = _run(capsys, "check", PLAN / "plan.moo")
    assert code == 2
    assert "plan.moo:6:5: error: set 'products' has no labels" in err
    assert "(data read: none)" in err and "Traceback" not in err
    code, out, err = _run(capsys, "check", PLAN / "plan.moo", "--data", PLAN / "products.csv")
    assert code == 2
    assert "set 'resources' has no labels" in err and f"(data read: {PLAN / 'products.csv'})" in err


def test_set_a_param_from_a_file(capsys, tmp_path):
    profit = tmp_path / "profit.csv"
    profit.write_text("products,profit\n" + "".join(f"{p},{k + 1}\n" for k, p in enumerate(PRODUCTS)))
    out_json = tmp_path / "front.json"
    code, out, err = _run(capsys, "solve", PLAN / "plan.moo", *DATA, *SMALL, "--set",
                          f"profit=@{profit}", "--out", out_json)
    assert code == 0, err
    metadata = json.loads(out_json.read_text())["metadata"]
    assert metadata["params"]["profit"] == [float(k) for k in range(1, 11)]
    assert metadata["overrides"] == {"profit": f"@{profit}"}
    assert metadata["data"] == [str(PLAN / "products.csv"), str(PLAN / "resources.json")]


def test_set_a_table_by_label_on_the_command_line(capsys, tmp_path):
    profit = json.dumps({p: k + 1 for k, p in enumerate(PRODUCTS)})
    out_json = tmp_path / "front.json"
    code, _, err = _run(capsys, "solve", PLAN / "plan.moo", *DATA, *SMALL, "--set",
                        f"profit={profit}", "--out", out_json, "--quiet")
    assert code == 0, err
    metadata = json.loads(out_json.read_text())["metadata"]
    assert metadata["params"]["profit"] == [float(k) for k in range(1, 11)]


def test_a_bad_cell_is_reported_in_the_data_file(capsys, tmp_path):
    bad = tmp_path / "products.csv"
    text = (PLAN / "products.csv").read_text().replace("hinge,7,", "hinge,seven,")
    bad.write_text(text)
    code, out, err = _run(capsys, "solve", PLAN / "plan.moo", "--data", bad, "--data",
                          PLAN / "resources.json", *SMALL)
    assert code == 2
    assert err.splitlines()[:3] == [f"{bad}:6:7: error: expected a number, but found 'seven'",
                                    "    hinge,seven,200,1.6", "          ^^^^^"]


@pytest.mark.parametrize("argv,message", [
    (["--set", "profit=@nowhere.json"], "cannot read the data file"),
    (["--set", "profit=@"], "--set profit=@ names no file: give --set profit=@FILE"),
    (["--set", "profit=@" + str(PLAN / "resources.json")],
     "'resources' is not a label of the set 'products'"),
    (["--data", PLAN / "plan.moo"], "is not a data file mooc reads"),
])
def test_bad_data_arguments_exit_2(capsys, argv, message):  # profit=@FILE: the file is the value
    code, out, err = _run(capsys, "check", PLAN / "plan.moo", *DATA, *argv)
    assert code == 2
    assert message in err and "Traceback" not in err


def test_rerun_reads_the_same_data(capsys, tmp_path):
    first = tmp_path / "first.json"
    code, _, err = _run(capsys, "solve", PLAN / "plan.moo", *DATA, *SMALL, "--out", first)
    assert code == 0, err
    again = tmp_path / "again.json"
    code, _, err = _run(capsys, "solve", "--rerun", first, "--out", again, "--quiet")
    assert code == 0, err
    assert json.loads(first.read_text())["F"] == json.loads(again.read_text())["F"]


def test_resume_refuses_data_given_again(capsys, tmp_path):
    checkpoint = tmp_path / "run.ckpt"
    code, _, err = _run(capsys, "solve", PLAN / "plan.moo", *DATA, *SMALL, "--checkpoint",
                        checkpoint, "--quiet")
    assert code == 0, err
    code, _, err = _run(capsys, "solve", "--resume", checkpoint, *DATA)
    assert code == 2 and "nor --data" in err
    code, _, err = _run(capsys, "solve", "--resume", checkpoint, "--generations", "6", "--quiet")
    assert code == 0, err


def test_python_m_mooc_with_data_in_a_subprocess(tmp_path):
    done = subprocess.run([sys.executable, "-m", "mooc", "solve", str(PLAN / "plan.moo"),
                           *map(str, DATA), *SMALL, "--rows", "2"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "make[bolt]" in done.stdout
