"""``neuron-tui serve``: its settings, what it starts, and that it loads textual-serve lazily.

The browser itself is tested end to end in ``tests/e2e/test_serve_browser.py``; here the server
is replaced by a stand-in that records how it was made.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from typing import Any, ClassVar

import pytest
import textual_serve.server

from tests.cli.test_cli import subprocess_env
from tui.__main__ import main
from tui.cli.serve import is_loopback


class FakeServer:
    made: ClassVar[list[dict[str, Any]]] = []

    def __init__(self, command: str, **kwargs: Any) -> None:
        FakeServer.made.append({"command": command, **kwargs})

    def serve(self) -> None:
        pass


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    FakeServer.made = []
    monkeypatch.setattr(textual_serve.server, "Server", FakeServer)
    return FakeServer.made


def test_serve_starts_an_isolated_app_with_the_options_given(
    served: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--dataset", "circle", "--features", "x1,x2,x1^2", "--standardize"]) == 0
    (made,) = served
    assert made["host"] == "127.0.0.1" and made["port"] == 8000  # this machine only
    words = shlex.split(made["command"])
    assert words[:4] == [sys.executable, "-I", "-m", "tui"]
    assert words[4:] == ["--dataset=circle", "--features=x1,x2,x1^2", "--standardize"]
    assert capsys.readouterr().err == ""  # no warning on localhost


def test_listening_beyond_localhost_needs_host_and_warns(
    served: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--port", "9001"]) == 0
    assert served[-1]["host"] == "0.0.0.0" and served[-1]["port"] == 9001
    err = capsys.readouterr().err
    assert "warning: listening on 0.0.0.0" in err and "read and write your files" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["serve", "--port", "70000"], "--port: must be between 1 and 65535, got 70000"),
        (["serve", "--port", "http"], "--port: must be a whole number"),
        (["serve", "--host", " "], "--host: give a host name or address"),
        (["serve", "--lr", "-1"], "--lr: must be greater than 0, got -1"),
        (["serve", "--json"], "unrecognized arguments: --json"),
    ],
)
def test_bad_serve_settings_are_one_line_before_serving(
    served: list[dict[str, Any]], capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and message in err, err
    assert served == []


def test_a_port_in_use_is_one_line(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    class Busy(FakeServer):
        def serve(self) -> None:
            raise OSError(98, "address already in use")

    monkeypatch.setattr(textual_serve.server, "Server", Busy)
    assert main(["serve", "--port", "8123"]) == 2
    assert capsys.readouterr().err == (
        "neuron-tui: error: cannot listen on 127.0.0.1:8123: address already in use\n"
    )


def test_loopback_hosts() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "localhost", "::1", "[::1]", "127.1.2.3"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "192.168.1.2", "example.org"]))


def test_textual_serve_loads_only_for_serve() -> None:
    """Neither the app nor `train` pays for importing textual-serve and aiohttp."""
    code = (
        "import sys, tui.app, tui.__main__, tui.cli.serve\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual_serve', 'aiohttp'}))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=subprocess_env()
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
