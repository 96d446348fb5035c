"""scale.task-queue's message format and URLs: both languages read and write the same bytes and
refuse the same input (shared vectors in comparisons/scale/messages.json)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from parity.common.redis_server import (
    PASSWORD_VARIABLE,
    URL_VARIABLE,
    RedisUrl,
    redact,
    with_password,
)
from parity.scale._queue import messages as m

from .queue_helpers import LANGUAGES, VECTORS, cli, named, program


@pytest.mark.parametrize("vector", named("tasks"))
def test_task_vectors_decode_and_encode_byte_for_byte(vector: dict[str, Any]) -> None:
    task = m.decode_task(vector["json"])
    f = vector["fields"]
    assert task == m.Task(f["run"], f["seq"], f["n"], f["ms"], f["fail"])
    assert m.encode_task(task).encode() == vector.get("canonical", vector["json"]).encode()


@pytest.mark.parametrize("vector", named("results"))
def test_result_vectors_decode_and_encode_byte_for_byte(vector: dict[str, Any]) -> None:
    result = m.decode_result(vector["json"])
    f = vector["fields"]
    assert result == m.Result(f["run"], f["seq"], f["n"], f["square"], f["worker"], f["lang"])
    assert m.encode_result(result).encode() == vector["json"].encode()


@pytest.mark.parametrize("vector", named("invalid_tasks"))
def test_invalid_task_vectors_are_rejected(vector: dict[str, Any]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each vector fails for its own reason
        m.decode_task(vector["json"])


@pytest.mark.parametrize("vector", named("invalid_results"))
def test_invalid_result_vectors_are_rejected(vector: dict[str, Any]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        m.decode_result(vector["json"])


def test_a_repeated_key_is_refused_where_json_loads_keeps_the_last() -> None:
    # Plain json.loads takes {"n":0,...,"n":3} as n=3: a decoder built on it accepted a message
    # System.Text.Json's key check refuses. Both now refuse it, naming the key.
    raw = '{"v":1,"run":"r1","seq":0,"n":0,"ms":0,"fail":false,"n":3}'
    assert json.loads(raw)["n"] == 3
    with pytest.raises(ValueError, match="a key appears twice"):
        m.decode_task(raw)


@pytest.mark.parametrize("vector", named("reports"))
def test_report_line_matches_the_vectors(vector: dict[str, Any]) -> None:
    finished = [(lang, worker) for lang, worker in vector["finished"]]
    line = m.report_line(
        vector["tasks"], finished, vector["duplicates"], vector["dead"], vector["lost"]
    )
    assert line == vector["line"]


def test_json_encoders_differ_outside_the_formats_plain_ascii_names() -> None:
    # The .NET side writes "a\u002Bb\u003Cc\u00E9" for the same string (TaskQueueFormatTests.cs):
    # escaping rules differ, which is why the format allows only [A-Za-z0-9._:-] in names.
    assert json.dumps("a+b<c\u00e9") == '"a+b<c\\u00e9"'
    with pytest.raises(ValueError, match="run must match"):
        m.decode_task(m.encode_task(m.Task("a+b", 0, 0, 0)))


@pytest.mark.parametrize("vector", named("urls"))
def test_url_vectors_are_read_once_and_printed_without_the_password(vector: dict[str, Any]) -> None:
    url = RedisUrl.parse(vector["url"])
    assert (url.user, url.password, url.host, url.port, url.db) == tuple(
        vector[k] for k in ("user", "password", "host", "port", "db")
    )
    assert RedisUrl.parse(str(url)) == url  # written back encoded, read back the same
    if url.password:
        assert url.password not in redact(vector["url"])
        assert "***@" in redact(vector["url"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bad_url_is_one_line_exit_2_and_echoes_nothing(language: str) -> None:
    base = program(language, "submit")
    for vector in VECTORS["invalid_urls"]:
        done = cli(*base, "--redis", vector["url"], env={URL_VARIABLE: ""})
        assert done.returncode == 2, (vector["name"], done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "Traceback" not in done.stderr
        assert "hunter" not in done.stderr, done.stderr
        with pytest.raises(ValueError, match=r"^(not a redis|the URL)"):
            RedisUrl.parse(vector["url"])
        assert "hunter" not in redact(vector["url"])


def test_the_password_can_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_VARIABLE, "s3cr:et")
    assert with_password("redis://127.0.0.1:7000/0") == "redis://:s3cr%3Aet@127.0.0.1:7000/0"
    assert with_password("redis://u:inurl@h:1") == "redis://u:inurl@h:1"  # the URL's own wins
    with pytest.raises(ValueError, match="not a redis:// or rediss:// URL"):
        with_password("http://127.0.0.1:7000")
