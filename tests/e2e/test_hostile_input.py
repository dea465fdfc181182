"""The installed ``neuron-tui`` against hostile surroundings, in real tmux panes (issue 10).

* Class 1: nothing from the working directory runs. A folder with a planted ``numpy.py``,
  ``neuron_core/`` and ``tui/`` (each writes a marker file when imported) is the working
  directory of the app and of a large ``neuron-tui train`` run (two training threads): no
  marker appears. The test stays to guard every process a future version might start.
* Class 5: data never drives the terminal. The raw bytes the app and the command write to a real
  terminal while showing a CSV whose header and labels hold escape sequences contain none of
  them.

Programs start behind a gate file, so the pipe that records the terminal is open before their
first byte; every wait is on the screen or the file system, never a fixed sleep.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path

from sshd import MARK_VAR
from test_ssh import assert_clean
from tmux import NeuronPane

ESC = "\x1b"
TITLE = f"{ESC}]0;PWNED\x07"
CLEAR = f"{ESC}[2J"
COLUMNS = (f"a{TITLE}", "b[red]x[/red]", f"lab{CLEAR}")
LABELS = ("[bold]yes", "no\u202e")
PLANTED = ("numpy.py", "rich.py", "neuron_core/__init__.py", "tui/__init__.py")


def evil_csv(path: Path, rows: int = 200) -> Path:
    lines = [",".join(COLUMNS)]
    for i in range(rows):
        x1, x2 = (i * 37 % 101) / 101, (i * 53 % 97) / 97
        lines.append(f"{x1},{x2},{LABELS[int(x1 > x2)]}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def plant(folder: Path) -> Path:
    """Modules that shadow ours and NumPy's if the working directory is ever on sys.path."""
    for name in PLANTED:
        module = folder / name
        module.parent.mkdir(parents=True, exist_ok=True)
        module.write_text(
            "import pathlib\n"
            f"pathlib.Path({str(folder / 'RAN')!r}).write_text({name!r})\n"
            "raise SystemExit('a planted module ran')\n"
        )
    return folder / "RAN"


def gated(
    make: Callable[..., NeuronPane], argv: list[str], env: dict[str, str], cwd: Path
) -> tuple[NeuronPane, Path]:
    """A pane that runs ``argv`` once the returned gate file exists (so a pipe can be opened on
    it first). The marker goes to the program only, as the other e2e tests do."""
    gate = cwd / "GO"
    command = " ".join(shlex.quote(a) for a in argv)
    script = f"while [ ! -e {shlex.quote(str(gate))} ]; do sleep 0.02; done; exec {command}"
    local_env = {k: v for k, v in env.items() if k != MARK_VAR}
    full = ["env", f"{MARK_VAR}={env[MARK_VAR]}", "sh", "-c", script]
    return make(full, env=local_env, cwd=cwd), gate


def raw_output(pane: NeuronPane, gate: Path, run: Callable[[], None]) -> bytes:
    """Everything the pane's program writes from its start until ``run()`` returns."""
    record = gate.parent / "terminal.bin"
    pane.start_pipe(record)
    gate.touch()
    run()
    pane.stop_pipe(record)
    return record.read_bytes()


def assert_no_leak(data: bytes) -> None:
    for raw in (TITLE, CLEAR, "\u202e"):
        assert raw.encode() not in data, f"{raw!r} reached the terminal"
    assert b"PWNED" in data  # the name is there, escaped


def test_the_app_shows_hostile_names_as_text_and_runs_nothing_from_its_folder(
    tmp_path: Path,
    pane_factory: Callable[..., NeuronPane],
    neuron_tui: str,
    app_env: dict[str, str],
) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    ran = plant(folder)
    csv = evil_csv(folder / "evil.csv")
    # The session the app offers at start: a run on the hostile CSV, saved by the command.
    session = Path(app_env["XDG_STATE_HOME"]) / "neuron-tui" / "session.npz"
    session.parent.mkdir(parents=True)
    save, _ = gated(
        pane_factory,
        [neuron_tui, "train", "--csv", str(csv), "--target", COLUMNS[2], "--iterations", "20",
         "--save", str(session)],
        app_env,
        folder,
    )  # fmt: skip

    def finished() -> None:
        assert save.wait_exit(30) == 0, save.capture()

    data = raw_output(save, folder / "GO", finished)
    assert_no_leak(data)  # the command's table on a real terminal
    (folder / "GO").unlink()

    app, gate = gated(pane_factory, [neuron_tui], app_env, folder)

    def resume_and_quit() -> None:
        app.wait_for("Resume", 20)
        app.send_keys("Enter")
        app.wait_for("resumed the saved session", 20)
        assert_clean(app.capture())
        app.send_keys("q")
        assert app.wait_exit(10) == 0

    data = raw_output(app, gate, resume_and_quit)
    assert_no_leak(data)
    assert not ran.exists(), f"a planted module ran: {ran.read_text()}"


def test_a_large_headless_run_imports_nothing_from_its_folder(
    tmp_path: Path,
    pane_factory: Callable[..., NeuronPane],
    neuron_tui: str,
    app_env: dict[str, str],
) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    ran = plant(folder)
    # 200,000 points: large enough for the engine's second training thread.
    pane, gate = gated(
        pane_factory,
        [neuron_tui, "train", "--samples", "200000", "--iterations", "30", "--json"],
        app_env,
        folder,
    )
    gate.touch()
    assert pane.wait_exit(60) == 0, pane.capture()
    assert '"iterations": 30' in pane.capture()
    assert not ran.exists(), f"a planted module ran: {ran.read_text()}"
