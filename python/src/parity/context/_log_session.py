"""A fresh interpreter for context.logging: configure multiprocessing's logger, start children.

    python -m parity.context._log_session HOW LEVEL METHOD...

HOW is `log_to_stderr` or `own_handler` (a handler added to multiprocessing's logger by hand);
LEVEL is a level name, or `unset` to leave the level alone; METHOD is a start method or
`default` (the module-level multiprocessing.Process). The logger is process-wide state, so
each configuration gets its own interpreter.
"""

from __future__ import annotations

import logging
import multiprocessing
import sys

from parity.common import entry
from parity.common.mp import context
from parity.common.process_group import join_or_kill
from parity.common.timing import SHORT_TIMEOUT

OWN_FORMAT = "[own %(levelname)s/%(processName)s] %(message)s"


def work() -> None:
    print(f"work done in {multiprocessing.current_process().name}", flush=True)


def configure(how: str, level: int | None) -> logging.Logger:
    if how == "log_to_stderr":
        return multiprocessing.log_to_stderr(level)  # None: leave the level alone
    logger = multiprocessing.get_logger()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(OWN_FORMAT))
    logger.addHandler(handler)
    if level is not None:
        logger.setLevel(level)
    return logger


def session(how: str, level: int | None, methods: list[str]) -> None:
    logger = configure(how, level)
    logger.info("parent: starting %d children", len(methods))
    for method in methods:
        # "default": the module-level Process, as the article uses it (named Process-N).
        if method == "default":
            child: multiprocessing.process.BaseProcess = multiprocessing.Process(target=work)
        else:
            child = context(method).Process(target=work)
        child.start()
        join_or_kill(child, SHORT_TIMEOUT)


def main() -> None:
    name = sys.argv[2]
    session(
        sys.argv[1], None if name == "unset" else logging.getLevelNamesMapping()[name], sys.argv[3:]
    )


if __name__ == "__main__":
    entry.run(main)
