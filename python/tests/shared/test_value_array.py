import ctypes
import re
from ast import literal_eval
from multiprocessing.managers import ArrayProxy, ValueProxy  # type: ignore[attr-defined]
from multiprocessing.sharedctypes import Synchronized, SynchronizedArray

import pytest

from parity.common.timing import SHORT_TIMEOUT
from parity.shared import value_array

from ..conftest import START_METHODS, RunConcept

CHILD_LINE = re.compile(
    r"\[child (?P<n>\d)\] value=(?P<value>[\d.]+) (?P<when>before|after): +(?P<array>\[[^\]]*\])"
)


def test_children_writes_are_seen_by_the_parent(mp_context: value_array.Context) -> None:
    value, array = value_array.share(mp_context)
    assert value == 3.14
    assert array == [10, 10, 2, 3, 4, 5, 6, 7, 8, 9]


def test_value_and_array_are_synchronized_wrappers_of_c_double_and_int(
    mp_context: value_array.Context,
) -> None:
    wrapper_v, wrapper_a, value_type, element_type = value_array.element_types(mp_context)
    assert wrapper_v is Synchronized
    assert wrapper_a is SynchronizedArray
    assert value_type is ctypes.c_double
    assert element_type is ctypes.c_int


def test_a_plain_list_in_a_child_is_a_copy(mp_context: value_array.Context) -> None:
    assert value_array.plain_list_in_child(mp_context) == [1, 2, 3]


@pytest.mark.parametrize("method", START_METHODS)
def test_what_a_child_sees_of_the_other_depends_on_timing(run_module: RunConcept, method: str) -> None:
    result = run_module("parity.shared.value_array", start_method=method)
    assert result.returncode == 0, result.stderr
    seen = {(m["n"], m["when"]): literal_eval(m["array"]) for m in CHILD_LINE.finditer(result.stdout)}
    assert len(seen) == 4, result.stdout
    rest = list(range(2, 10))
    for n, other in ((1, 2), (2, 1)):
        before, after = seen[(str(n), "before")], seen[(str(n), "after")]
        # Its own slot is untouched before and 10 after; the other child's slot is 10 only if
        # that child already wrote: the article's listing (child 2 sees child 1's 10) is one order.
        assert before[n - 1] == n - 1
        assert after[n - 1] == 10
        assert before[other - 1] in (other - 1, 10)
        assert before[2:] == after[2:] == rest
    assert "[parent] value=3.14 array=[10, 10, 2, 3, 4, 5, 6, 7, 8, 9]" in result.stdout


def _takes(shared: object) -> None:
    pass


def test_a_value_cannot_be_passed_to_a_pool_task(mp_context: value_array.Context) -> None:
    value = mp_context.Value("i", 0)
    with (
        mp_context.Pool(1) as pool,
        pytest.raises(RuntimeError, match="only be shared between processes through inheritance"),
    ):
        pool.apply_async(_takes, (value,)).get(timeout=SHORT_TIMEOUT)


def test_manager_value_and_array_are_proxies_without_get_lock(mp_context: value_array.Context) -> None:
    with mp_context.Manager() as manager:
        value = manager.Value("d", 3.14)
        array = manager.Array("i", range(10), lock=True)  # the lock argument is accepted and ignored
        assert isinstance(value, ValueProxy)
        assert isinstance(array, ArrayProxy)
        assert array[:].typecode == "i"  # an array.array from the server, not ctypes memory
        for proxy in (value, array):
            with pytest.raises(AttributeError, match="get_lock"):
                proxy.get_lock()  # type: ignore[attr-defined]


def test_manager_array_whole_writes_are_never_seen_half_done(mp_context: value_array.Context) -> None:
    # If the server did not run each proxied call in one piece, some snapshot would mix marks.
    assert value_array.manager_array_snapshots(mp_context) == {1}
