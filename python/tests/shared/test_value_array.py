import ctypes
import re
import threading
from ast import literal_eval
from multiprocessing.managers import ArrayProxy, ValueProxy  # type: ignore[attr-defined]
from multiprocessing.sharedctypes import Synchronized, SynchronizedArray
from typing import Any

import pytest

from parity.common.mp import Context
from parity.common.timing import SHORT_TIMEOUT
from parity.shared import _value_array, value_array

from ..conftest import START_METHODS, RunConcept

CHILD_LINE = re.compile(
    r"\[child (?P<n>\d)\] value=(?P<value>[\d.]+) (?P<when>before|after): +(?P<array>\[[^\]]*\])"
)


def test_children_writes_are_seen_by_the_parent(mp_context: Context) -> None:
    value, array = value_array.share(mp_context)
    assert value == 3.14
    assert array == [10, 10, 2, 3, 4, 5, 6, 7, 8, 9]


def test_value_and_array_are_synchronized_wrappers_of_c_double_and_int(
    mp_context: Context,
) -> None:
    wrapper_v, wrapper_a, value_type, element_type = _value_array.element_types(mp_context)
    assert wrapper_v is Synchronized
    assert wrapper_a is SynchronizedArray
    assert value_type is ctypes.c_double
    assert element_type is ctypes.c_int


def test_a_plain_list_in_a_child_is_a_copy(mp_context: Context) -> None:
    assert value_array.plain_list_in_child(mp_context) == [1, 2, 3]


@pytest.mark.parametrize("method", START_METHODS)
def test_what_a_child_sees_of_the_other_depends_on_timing(run_ok: RunConcept, method: str) -> None:
    result = run_ok("parity.shared.value_array", start_method=method)
    seen = {
        (m["n"], m["when"]): literal_eval(m["array"]) for m in CHILD_LINE.finditer(result.stdout)
    }
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


def test_a_value_cannot_be_passed_to_a_pool_task(mp_context: Context) -> None:
    value = mp_context.Value("i", 0)
    with (
        mp_context.Pool(1) as pool,
        pytest.raises(RuntimeError, match="only be shared between processes through inheritance"),
    ):
        pool.apply_async(_takes, (value,)).get(timeout=SHORT_TIMEOUT)


def test_manager_value_and_array_are_proxies_without_get_lock(mp_context: Context) -> None:
    with mp_context.Manager() as manager:
        value = manager.Value("d", 3.14)
        # The lock argument is accepted and ignored (typeshed does not list it).
        array = manager.Array("i", range(10), lock=True)  # type: ignore[call-arg]
        assert isinstance(value, ValueProxy)
        assert isinstance(array, ArrayProxy)
        assert array[:].typecode == "i"  # an array.array from the server, not ctypes memory
        proxies: tuple[Any, ...] = (value, array)
        for proxy in proxies:
            with pytest.raises(AttributeError, match="get_lock"):
                proxy.get_lock()


def test_manager_array_whole_writes_are_never_seen_half_done(mp_context: Context) -> None:
    # If the server did not run each proxied call in one piece, some snapshot would mix marks.
    assert value_array.manager_array_snapshots(mp_context) == {1}


def test_when_child_1_writes_first_child_2_sees_its_write(mp_context: Context) -> None:
    one, two = value_array.share_in_order(mp_context, first=1)
    assert one == list(range(10))
    assert two == [10, *range(1, 10)]  # the article's output


def test_when_child_2_writes_first_child_1_sees_its_write(mp_context: Context) -> None:
    one, two = value_array.share_in_order(mp_context, first=2)
    assert two == list(range(10))
    assert one == [0, 10, *range(2, 10)]  # the other order, just as possible


def test_a_single_write_waits_for_the_values_lock(mp_context: Context) -> None:
    value = mp_context.Value("i", 0)
    started, written = threading.Event(), threading.Event()

    def write() -> None:
        started.set()
        value.value = 5  # takes the Value's lock for the one write
        written.set()

    with value.get_lock():
        writer = threading.Thread(target=write)
        writer.start()
        assert started.wait(SHORT_TIMEOUT)
        assert not written.wait(0.2)  # an unlocked write would be done in microseconds
        assert value.get_obj().value == 0
    assert written.wait(SHORT_TIMEOUT)
    writer.join(SHORT_TIMEOUT)
    assert value.value == 5


def test_the_typecodes_map_to_the_ctypes_of_the_article_table() -> None:
    from multiprocessing import sharedctypes

    table = {
        "c": ctypes.c_char,
        "u": ctypes.c_wchar,
        "b": ctypes.c_byte,
        "B": ctypes.c_ubyte,
        "h": ctypes.c_short,
        "H": ctypes.c_ushort,
        "i": ctypes.c_int,
        "I": ctypes.c_uint,
        "l": ctypes.c_long,
        "L": ctypes.c_ulong,
        "q": ctypes.c_longlong,
        "Q": ctypes.c_ulonglong,
        "f": ctypes.c_float,
        "d": ctypes.c_double,
    }
    assert sharedctypes.typecode_to_type == table  # type: ignore[attr-defined]  # not in typeshed
