"""subprocess.communicate: drive an interactive program through its stdin and stdout.

Python's REPL (`python -i`) stands in for the article's ipython. communicate(input, timeout)
writes the input, closes stdin (the REPL's end of file) and reads stdout and stderr to the end. On
timeout it raises TimeoutExpired but leaves the child RUNNING: kill(), then communicate() again.
"""

import subprocess
import sys
from subprocess import PIPE

from parity.common import entry
from parity.common.timing import SHORT_TIMEOUT, scaled

# -i: interactive even though stdin is a pipe (prompts go to stderr); -q: no banner;
# -u: unbuffered, so what the child printed is not lost in its buffer when we kill it.
REPL = [sys.executable, "-i", "-q", "-u"]
HELLO = 'print("hello")\n2 + 2\n'
STUCK = 'print("working...")\nimport time; time.sleep(600)\n'


# <communicate>
def converse(source: str, timeout: float) -> None:
    with subprocess.Popen(REPL, stdin=PIPE, stdout=PIPE, stderr=PIPE, text=True) as child:
        try:
            out, err = child.communicate(source, timeout=timeout)
            print(f"stdout={out!r} prompts on stderr={err.count('>>>')}")
        except subprocess.TimeoutExpired:  # a SubprocessError, not TimeoutError: see article_style
            print(f"timed out=True, still running then={child.poll() is None}")
            child.kill()
            out, _ = child.communicate(timeout=SHORT_TIMEOUT)  # collect the output, reap
            print(f"collected after kill: stdout={out!r} returncode={child.returncode}")


# </communicate>


# <article-style>
def article_style(child: subprocess.Popen[str], source: str, timeout: float) -> tuple[str, str]:
    try:
        return child.communicate(source, timeout=timeout)
    except TimeoutError:  # TimeoutExpired is a SubprocessError: this clause never runs
        child.kill()
        return child.communicate(timeout=SHORT_TIMEOUT)


# </article-style>


# <main>
def main() -> None:
    converse(HELLO, timeout=SHORT_TIMEOUT)
    limit = max(scaled(1.0), 1.0)  # the article's 1 s, never less: the REPL must start first
    converse(STUCK, timeout=limit)
    with subprocess.Popen(REPL, stdin=PIPE, stdout=PIPE, stderr=PIPE, text=True) as child:
        try:
            article_style(child, STUCK, timeout=limit)
        except subprocess.TimeoutExpired as error:
            print(f"`except TimeoutError` did not catch {type(error).__name__}; cleaning up here")
            child.kill()
            child.communicate(timeout=SHORT_TIMEOUT)


# </main>


if __name__ == "__main__":
    entry.run(main)
