"""``neuron-tui serve`` in a real headless Chromium: the page loads, the panes render, a key
press starts training and the iteration count grows.

The browser is driven over its DevTools protocol (``browser.py``). The page draws the terminal
on a canvas, so what the app shows is read from the terminal output the page received over its
websocket; the page's own script marks the body ``-first-byte`` once it wrote the first output
into the terminal, and a screenshot of the page is taken (and must not be a blank page). Skipped,
with the reason, only when no Chromium can be found (``.ci/run`` installs Debian's ``chromium``).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import aiohttp
import pytest
from browser import Chromium, Page, chromium_binary, free_port, wait_for_port
from sshd import MARK_VAR, marked_pids
from tmux import ITERATION
from tmux import _count as count


def iterations(page: Page) -> list[int]:
    """Every iteration count the page was sent, compact ones too ("2.36M": a fast run passes a
    million iterations before a loaded machine sends it the first frame)."""
    return [count(n) for n, _ in ITERATION.findall(page.text())]


async def wait_until(
    condition: object, what: str, timeout: float = 60.0, page: Page | None = None
) -> None:
    """Poll ``condition()``; after ``timeout`` s fail, with the end of what the page was sent."""
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() >= deadline:
            sent = page.text()[-3000:] if page is not None else ""
            raise AssertionError(f"not reached in {timeout} s: {what}; the page's end:\n{sent}")
        await asyncio.sleep(0.1)


async def drive(page_ws: str, url: str) -> tuple[Page, list[int], bytes]:
    async with aiohttp.ClientSession() as session:
        ws = await session.ws_connect(page_ws, max_msg_size=0)
        page = Page(ws)
        try:
            await page.send("Network.enable")
            await page.send("Page.enable")
            await page.send("Page.navigate", url=url)
            # The app's first screen: its panes, as sent to the page.
            await wait_until(
                lambda: all(w in page.text() for w in ("Dataset", "Hyperparameters", "Training")),
                "the panes in the page",
            )
            await wait_until(lambda: bool(iterations(page)), "the iteration count")
            # The run is built in the background: space starts it once the app says "ready".
            await wait_until(lambda: "ready" in page.text(), "the run ready")
            first = await page.evaluate("document.body.classList.contains('-first-byte')")
            assert first, "the page did not write the app's output into its terminal"
            before = max(iterations(page))
            # The terminal's input field has the focus once the page runs; space starts.
            await page.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
            await page.press(" ", "Space", " ")
            await wait_until(lambda: max(iterations(page)) > before + 1000, "training", page=page)
            counts = iterations(page)
            shot = await page.send("Page.captureScreenshot", format="png")
            return page, counts, base64.b64decode(shot["data"])
        finally:
            await page.close()


def test_serve_in_a_real_browser(neuron_tui: str, app_env: dict[str, str], tmp_path: Path) -> None:
    binary = chromium_binary()
    if binary is None:
        pytest.skip("chromium is not installed (.ci/run installs Debian's chromium)")
    port = free_port()
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [neuron_tui, "serve", "--port", str(port), "--dataset", "circle", "--hidden", "4",
         "--init", "xavier", "--iterations", "100000000"],
        env=app_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for_port(port)
        with Chromium(binary, tmp_path / "profile", app_env) as chromium:
            page_ws = chromium.page_websocket()
            page, counts, png = asyncio.run(drive(page_ws, f"http://127.0.0.1:{port}/"))
        # The count only grows, and the app runs the options given to `serve`.
        assert counts == sorted(counts) and counts[-1] > counts[0]
        assert "/ 100,000,000" in page.text()
        assert png.startswith(b"\x89PNG") and len(png) > 20_000, "a blank page"
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=30)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            log.close()
    output = (tmp_path / "serve.log").read_text(errors="replace")
    assert code == 0, output
    assert "Traceback" not in output
    # The browser tab's app went with the server (before app_env's sweep would kill it).
    deadline = time.monotonic() + 30
    while marked_pids(app_env[MARK_VAR]):
        assert time.monotonic() < deadline, f"left running: {marked_pids(app_env[MARK_VAR])}"
        time.sleep(0.1)
