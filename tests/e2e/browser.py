"""A headless Chromium driven over its DevTools protocol, for the browser test of ``serve``.

``Chromium`` starts Debian's ``chromium`` (``.ci/run`` installs it) headless with a remote
debugging port, and ``Page`` talks to one tab over the protocol's websocket with aiohttp's
client (aiohttp comes with textual-serve, a runtime dependency, so the test needs no new
package). The terminal in the page is drawn on a canvas (xterm.js), which holds no text; what the
app sent to the page is read from the websocket frames the page received
(``Network.webSocketFrameReceived``: the app's terminal output, escape sequences and all).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aiohttp

# Escape sequences: CSI (colours, cursor moves), OSC, and two-character ones.
_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[@-Z\\-_]")


def chromium_binary() -> str | None:
    """Debian's ``chromium`` (or another Chromium or Chrome on ``PATH``), or ``None``."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float = 60.0) -> None:
    """Until something accepts connections on ``127.0.0.1:port``."""
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        assert time.monotonic() < deadline, f"nothing listens on port {port} after {timeout} s"
        time.sleep(0.1)


def screen_words(data: bytes) -> str:
    """Terminal output as text: escape sequences become spaces (they separate the pieces)."""
    return _ESCAPES.sub(b" ", data).decode("utf-8", "replace")


class Chromium:
    """A headless Chromium with a debugging port; a context manager that kills it at the end."""

    def __init__(self, binary: str, profile: Path, env: Mapping[str, str]) -> None:
        self.port = free_port()
        args = [
            binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--mute-audio",
            f"--user-data-dir={profile}", f"--remote-debugging-port={self.port}",
            "--window-size=1400,1000", "about:blank",
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            args, env=dict(env), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def page_websocket(self, timeout: float = 60.0) -> str:
        """The debugging websocket of the browser's first tab."""
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(OSError, ValueError):
                url = f"http://127.0.0.1:{self.port}/json/list"
                with urllib.request.urlopen(url, timeout=2) as response:
                    targets = json.load(response)
                pages = [t for t in targets if t.get("type") == "page"]
                if pages:
                    return str(pages[0]["webSocketDebuggerUrl"])
            assert self.proc.poll() is None, "chromium exited"
            assert time.monotonic() < deadline, "chromium's debugging port did not answer"
            time.sleep(0.1)


class Page:
    """One tab over the DevTools protocol: commands, and the page's received websocket data."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.received = bytearray()  # everything the page's websockets received
        self._next = 0
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self.ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(message.data)
            if "id" in data and data["id"] in self._waiting:
                self._waiting.pop(data["id"]).set_result(data)
            elif data.get("method") == "Network.webSocketFrameReceived":
                response = data["params"]["response"]
                payload = response["payloadData"]
                # Binary frames (opcode 2) come base64-encoded.
                raw = base64.b64decode(payload) if response["opcode"] == 2 else payload.encode()
                self.received += raw

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Run one protocol command; its result (an error fails the test)."""
        self._next += 1
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[self._next] = future
        await self.ws.send_json({"id": self._next, "method": method, "params": params})
        reply = await asyncio.wait_for(future, 60)
        assert "error" not in reply, f"{method}: {reply['error']}"
        return dict(reply.get("result", {}))

    async def evaluate(self, expression: str) -> Any:
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    async def press(self, key: str, code: str, text: str) -> None:
        """A key press as the keyboard makes it (down with its text, then up)."""
        await self.send("Input.dispatchKeyEvent", type="keyDown", key=key, code=code, text=text)
        await self.send("Input.dispatchKeyEvent", type="keyUp", key=key, code=code)

    def text(self) -> str:
        return screen_words(bytes(self.received))

    async def close(self) -> None:
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader
        await self.ws.close()
