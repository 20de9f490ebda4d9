"""The files a solve reads besides the model are read up to a stated size, and a reference
front that is not one is refused with the reason."""

from __future__ import annotations

import os

import pytest

import mooc
from mooc.cli import main
from mooc.errors import UsageError

QUICK = ["--population", "10", "--generations", "2", "--seed", "1", "--quiet"]


def _solve(capsys, *argv):
    code = main(["solve", *map(str, argv)])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("argv,message", [
    (["zdt1", *QUICK, "--reference", "/dev/zero"],
     "error: --reference '/dev/zero' holds more than 256 MB; mooc reads at most that much"),
    (["zdt1", *QUICK, "--initial", "/dev/zero"],
     "error: --initial '/dev/zero' holds more than 256 MB; mooc reads at most that much"),
    (["--rerun", "/dev/zero"], "error: --rerun takes a file, but '/dev/zero' is not a regular file"),
    (["--resume", "/dev/zero"], "error: --resume takes a file, but '/dev/zero' is not a regular file"),
    (["--resume", "/tmp"], "error: --resume takes a file, but '/tmp' is a folder"),
])
def test_a_special_file_is_refused_instead_of_read_without_end(capsys, argv, message):
    code, err = _solve(capsys, *argv)
    assert code == 2 and err.startswith(message), err


def test_an_output_too_large_to_rerun_from_is_refused_by_its_size(capsys, tmp_path):
    huge = tmp_path / "front.json"
    with open(huge, "wb") as stream:  # sparse: takes no room on disk
        stream.truncate(300 * 1024 * 1024)
    code, err = _solve(capsys, "--rerun", huge)
    assert code == 2
    assert f"--rerun '{huge}' holds 300 MB, more than the 256 MB mooc reads" in err


def test_python_resume_refuses_a_special_file():
    with pytest.raises(UsageError, match="the checkpoint takes a file, but '/dev/zero' is not"):
        mooc.resume("/dev/zero")


@pytest.mark.parametrize("text,message", [
    ("a,b\nc,d\n", "is not a CSV file of numbers: could not convert string 'c'"),
    ("1,2,3\n4,5,6\n", "has 3 columns, but the problem has 2 objectives"),
    ("1,2\nnan,3\n", "has a value that is not a finite number in point 2: nan,3"),
    ("1,2\n3,inf\n", "has a value that is not a finite number in point 2: 3,inf"),
    ("", "holds no points"),
    ("# only a comment\n", "holds no points"),
    ("1,2\n3\n", "is not a CSV file of numbers: the number of columns changed"),
])
def test_a_reference_that_is_not_a_front_is_refused_with_the_reason(capsys, tmp_path, text,
                                                                    message):
    reference = tmp_path / "reference.csv"
    reference.write_text(text)
    code, err = _solve(capsys, "zdt1", *QUICK, "--reference", reference)
    assert code == 2
    assert err.startswith(f"error: the reference front '{reference}' {message}"), err


def test_a_reference_with_a_header_and_comments_is_read(capsys, tmp_path):
    reference = tmp_path / "reference.csv"
    reference.write_text("# the true front\nf1,f2\n0,1\n0.5,0.3\n1,0\n")
    code = main(["solve", "zdt1", "--population", "10", "--generations", "2", "--seed", "1",
                 "--rows", "0", "--reference", str(reference)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "IGD  " in out and "of the reference front's" in out


LONG = "x" * 300  # longer than a file name may be: looking at the path raised OSError


@pytest.mark.parametrize("argv,message", [
    (["solve", f"{LONG}.moo"], f"error: no model file '{LONG}.moo'"),
    (["check", f"{LONG}.moo"], f"error: no model file '{LONG}.moo'"),
    (["solve", "--resume", f"{LONG}.ckpt"],
     f"error: cannot resume from '{LONG}.ckpt': File name too long"),
    (["pick", f"{LONG}.csv", "knee"],
     f"error: cannot read a result from '{LONG}.csv': [Errno 36] File name too long"),
])
def test_a_file_name_too_long_is_an_error_in_words(capsys, argv, message):
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith(message)


def test_a_model_whose_file_name_is_not_utf8_compiles(tmp_path):
    # the generated code's first line named the file, with its undecodable byte as a lone
    # surrogate, which compile() cannot encode: a traceback
    path = tmp_path / os.fsdecode(b"caf\xe9.moo")
    try:
        path.write_text("var x in [0, 1]\nminimize f: x\nminimize g: 1 - x\n")
    except (OSError, UnicodeError):
        pytest.skip("this file system takes only UTF-8 names")
    problem = mooc.load(path, cache=False)
    assert "caf\\udce9.moo" in problem.python_source.splitlines()[0]
    assert problem.evaluate([[0.25]]).F.tolist() == [[0.25, 0.75]]
