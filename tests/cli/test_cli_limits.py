"""``neuron-tui train`` on files that try to expand (issue 10, class 2): a run file bomb and a
CSV file over the row limit are one line on stderr and exit 2, in-process and in a real
process (no traceback, no gigabytes)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from neuron_core.data import csvtable
from tui.__main__ import main

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from memory_cases import deflate_bomb, write_run


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 100 kB run file whose costs are 100 MB of deflated zeros."""
    root = tmp_path_factory.mktemp("cli-limits")
    good = write_run(root / "good.npz", 300)
    return deflate_bomb(good, root / "bomb.npz", {"costs": "<f8"}, 12_500_000)


def test_a_run_file_bomb_is_one_line_and_exit_2(
    bomb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["train", "--load", str(bomb)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err == (
        f"neuron-tui: error: {bomb} is damaged: the entry 'costs' is compressed, which "
        "neuron-tui never writes\n"
    )


def test_a_run_file_bomb_in_a_real_process(bomb: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-I", "-m", "tui", "train", "--load", str(bomb)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "is compressed" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_csv_file_over_the_row_limit_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvtable, "MAX_ROWS", 50)
    path = tmp_path / "data.csv"
    path.write_text("a,y\n" + "".join(f"{i},{i % 2}\n" for i in range(51)))
    code = main(["train", "--csv", str(path), "--target", "y"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err == (
        f"neuron-tui: error: {path} has more than 50 data rows; at most 50 can be loaded "
        "(as for generated samples)\n"
    )
