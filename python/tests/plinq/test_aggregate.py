import functools
import operator

import pytest

from parity.common.mp import Context
from parity.plinq import aggregate

from ..conftest import RunConcept

VALUES = list(range(1, 10_001))
TOTAL = 10_000 * 10_001 // 2


@pytest.mark.parametrize("seed", [0, 1, -7])
def test_sequential_fold_counts_the_seed_once(seed: int) -> None:
    assert aggregate.fold_sequential(VALUES, seed) == TOTAL + seed


def test_seed_per_chunk_counts_the_seed_once_per_chunk(mp_context: Context) -> None:
    assert aggregate.fold_seed_per_chunk(mp_context, VALUES, seed=1, parts=4) == TOTAL + 4
    assert aggregate.fold_seed_per_chunk(mp_context, VALUES, seed=0, parts=4) == TOTAL


def test_map_reduce_with_identity_per_chunk_is_correct(mp_context: Context) -> None:
    assert aggregate.fold_map_reduce(mp_context, VALUES, seed=1, parts=4) == TOTAL + 1


def test_non_associative_func_differs_once_split() -> None:
    sequential = functools.reduce(operator.sub, VALUES)
    assert aggregate.fold_split(VALUES, parts=1) == sequential
    assert aggregate.fold_split(VALUES, parts=2) != sequential
    # An associative function does not care how it is split.
    assert aggregate.fold_split(VALUES, parts=7, func=operator.add) == TOTAL


def test_main_shows_the_seed_once_and_per_chunk(run_ok: RunConcept) -> None:
    done = run_ok("parity.plinq.aggregate")
    assert "reduce(add, values, 1):            5000050001 (seed counted once)" in done.stdout
    assert "pool, every chunk starts at 1:     5000050004 (once per chunk)" in done.stdout
    assert "pool, chunks start at 0, then +1:  5000050001" in done.stdout
