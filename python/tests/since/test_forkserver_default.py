import sys

import pytest

from parity.common.mp import Context
from parity.since import forkserver_default

from ..conftest import RunConcept


def test_only_fork_shows_the_child_what_was_set_at_run_time(mp_context: Context) -> None:
    seen = forkserver_default.child_sees(mp_context)
    if mp_context.get_start_method() == "fork":
        assert seen == "set at run time"
    else:
        assert seen == "set at import"


def test_only_fork_accepts_a_lambda_as_the_target(mp_context: Context) -> None:
    outcome = forkserver_default.start_a_lambda(mp_context)
    if mp_context.get_start_method() == "fork":
        assert outcome == "ran (exit code 0)"
    else:
        assert outcome.startswith("refused (")


@pytest.mark.skipif(sys.platform != "linux", reason="the Linux default is what changed")
def test_the_linux_default_is_fork_before_314_and_forkserver_from_314(
    run_module: RunConcept,
) -> None:
    result = run_module("parity.since.forkserver_default")
    assert result.returncode == 0, result.stderr
    expected = "forkserver" if sys.version_info >= (3, 14) else "fork"
    assert result.stdout.splitlines()[0] == f"default start method here: {expected}"
    assert "fork      : the child sees 'set at run time'; a lambda ran" in result.stdout
