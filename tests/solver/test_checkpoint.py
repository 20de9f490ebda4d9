"""Checkpoint and resume: a run stopped after any generation and resumed ends exactly as one
never stopped; Ctrl-C keeps the last finished generation."""

import numpy as np
import pytest
from solver_testproblems import (
    MIXED_KINDS,
    MIXED_LOWER,
    MIXED_UPPER,
    binh_korn_problem,
    c2_dtlz2_problem,
    dtlz2_many_problem,
    mixed,
    zdt_problem,
)

from mooc.solver import FunctionProblem, nsga2, nsga3
from mooc.solver.checkpoint import CheckpointFile, load_checkpoint, save_checkpoint
from mooc.solver.nsga3 import nsga3_search


def _soft_problem():
    """Two objectives, one hard and one soft constraint."""

    def function(X):
        F = np.c_[X[:, 0], 1 - X[:, 0] + X[:, 1]]
        hard = np.maximum(0.2 - X[:, 0] - X[:, 1], 0)[:, None]
        soft = np.maximum(X[:, 0] - 0.7, 0)[:, None]
        return F, hard, soft

    return FunctionProblem(function, lower=[0, 0], upper=[1, 1], n_obj=2, n_hard=1, n_soft=1,
                           soft_weights=np.array([3.0]))


PROBLEMS = {
    "zdt1": (lambda: zdt_problem("zdt1", n_var=6), {}),
    "binh_korn_epsilon": (binh_korn_problem, {"constraints": "epsilon"}),
    "soft_penalty": (_soft_problem, {"constraints": "penalty"}),
    "mixed": (lambda: FunctionProblem(mixed, lower=MIXED_LOWER, upper=MIXED_UPPER, n_obj=2,
                                      kinds=MIXED_KINDS), {"max_front": 15}),
}


