"""process.assert: `assert` with a message, and its disappearance under `python -O`.

multiprocessing checks its own preconditions with assert (join() asserts that the caller is
the parent and that the child was started). An assert is a debugging aid, not validation:
`python -O` (or PYTHONOPTIMIZE=1) compiles every assert away, in our code and in the standard
library alike, so the same bad call then fails further down with a different exception.
Run in a child interpreter with -O, divide(1, 0) raises ZeroDivisionError, not AssertionError.
"""

from __future__ import annotations

import subprocess
import sys

from parity.common import entry
from parity.common.mp import context
from parity.common.timing import SHORT_TIMEOUT


# <assert>
def divide(a: float, b: float) -> float:
    assert b != 0, "the divisor must not be zero"  # gone under python -O
    return a / b


# </assert>
def outcome(call: str) -> str:
    """'ExceptionType: message' of divide(1, 0) or, for 'join', of multiprocessing's own assert:
    join() on a process that was never started."""
    try:
        if call == "divide":
            divide(1, 0)
        else:
            context().Process(target=print).join(SHORT_TIMEOUT)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return "no exception"


# <optimized>
def outcome_in_child(call: str, optimize: bool) -> str:
    """The same call in a fresh interpreter, with or without -O (asserts compiled away)."""
    flags = ["-O"] if optimize else []
    code = f"from parity.process.assertions import outcome; print(outcome({call!r}))"
    child = subprocess.run(
        [sys.executable, *flags, "-c", code],
        capture_output=True,
        text=True,
        timeout=SHORT_TIMEOUT,
        check=True,
    )
    return child.stdout.strip()


# </optimized>
def main() -> None:
    print(f"here (__debug__={__debug__}):")
    for call in ("divide", "join"):
        print(f"  {call}: {outcome(call)}")
    for optimize in (False, True):
        print(f"child interpreter {'with' if optimize else 'without'} -O:")
        for call in ("divide", "join"):
            print(f"  {call}: {outcome_in_child(call, optimize)}")


if __name__ == "__main__":
    entry.run(main)
