import asyncio
import time

from parity.common.http import Reply, serve
from parity.task import when_all

DELAYS = (0.3, 0.1, 0.2)


def _server():  # type: ignore[no-untyped-def]
    return serve(lambda path, _n: Reply(200, path, delay=float(path.rsplit("/", 1)[-1])))


def test_download_all_returns_pages_in_input_order() -> None:
    with _server() as server:
        urls = [server.url(f"/d/{d}") for d in DELAYS]
        pages = asyncio.run(when_all.download_all(urls))
    assert pages == [f"/d/{d}" for d in DELAYS]


def test_batch_takes_less_than_the_sum_of_delays() -> None:
    with _server() as server:
        started = time.perf_counter()
        asyncio.run(when_all.download_all([server.url(f"/d/{d}") for d in DELAYS]))
        elapsed = time.perf_counter() - started
    # Concurrent: at least the slowest, well under the 0.6 s a sequential loop needs.
    assert max(DELAYS) <= elapsed < sum(DELAYS)


def test_main_prints_pages_in_input_order(capsys) -> None:  # type: ignore[no-untyped-def]
    when_all.main()
    assert "pages (input order): page 3, page 1, page 2" in capsys.readouterr().out
