"""Concurrency Parity: every concept of the article, in Python and in .NET, side by side.

Importing the package changes nothing in a program: each program says what it sets up, in the
one line of its `__main__` block (`entry.run(main)`, parity.common.entry). Only a process that
multiprocessing is preparing (a spawn or forkserver child, which runs no `__main__` block) is
set up here, as it unpickles its target and so imports this package.
"""

from parity.common import entry as _entry

_entry.child_started()
