"""Resuming loses nothing: a run stopped at any moment, its resume included, and resumed ends
with exactly the front and the evaluations of a run never stopped."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import mooc
from mooc.checkpoint import read_checkpoint
from mooc.problem import Problem

SETTINGS = {"population": 10, "seed": 1}


def _interrupt(*args: object, **kwargs: object) -> None:
    raise KeyboardInterrupt


@pytest.mark.parametrize("name", ["binh_korn", "dtlz2"])  # NSGA-II and NSGA-III
def test_ctrl_c_as_a_resumed_run_starts_keeps_the_checkpoint_s_run(tmp_path, monkeypatch,
                                                                   name):
    # Ctrl-C after the resumed run took the checkpoint's lock but before its first generation:
    # the checkpoint was saved with no run in it, and the next resume started afresh (NSGA-II)
    problem = mooc.load(name)
    checkpoint = str(tmp_path / "run.ckpt")
    problem.solve(generations=3, checkpoint=checkpoint, **SETTINGS)
    with monkeypatch.context() as patched:
        patched.setattr(Problem, "as_solver_problem", _interrupt)
        with pytest.raises(KeyboardInterrupt):
            mooc.resume(checkpoint, generations=6)
    saved = read_checkpoint(checkpoint)
    assert saved.state is not None and saved.state.generation == 3
    resumed = mooc.resume(checkpoint, generations=6)
    whole = problem.solve(generations=6, **SETTINGS)
    assert resumed.method == whole.method
    np.testing.assert_array_equal(resumed.F, whole.F)


def test_an_optimizer_resumed_and_stopped_again_at_once_keeps_the_values_told(tmp_path):
    # the resumed optimizer saved its checkpoint at its start without the values told before
    # the stop: a second stop before the next tell lost them, and they were asked for again
    problem = mooc.load("binh_korn")
    path = tmp_path / "run.ckpt"
    first = problem.optimizer(generations=4, checkpoint=path, **SETTINGS)
    X = first.ask()
    ev = problem.evaluate(X)
    first.tell(X, ev.F, violations=ev.violation)
    X = first.ask(4)
    first.tell(X, problem.evaluate(X).F, violations=problem.evaluate(X).violation)
    first.close()  # a crash with four values of generation 1 told
    problem.optimizer(checkpoint=path, resume=True).close()  # and another, at once
    again = problem.optimizer(checkpoint=path, resume=True)
    assert len(again.ask()) == SETTINGS["population"] - 4


def test_an_nsga3_run_stopped_before_its_first_generation_resumes_with_nsga3(tmp_path,
                                                                             monkeypatch):
    # such a checkpoint holds no solver state, and its settings did not say the method: the
    # resume ran NSGA-II
    problem = mooc.load("dtlz2")
    checkpoint = str(tmp_path / "run.ckpt")
    with monkeypatch.context() as patched:
        patched.setattr(Problem, "as_solver_problem", _interrupt)
        with pytest.raises(KeyboardInterrupt):
            problem.solve(generations=3, checkpoint=checkpoint, **SETTINGS)
    assert read_checkpoint(checkpoint).state is None
    resumed = mooc.resume(checkpoint)
    whole = problem.solve(generations=3, **SETTINGS)
    assert resumed.method == whole.method == "nsga3"
    np.testing.assert_array_equal(resumed.F, whole.F)


def _solve(*argv: str) -> int:
    from mooc.cli import main

    return main(["solve", *argv, "--quiet"])


RUN = ["binh_korn", "--population", "10", "--seed", "1"]  # with gradient steps


def test_a_resumed_run_with_gradient_steps_keeps_every_evaluation_once(tmp_path, monkeypatch):
    # the resumed log counted the gradient evaluations as rows: its numbers jumped, and the
    # rows past the run's count were left out of the file
    whole, part = tmp_path / "whole.csv", tmp_path / "part.csv"
    assert _solve(*RUN, "--generations", "6", "--evaluations", str(whole)) == 0
    checkpoint = str(tmp_path / "run.ckpt")
    assert _solve(*RUN, "--generations", "3", "--evaluations", str(part), "--checkpoint",
                  checkpoint) == 0
    assert read_checkpoint(checkpoint).state.gradients["evaluations"] > 0
    assert _solve("--resume", checkpoint, "--generations", "6") == 0
    assert part.read_text() == whole.read_text()


@pytest.mark.parametrize("generations", ["3", "6"])
def test_the_evaluations_of_a_run_that_wrote_its_outputs_are_kept_by_its_resume(
        tmp_path, monkeypatch, generations):
    # a run that wrote its outputs (at its end, or at Ctrl-C) removed the spool its resume
    # goes on with: the resume's file lost every earlier row (a resume of a finished run,
    # generations = 6, wrote its header only)
    run = [*RUN, "--polish", "off", "--project", "off"]  # no gradient evaluations
    whole, part = tmp_path / "whole.csv", tmp_path / "part.csv"
    assert _solve(*run, "--generations", "6", "--evaluations", str(whole)) == 0
    checkpoint = str(tmp_path / "run.ckpt")
    assert _solve(*run, "--generations", generations, "--evaluations", str(part),
                  "--checkpoint", checkpoint) == 0
    assert _solve("--resume", checkpoint, "--generations", "6") == 0
    assert part.read_text() == whole.read_text()


def _stop_at(generation: int):
    def callback(stats):
        if stats.generation == generation:
            raise KeyboardInterrupt  # Ctrl-C: the run keeps the generation before

    return callback


@pytest.mark.parametrize("generation", [2, 6])
def test_a_run_projected_onto_a_linear_equality_resumes_to_the_same_front(tmp_path,
                                                                         generation):
    # the projection read its equality's right-hand side at the first point it projected, so
    # a resumed run (another first point) had it differ in the last bits, and drifted away
    problem = mooc.load(Path(__file__).parents[2] / "examples" / "portfolio.moo")
    settings = {"population": 20, "generations": 10, "seed": 1}
    checkpoint = str(tmp_path / "run.ckpt")
    stopped = problem.solve(checkpoint=checkpoint, checkpoint_every=0,
                            callback=_stop_at(generation), **settings)
    assert stopped.stop_reason == "interrupted"
    whole = problem.solve(**settings)
    np.testing.assert_array_equal(mooc.resume(checkpoint).F, whole.F)


def test_a_run_seeded_with_initial_points_and_stopped_before_its_first_generation_keeps_them(
        tmp_path, monkeypatch):
    # the checkpoint did not record the initial points: the resume bred its first population
    # at random
    problem = mooc.load("binh_korn")
    settings = {**SETTINGS, "generations": 3, "initial": [[0.5, 0.5], [1.0, 2.0], [4.0, 1.0]]}
    checkpoint = str(tmp_path / "run.ckpt")
    with monkeypatch.context() as patched:
        patched.setattr(Problem, "as_solver_problem", _interrupt)
        with pytest.raises(KeyboardInterrupt):
            problem.solve(checkpoint=checkpoint, **settings)
    resumed = mooc.resume(checkpoint)
    np.testing.assert_array_equal(resumed.F, problem.solve(**settings).F)


def test_a_resumed_seeded_run_records_its_initial_points_for_a_rerun(tmp_path):
    # once the run had a first population, the resume's settings held no initial points: its
    # outputs and its own next checkpoint recorded none, and --rerun of its front ran unseeded
    # (another front, said nowhere)
    points, checkpoint = tmp_path / "points.csv", tmp_path / "run.ckpt"
    points.write_text("x,y\n1,1\n2,0.5\n4.5,2.5\n")
    seeded = [*RUN, "--initial", str(points)]
    assert _solve(*seeded, "--generations", "2", "--checkpoint", str(checkpoint)) == 0
    assert _solve("--resume", str(checkpoint), "--generations", "3") == 0  # saves it again
    resumed, whole, rerun = (tmp_path / name for name in ("resumed.csv", "whole.csv", "rerun.csv"))
    assert _solve("--resume", str(checkpoint), "--generations", "5", "--out", str(resumed)) == 0
    assert _solve(*seeded, "--generations", "5", "--out", str(whole)) == 0
    assert resumed.read_text() == whole.read_text()
    assert mooc.read_result(resumed).initial.tolist() == [[1, 1], [2, 0.5], [4.5, 2.5]]
    assert _solve("--rerun", str(resumed), "--out", str(rerun)) == 0
    assert rerun.read_text() == whole.read_text()


def test_a_resumed_seeded_optimizer_s_result_records_its_initial_points(tmp_path):
    problem = mooc.load("binh_korn")
    path = tmp_path / "run.ckpt"
    initial = [[1.0, 1.0], [2.0, 0.5]]
    first = problem.optimizer(generations=3, checkpoint=path, initial=initial, **SETTINGS)
    X = first.ask()
    ev = problem.evaluate(X)
    first.tell(X, ev.F, violations=ev.violation)
    first.close()
    again = problem.optimizer(checkpoint=path, resume=True)
    assert again.result().initial.tolist() == initial
    again.close()


def test_a_seeded_optimizer_stopped_before_its_first_generation_resumes_with_its_points(
        tmp_path):
    # the resumed optimizer bred its first population at random: it asked for other points
    # than the three told before the stop, which were lost (a run's resume kept them)
    problem = mooc.load("binh_korn")
    path = tmp_path / "run.ckpt"
    first = problem.optimizer(generations=3, checkpoint=path, initial=[[1.0, 1.0], [2.0, 0.5]],
                              **SETTINGS)
    X = first.ask()
    ev = problem.evaluate(X[:3])
    first.tell(X[:3], ev.F, violations=ev.violation)
    first.close()
    again = problem.optimizer(checkpoint=path, resume=True)
    np.testing.assert_array_equal(again.ask(), X[3:])
    again.close()


def test_initial_points_given_to_a_resume_are_refused_in_words(tmp_path, capsys):
    from mooc.cli import main

    checkpoint = str(tmp_path / "run.ckpt")
    assert _solve(*RUN, "--generations", "2", "--checkpoint", checkpoint) == 0
    points = tmp_path / "points.csv"
    points.write_text("x,y\n1,1\n")
    assert main(["solve", "--resume", checkpoint, "--initial", str(points)]) == 2
    assert "--initial" in capsys.readouterr().err


def test_a_resume_may_restate_a_default_setting_but_not_change_it(tmp_path):
    # '--constraints feasibility' on a resume of a run given no --constraints was refused:
    # "'constraints' was None", though feasibility is what the run used
    checkpoint = str(tmp_path / "run.ckpt")
    mooc.load("binh_korn").solve(generations=2, checkpoint=checkpoint, **SETTINGS)
    assert mooc.resume(checkpoint, generations=3, constraints="feasibility").n_generations == 3
    with pytest.raises(mooc.MooError, match="'constraints' was 'feasibility'"):
        mooc.resume(checkpoint, generations=4, constraints="penalty")


def test_a_resume_writes_the_evaluations_to_the_run_s_own_file_or_refuses(tmp_path, capsys):
    # --evaluations with another file on a resume wrote a file without the earlier rows (they
    # are in the first file's spool), silently; so did one for a run that kept none
    first, other = tmp_path / "first.csv", tmp_path / "other.csv"
    kept, plain = str(tmp_path / "kept.ckpt"), str(tmp_path / "plain.ckpt")
    assert _solve(*RUN, "--generations", "2", "--evaluations", str(first), "--checkpoint",
                  kept) == 0
    assert _solve(*RUN, "--generations", "2", "--checkpoint", plain) == 0
    assert _solve("--resume", kept, "--generations", "3", "--evaluations", str(other)) == 2
    assert "keeps its evaluations in" in capsys.readouterr().err
    assert _solve("--resume", plain, "--generations", "3", "--evaluations", str(other)) == 2
    assert "did not keep its evaluations" in capsys.readouterr().err
    assert not other.exists()
    assert _solve("--resume", kept, "--generations", "3", "--evaluations", str(first)) == 0


def test_a_resume_in_python_keeps_the_evaluations_in_the_run_s_file_or_refuses(tmp_path):
    # mooc.resume(..., evaluations="other.csv") wrote the new rows alone, and
    # evaluations=True held only the resumed run's rows, both silently
    problem = mooc.load("zdt1")
    checkpoint, first = str(tmp_path / "run.ckpt"), tmp_path / "first.csv"
    problem.solve(generations=2, checkpoint=checkpoint, evaluations=str(first), **SETTINGS)
    for other in (str(tmp_path / "other.csv"), True):
        with pytest.raises(mooc.MooError, match="whose rows are not"):
            mooc.resume(checkpoint, generations=3, evaluations=other)
    assert [p.name for p in tmp_path.iterdir() if "other" in p.name] == []  # no spool left
    resumed = mooc.resume(checkpoint, generations=3, evaluations=str(first))
    assert len(first.read_text().splitlines()) == resumed.n_evaluations + 1


def test_a_checkpoint_asking_for_a_report_that_is_not_html_resumes_without_it(tmp_path, capsys):
    # an older mooc took '--report front.png' (and wrote an HTML page there); --report now
    # takes .html or .htm names only, and the resume was refused with the --report message
    # though no --report was given to it
    from mooc.solver.checkpoint import load_checkpoint, save_checkpoint

    checkpoint, out, report = (tmp_path / name for name in ("run.ckpt", "front.csv", "front.png"))
    assert _solve(*RUN, "--generations", "2", "--checkpoint", str(checkpoint), "--out",
                  str(out), "--report", str(tmp_path / "run.html")) == 0
    state, extra = load_checkpoint(checkpoint)
    extra["note"]["report"] = str(report)  # as an older mooc recorded it
    save_checkpoint(checkpoint, state, extra)
    assert _solve("--resume", str(checkpoint), "--generations", "4") == 0
    err = capsys.readouterr().err
    assert err.strip() == (f"warning: the checkpoint's report '{report}' is not written, as its "
                           "name is not .html or .htm; to have one, resume with --report "
                           "NAME.html (and the --out and --plot files you want)")
    assert not report.exists()
    assert mooc.read_result(out).n_generations == 4  # the other outputs are written
    assert read_checkpoint(checkpoint).note["report"] is None  # said once: not asked for again
    assert _solve("--resume", str(checkpoint), "--generations", "5") == 0
    assert capsys.readouterr().err == ""
