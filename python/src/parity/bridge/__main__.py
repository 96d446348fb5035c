"""`python -m parity.bridge run ID`: run a .NET concept in this Python process."""

from __future__ import annotations

import sys

from parity.bridge._runtime import BridgeError, run_concept


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "run":
        print("usage: python -m parity.bridge run ID", file=sys.stderr)
        return 2
    try:
        output = run_concept(argv[1])
    except BridgeError as exc:
        print(f"parity: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a .NET exception arrives as a Python one of the same class name
        kind = type(exc).__name__
        message = getattr(exc, "Message", str(exc))
        if kind == "UnknownConceptException":
            print(f"parity: {message}", file=sys.stderr)
            return 2
        print(f"parity: {argv[1]} failed: {kind}: {message}", file=sys.stderr)
        return 1
    sys.stdout.write(output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
