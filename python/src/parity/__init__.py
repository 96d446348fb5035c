"""Concurrency Parity: every concept of the article, in Python and in .NET, side by side."""

import sys

# Concepts print from several processes at once. Unbuffered (python -u, PYTHONUNBUFFERED, as
# the runners use), print() writes the text and the newline separately, so lines from two
# processes can tear. Line buffering writes each whole line at once and still flushes at once.
for _stream in (sys.stdout, sys.stderr):
    _reconfigure = getattr(_stream, "reconfigure", None)  # absent when a test captures output
    if _reconfigure is not None:
        _reconfigure(line_buffering=True, write_through=False)

# While `python -m parity.<module>` locates its module, sys.argv[0] is "-m" (see the docs of
# -m): a program of ours is starting. Its environment is checked and Ctrl-C answered in
# one place, parity.common.entry, instead of in every concept.
from parity.common import entry as _entry  # noqa: E402

if sys.argv[:1] == ["-m"]:
    _entry.start_program()
else:
    _entry.child_started()