def _same_run(a, b):
    for name in ("X", "F", "hard", "soft", "feasible"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    np.testing.assert_array_equal(a.population.X, b.population.X)
    assert (a.n_evaluations, a.n_generations, a.stop_reason) == \
           (b.n_evaluations, b.n_generations, b.stop_reason)
    strip = [(s.generation, s.evaluations, s.front_size, s.hypervolume) for s in a.history]
    assert strip == [(s.generation, s.evaluations, s.front_size, s.hypervolume) for s in b.history]


@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_resuming_from_any_generation_through_a_file_ends_as_the_uninterrupted_run(name, tmp_path):
    make, options = PROBLEMS[name]
    settings = dict(population=12, generations=9, seed=5, **options)
    states = []
    whole = nsga2(make(), checkpoint=lambda state, final: states.append(state), **settings)
    assert [s.generation for s in states] == list(range(10))
    for state in states[:-1]:
        path = tmp_path / f"gen{state.generation}.ckpt"
        save_checkpoint(path, state)
        loaded, extra = load_checkpoint(path)
        assert extra == {} and loaded.generation == state.generation
        _same_run(whole, nsga2(make(), resume=loaded, **settings))


def test_a_finished_run_goes_on_with_a_larger_budget(tmp_path):
    path = tmp_path / "run.ckpt"
    nsga2(zdt_problem("zdt1", n_var=5), population=10, generations=6, seed=1,
          checkpoint=CheckpointFile(path, every=3600))
    state, _ = load_checkpoint(path)  # the final state is always written
    assert state.generation == 6
    longer = nsga2(zdt_problem("zdt1", n_var=5), population=10, generations=15, resume=state)
    _same_run(longer, nsga2(zdt_problem("zdt1", n_var=5), population=10, generations=15, seed=1))


def test_a_generator_of_another_kind_is_restored_too(tmp_path):
    rng = np.random.Generator(np.random.MT19937(3))
    states = []
    whole = nsga2(zdt_problem("zdt1", n_var=4), population=8, generations=5, rng=rng,
                  checkpoint=lambda state, final: states.append(state))
    save_checkpoint(tmp_path / "run.ckpt", states[2])
    state, _ = load_checkpoint(tmp_path / "run.ckpt")
    _same_run(whole, nsga2(zdt_problem("zdt1", n_var=4), population=8, generations=5, resume=state))


def test_resuming_with_other_settings_is_refused():
    states = []
    nsga2(zdt_problem("zdt1", n_var=4), population=8, generations=2, seed=0,
          checkpoint=lambda state, final: states.append(state))
    with pytest.raises(ValueError, match="'population' was 8, now 10"):
        nsga2(zdt_problem("zdt1", n_var=4), population=10, generations=4, resume=states[-1])
    with pytest.raises(ValueError, match="random stream"):
        nsga2(zdt_problem("zdt1", n_var=4), population=8, generations=4, seed=1,
              resume=states[-1])


def test_extra_data_is_kept_and_a_stranger_file_is_refused(tmp_path):
    save_checkpoint(tmp_path / "empty.ckpt", None, {"note": [1, 2]})
    assert load_checkpoint(tmp_path / "empty.ckpt") == (None, {"note": [1, 2]})
    (tmp_path / "other.ckpt").write_text("hello")
    with pytest.raises(ValueError, match="not a mooc checkpoint"):
        load_checkpoint(tmp_path / "other.ckpt")


def test_a_truncated_damaged_or_foreign_checkpoint_is_refused_in_words(tmp_path):
    states = []
    nsga2(zdt_problem("zdt1", n_var=4), population=8, generations=2, seed=1,
          checkpoint=lambda state, final: states.append(state))
    save_checkpoint(tmp_path / "run.ckpt", states[-1])
    whole = (tmp_path / "run.ckpt").read_bytes()
    damaged = bytearray(whole)
    damaged[len(whole) // 2] ^= 0xFF
    np.save(tmp_path / "array.npy", np.arange(3))
    foreign = {"truncated": whole[:len(whole) // 2], "damaged": bytes(damaged), "empty": b"",
               "npy": (tmp_path / "array.npy").read_bytes()}
    for name, data in foreign.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ValueError, match="not a mooc checkpoint") as caught:
            load_checkpoint(tmp_path / name)
        assert "allow_pickle" not in str(caught.value)
    np.savez(tmp_path / "list.npz", **{"meta.json": np.frombuffer(b"[1]", dtype=np.uint8)})
    with pytest.raises(ValueError, match="not a mooc checkpoint"):
        load_checkpoint(tmp_path / "list.npz")


class _InterruptAt:
    """zdt1 that raises KeyboardInterrupt on its ``at``-th call (as Ctrl-C would)."""

    def __init__(self, at):
        self.at, self.calls = at, 0

    def __call__(self, X):
        self.calls += 1
        if self.calls == self.at:
            raise KeyboardInterrupt
        return zdt_problem("zdt1", n_var=5).function(X)


def test_ctrl_c_returns_the_last_finished_generation_and_checkpoints_it(tmp_path):
    problem = FunctionProblem(_InterruptAt(5), lower=np.zeros(5), upper=np.ones(5), n_obj=2)
    path = tmp_path / "run.ckpt"
    stopped = nsga2(problem, population=10, generations=8, seed=4,
                    checkpoint=CheckpointFile(path, every=3600))
    assert stopped.stop_reason == "interrupted" and "interrupted" in stopped.message
    assert stopped.n_generations == 3 and len(stopped.F) > 0  # calls 1-4 finished gens 0-3
    state, _ = load_checkpoint(path)
    assert state.generation == 3
    resumed = nsga2(zdt_problem("zdt1", n_var=5), population=10, generations=8, resume=state)
    _same_run(resumed, nsga2(zdt_problem("zdt1", n_var=5), population=10, generations=8, seed=4))


def test_ctrl_c_before_the_first_generation_is_done_propagates():
    problem = FunctionProblem(_InterruptAt(1), lower=np.zeros(5), upper=np.ones(5), n_obj=2)
    with pytest.raises(KeyboardInterrupt):
        nsga2(problem, population=10, generations=3, seed=0)


def test_a_checkpoint_of_another_format_is_refused(tmp_path):
    """Format 1 stored row hashes made another way; resuming it would evaluate points again."""
    import json

    save_checkpoint(tmp_path / "run.ckpt", None, {})
    with np.load(tmp_path / "run.ckpt") as stored:
        arrays = dict(stored)
    meta = json.loads(arrays["meta.json"].tobytes().decode())
    meta["format"] = 1
    arrays["meta.json"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    del arrays["digest"]  # which a checkpoint of that format does not have
    with open(tmp_path / "old.ckpt", "wb") as file:
        np.savez(file, **arrays)
    with pytest.raises(ValueError, match="checkpoint of format 1; this version of mooc reads format 4"):
        load_checkpoint(tmp_path / "old.ckpt")


NSGA3_PROBLEMS = {
    "dtlz2_4": (lambda: dtlz2_many_problem(4, n_var=7), {}),
    "dtlz2_4_thinned": (lambda: dtlz2_many_problem(4, n_var=7), {"max_front": 4}),
    "c2_dtlz2_epsilon": (lambda: c2_dtlz2_problem(3), {"constraints": "epsilon"}),
    "soft_penalty": (_soft_problem, {"constraints": "penalty", "directions": 5}),
    "mixed": (lambda: FunctionProblem(mixed, lower=MIXED_LOWER, upper=MIXED_UPPER, n_obj=2,
                                      kinds=MIXED_KINDS), {"max_front": 15}),
}


@pytest.mark.parametrize("name", sorted(NSGA3_PROBLEMS))
def test_nsga3_resumed_from_any_generation_ends_as_the_uninterrupted_run(name, tmp_path):
    make, options = NSGA3_PROBLEMS[name]
    settings = dict(population=12, generations=9, seed=5, **options)
    states = []
    whole = nsga3(make(), checkpoint=lambda state, final: states.append(state), **settings)
    for state in states[:-1]:
        path = tmp_path / f"gen{state.generation}.ckpt"
        save_checkpoint(path, state)
        loaded, _ = load_checkpoint(path)
        _same_run(whole, nsga3(make(), resume=loaded, **settings))


def test_a_checkpoint_goes_on_with_its_own_method_and_directions_only():
    states = []
    nsga3(dtlz2_many_problem(3), directions=15, generations=2, seed=0,
          checkpoint=lambda state, final: states.append(state))
    with pytest.raises(ValueError, match="the checkpoint is of a run of nsga3: it can go on with "
                                         "nsga3 only, not nsga2"):
        nsga2(dtlz2_many_problem(3), population=15, generations=4, resume=states[-1])
    with pytest.raises(ValueError, match=r"'directions' was '15 \(\w+\)', now '21 \(\w+\)'"):
        nsga3(dtlz2_many_problem(3), directions=21, population=15, generations=4,
              resume=states[-1])
    nsga2_states = []
    nsga2(dtlz2_many_problem(3), population=15, generations=2, seed=0,
          checkpoint=lambda state, final: nsga2_states.append(state))
    with pytest.raises(ValueError, match="a run of nsga2: it can go on with nsga2 only, not nsga3"):
        nsga3(dtlz2_many_problem(3), directions=15, generations=4, resume=nsga2_states[-1])


def test_the_archive_s_shadow_goes_through_a_checkpoint_file(tmp_path):
    states = []
    nsga3(dtlz2_many_problem(4, n_var=7), population=12, generations=3, seed=5, max_front=4,
          checkpoint=lambda state, final: states.append(state))
    state = states[-1]
    assert state.archive_shadow is not None and len(state.archive_shadow) > 4
    save_checkpoint(tmp_path / "run.ckpt", state)
    loaded, _ = load_checkpoint(tmp_path / "run.ckpt")
    np.testing.assert_array_equal(loaded.archive_shadow, state.archive_shadow)
    search = nsga3_search(dtlz2_many_problem(4, n_var=7), population=12, generations=3,
                          seed=5, max_front=4, resume=loaded)
    np.testing.assert_array_equal(search.run.archive.shadow, state.archive_shadow)


def test_a_checkpoint_edited_after_it_was_written_is_refused_whole(tmp_path):
    # a field of another kind in its JSON document (generation: null, rng: 7) passed the
    # reading and failed the resumed run with a TypeError, KeyError or AttributeError
    import io
    import json

    from mooc.solver import FunctionProblem, nsga2
    from mooc.solver.checkpoint import CheckpointFile, load_checkpoint

    path = tmp_path / "run.ckpt"
    problem = FunctionProblem(lambda X: X[:, :2], lower=np.zeros(3), upper=np.ones(3), n_obj=2)
    nsga2(problem, population=8, generations=2, seed=1, checkpoint=CheckpointFile(path))
    assert load_checkpoint(path)[0] is not None  # as written: read
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    meta = json.loads(arrays["meta.json"].tobytes().decode())
    meta["state"]["generation"] = None
    arrays["meta.json"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    path.write_bytes(buffer.getvalue())
    with pytest.raises(ValueError, match="changed after mooc wrote it"):
        load_checkpoint(path)
