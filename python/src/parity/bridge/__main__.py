"""`python -m parity.bridge run ID`: run a .NET concept in this Python process.

Exit codes match the CLI's: 0 ok, 1 the concept failed (one line: "parity: ID failed: Type:
message"), 2 bad input or the bridge cannot start (one line: "parity: ..."), 77 skipped (a
ConceptSkippedException: a server program is missing; one line "skipped: reason"), 130
cancelled by Ctrl-C (the concept's token is cancelled and the concept allowed to stop).
"""

from __future__ import annotations

import sys

from parity.bridge._runtime import BridgeError, UnknownConceptError, exit_process, run_concept
from parity.common import entry
from parity.common.skip import SKIP_EXIT


def main(argv: list[str]) -> int:  # noqa: PLR0911 - one return per documented exit code
    if len(argv) != 2 or argv[0] != "run":
        print("parity: usage: python -m parity.bridge run ID", file=sys.stderr)
        return 2
    try:
        output = run_concept(argv[1])
    except KeyboardInterrupt:
        print(f"parity: {argv[1]} cancelled", file=sys.stderr)
        return 130
    except UnknownConceptError as exc:
        print(f"parity: {exc.reason}", file=sys.stderr)
        return 2
    except (BridgeError, ValueError) as exc:  # cannot start, or a bad PARITY_TIME_SCALE
        print(f"parity: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a .NET exception arrives as a Python one of the same class name
        kind = type(exc).__name__
        message = getattr(exc, "Message", str(exc))
        if kind == "ConceptSkippedException":
            print(f"skipped: {message}", file=sys.stderr)
            return SKIP_EXIT
        print(f"parity: {argv[1]} failed: {kind}: {message}", file=sys.stderr)
        return 1
    sys.stdout.write(output)
    return 0


if __name__ == "__main__":
    exit_process(
        entry.run(lambda: main(sys.argv[1:]))
    )  # the concept has already awaited its own children
