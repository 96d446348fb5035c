"""subprocess.pipeline: connect two programs, stdout to stdin, as the shell's `ps aux | grep bash`.

The first Popen's stdout pipe becomes the second one's stdin, so the data flows from child to
child through the OS pipe, never through us. After starting the second child we close OUR copy
of the pipe's read end: then, if the consumer exits early, the producer's next write finds no
reader and fails (SIGPIPE for a C program like ps, BrokenPipeError for a Python one, which
ignores SIGPIPE). If we kept our copy open, the producer would block forever on a full pipe.
The producer and the filters are small Python children, so no `ps` or `grep` is needed.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import dataclass

from parity.common import entry
from parity.common.timing import SHORT_TIMEOUT, scaled

PROCESS_TABLE = [
    "PID  COMMAND",
    "101  bash",
    "102  python3 -m http.server",
    "103  bash -l",
    "104  sshd",
]

# A fixed stand-in for `ps aux`.
TABLE = f"for row in {PROCESS_TABLE!r}:\n    print(row)"
# grep WORD: copy the lines that contain the word.
GREP = textwrap.dedent("""
    import sys
    for line in sys.stdin:
        if sys.argv[1] in line:
            print(line, end="")
""")
# head N: copy the first N lines, then exit without reading the rest.
HEAD = textwrap.dedent("""
    import sys
    for _, line in zip(range(int(sys.argv[1])), sys.stdin):
        print(line, end="")
""")
# Writes forever; reports on stderr how its writes end once the reader is gone.
ENDLESS = textwrap.dedent("""
    import itertools, os, sys
    try:
        for n in itertools.count():
            print(f"line {n}")
    except OSError as error:  # BrokenPipeError on POSIX, EINVAL on Windows
        print(f"producer: reader gone ({type(error).__name__})", file=sys.stderr, flush=True)
        os._exit(0)  # a normal exit would flush stdout into the broken pipe again
""")


def python(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", code, *args]


@dataclass(frozen=True)
class PipelineResult:
    output: str
    producer_ended_by_itself: bool
    producer_returncode: int
    producer_stderr: str


# <pipeline>
def run_pipeline(
    producer: list[str],
    consumer: list[str],
    *,
    close_parent_copy: bool = True,
    timeout: float = SHORT_TIMEOUT,
    producer_grace: float = 30.0,
) -> PipelineResult:
    """Run `producer | consumer`; return the consumer's output and how the producer ended."""
    with subprocess.Popen(
        producer, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as first:
        assert first.stdout is not None
        assert first.stderr is not None
        with subprocess.Popen(
            consumer, stdin=first.stdout, stdout=subprocess.PIPE, text=True
        ) as second:
            if close_parent_copy:
                first.stdout.close()  # now only the consumer holds the read end
            try:
                output, _ = second.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                second.kill()
                first.kill()
                raise
        try:
            first.wait(producer_grace)
            ended = True
        except subprocess.TimeoutExpired:
            ended = False  # blocked on a full pipe whose read end we still hold
            first.kill()
            first.wait(timeout)
        return PipelineResult(output, ended, first.returncode, first.stderr.read())


# </pipeline>


# <main>
def main() -> None:
    grep = run_pipeline(python(TABLE), python(GREP, "bash"))
    print(f"table | grep bash:\n{grep.output}", end="")

    head = run_pipeline(python(ENDLESS), python(HEAD, "3"))  # returns as soon as the producer ends
    print(f"endless | head 3:\n{head.output}", end="")
    print(
        f"producer ended by itself: {head.producer_ended_by_itself}: {head.producer_stderr.strip()}"
    )

    stuck = run_pipeline(
        python(ENDLESS), python(HEAD, "3"), close_parent_copy=False, producer_grace=scaled(1.0)
    )
    ended = stuck.producer_ended_by_itself
    print(f"without closing our copy, ended by itself: {ended}, so it was killed")


# </main>


if __name__ == "__main__":
    entry.run(main)
