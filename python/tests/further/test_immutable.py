from parity.further import immutable


def test_a_mapping_proxy_shows_the_owners_changes_a_proxied_copy_does_not() -> None:
    assert immutable.view_versus_snapshot() == (2, 1)


def test_a_tuple_freezes_only_its_own_slots() -> None:
    shared, verdict = immutable.frozen_only_one_level()
    assert shared == (1, [2, 3])
    assert verdict == "TypeError: unhashable type: 'list'"


def test_frozenset_operations_return_new_sets() -> None:
    old = frozenset({1, 2})
    new = old | {3}
    assert (old, new) == (frozenset({1, 2}), frozenset({1, 2, 3}))


def test_read_modify_write_of_the_reference_loses_an_update() -> None:
    assert immutable.racing_writers(safe=False) == {"first": 1}


def test_the_writers_lock_keeps_both_updates() -> None:
    assert immutable.racing_writers(safe=True) == {"first": 1, "second": 2}


def test_a_reader_keeps_its_snapshot_while_a_writer_swaps() -> None:
    registry = immutable.Registry()
    registry.add("a", 1)
    snapshot = registry.current
    registry.add("b", 2)
    assert dict(snapshot) == {"a": 1}
    assert dict(registry.current) == {"a": 1, "b": 2}


def test_main_runs(run_ok) -> None:  # type: ignore[no-untyped-def]
    result = run_ok("parity.further.immutable")
    assert "['first'] (one update lost)" in result.stdout
