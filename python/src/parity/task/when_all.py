"""task.when-all: start several downloads at once and wait for all of them.

asyncio.gather is the closest match to Task.WhenAll: results come back in the order of the
input, whatever order the downloads finish in, and the batch takes about as long as the
slowest one. The server is a loopback one this concept starts itself.
"""

from __future__ import annotations

import asyncio
import time

from parity.common.http import Reply, fetch, serve
from parity.common.timing import scaled


# <fetch-all>
async def download_all(urls: list[str]) -> list[str]:
    """Download every URL concurrently; results in input order, like Task.WhenAll."""
    return await asyncio.gather(*(fetch(url) for url in urls))


# </fetch-all>


# <run>
def slow_endpoint(path: str, _number: int) -> Reply:
    """/slow/N answers after N tenths of a second (scaled)."""
    tenths = int(path.rsplit("/", 1)[-1])
    return Reply(200, f"page {tenths}", delay=scaled(tenths / 10))


def main() -> None:
    delays = [3, 1, 2]
    with serve(slow_endpoint) as server:
        started = time.perf_counter()
        pages = asyncio.run(download_all([server.url(f"/slow/{d}") for d in delays]))
        elapsed = time.perf_counter() - started
    print(f"pages (input order): {', '.join(pages)}")
    print(f"elapsed {elapsed:.2f} s; slowest alone {scaled(0.3):.2f} s, all in a row {scaled(0.6):.2f} s")


# </run>


if __name__ == "__main__":
    main()
