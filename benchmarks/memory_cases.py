"""Files that try to make a loader expand them, and a probe that measures a load's peak memory.

Shared by ``bench_memory.py`` (the figures) and ``tests/core/test_store_limits.py`` (the checks):

* ``write_run``: a valid run file of any length, built directly as a ``RunRecord`` (no training:
  ten million iterations take a second to write);
* ``deflate_bomb``: a run file whose chosen entries are replaced by deflate-compressed zeros
  (streamed: building a gigabyte bomb never holds a gigabyte), declared as ``n`` values;
* ``lying_sizes``: an entry whose ``.npy`` header and zip sizes agree on a huge array that the
  file does not hold;
* ``long_header``: an entry whose ``.npy`` header claims to be gigabytes long;
* ``many_entries``: a run file with a huge list of extra (empty) entries;
* ``write_csv``: a numeric CSV file of any size (two classes from the first feature's sign);
* ``measure_load`` / ``measure_csv``: load a file in a fresh interpreter (``python -I``) and
  report its error, the peak of ``tracemalloc`` and the growth of the process's peak RSS
  (``VmHWM``) during the load, next to the bytes of the arrays the load produced.
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.lib.format as npformat

from neuron_core.config import DataConfig, ModelConfig, TrainConfig
from neuron_core.model.network import Network
from neuron_core.store.record import RunRecord
from neuron_core.store.runfile import save_run
from neuron_core.training.history import History

MB = 1 << 20
LINE = DataConfig(name="line", samples=400, test_samples=300, seed=5)
_ZEROS = bytes(MB)


def write_run(
    path: Path,
    iterations: int,
    test_every: int = 10,
    model_cfg: ModelConfig | None = None,
    optimizer: Literal["gd", "momentum", "adam"] = "gd",
) -> Path:
    """A valid run of the ``line`` data (2 features) that did ``iterations`` iterations and
    measured the test cost every ``test_every`` (every iteration: as many test costs as
    costs). Costs are a smooth made-up curve; the optimizer state is that of ``optimizer``."""
    model_cfg = model_cfg or ModelConfig()
    params = Network.from_config(model_cfg, 2).get_params()
    costs = np.linspace(0.69, 0.05, iterations)
    iters = np.arange(test_every, iterations + 1, test_every, dtype=np.int64)
    history = History.from_arrays(costs, iters, np.linspace(0.7, 0.06, iters.size))
    total = sum(p.size for p in params)
    state = {"opt_t": np.array([iterations], dtype=np.int64)}
    slots = {"gd": (), "momentum": ("velocity",), "adam": ("m", "v")}[optimizer]
    state.update({f"opt_{slot}_0": np.full(total, 1e-3) for slot in slots})
    record = RunRecord(
        data_cfg=LINE,
        model_cfg=model_cfg,
        train_cfg=TrainConfig(
            iterations=max(1, iterations), test_every=test_every, optimizer=optimizer
        ),
        params=params,
        initial_params=[p.copy() for p in params],
        history=history,
        status="paused",
        reason="",
        seconds=1.0,
        csv_sha256=None,
        feature_names=("x1", "x2"),
        saved_at="2025-01-01T00:00:00+00:00",
        stepper_state=state,
    )
    save_run(path, record)
    return path


def npy_header(shape: tuple[int, ...], descr: str = "<f8") -> bytes:
    """The ``.npy`` header (magic, version 1.0, padded dict) of an array of ``shape``."""
    buf = io.BytesIO()
    npformat.write_array_header_1_0(buf, {"descr": descr, "fortran_order": False, "shape": shape})
    return buf.getvalue()


def _copy(src: Path, dst: Path, replace: Iterable[str]) -> zipfile.ZipFile:
    """Open ``dst`` for writing with every entry of ``src`` but those in ``replace`` copied."""
    skip = {f"{name}.npy" for name in replace}
    out = zipfile.ZipFile(dst, "w")
    with zipfile.ZipFile(src) as z:
        for info in z.infolist():
            if info.filename not in skip:
                out.writestr(info.filename, z.read(info))
    return out


def edit_meta(src: Path, dst: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    """Copy the run at ``src`` to ``dst`` with its metadata edited by ``change`` (in place)."""
    with zipfile.ZipFile(src) as z:
        raw = z.read("meta.npy")
    offset = len(raw) - int(np.prod(np.load(io.BytesIO(raw)).shape))
    meta = json.loads(raw[offset:].decode("utf-8"))
    change(meta)
    text = json.dumps(meta).encode("utf-8")
    with _copy(src, dst, ["meta"]) as out:
        out.writestr("meta.npy", npy_header((len(text),), "|u1") + text)
    return dst


def deflate_bomb(src: Path, dst: Path, entries: dict[str, str], n: int) -> Path:
    """``src`` with each entry of ``entries`` (name -> dtype descr, e.g. ``"<f8"``) replaced by
    ``n`` zeros, deflate-compressed: a few hundred kB per GB of declared data."""
    with _copy(src, dst, entries) as out:
        for name, descr in entries.items():
            info = zipfile.ZipInfo(f"{name}.npy")
            info.compress_type = zipfile.ZIP_DEFLATED
            with out.open(info, "w", force_zip64=True) as w:
                w.write(npy_header((n,), descr))
                left = n * np.dtype(descr).itemsize
                while left:
                    w.write(_ZEROS[: min(left, MB)])
                    left -= min(left, MB)
    return dst


def _patch_sizes(path: Path, name: str, size: int) -> None:
    """Set the compressed and uncompressed sizes of entry ``name`` to ``size`` in its local
    header and in the central directory (the CRC stays: the data is never read to its end)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        local = z.getinfo(name).header_offset
    struct.pack_into("<LL", data, local + 18, size, size)
    central = data.rfind(b"PK\x01\x02")
    while central >= 0:
        n_len = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + n_len] == name.encode():
            struct.pack_into("<LL", data, central + 20, size, size)
            break
        central = data.rfind(b"PK\x01\x02", 0, central)
    path.write_bytes(bytes(data))


def lying_sizes(src: Path, dst: Path, entry: str, n: int) -> Path:
    """``src`` with ``entry`` stored uncompressed, its header declaring ``n`` float64 and its
    zip sizes agreeing (``n * 8`` + header, under 4 GB), while the file holds 64 kB of it."""
    header = npy_header((n,))
    with _copy(src, dst, [entry]) as out:
        out.writestr(f"{entry}.npy", header + bytes(64 << 10))
    _patch_sizes(dst, f"{entry}.npy", len(header) + 8 * n)
    return dst


def long_header(src: Path, dst: Path, entry: str, length: int = 0xFFFF_FFF0) -> Path:
    """``src`` with ``entry`` in ``.npy`` version 2.0 whose header length field says
    ``length`` bytes (numpy reads that many bytes before it checks the length)."""
    body = b"\x93NUMPY\x02\x00" + struct.pack("<L", length) + b"{" + b" " * (64 << 10)
    with _copy(src, dst, [entry]) as out:
        out.writestr(f"{entry}.npy", body)
    _patch_sizes(dst, f"{entry}.npy", length + 12)
    return dst


def many_entries(src: Path, dst: Path, count: int) -> Path:
    """``src`` with ``count`` extra empty entries (``zipfile`` builds an object per entry)."""
    with _copy(src, dst, []) as out:
        for i in range(count):
            out.writestr(f"extra_{i}.npy", b"")
    return dst


def write_csv(path: Path, rows: int, features: int, seed: int = 0) -> Path:
    """A CSV file of ``rows`` rows: ``features`` columns ``x0..`` of 6-decimal normal values
    and a label ``y`` (0/1: the sign of ``x0``)."""
    rng = np.random.default_rng(seed)
    with path.open("w", encoding="ascii") as f:
        f.write(",".join([f"x{i}" for i in range(features)] + ["y"]) + "\n")
        for start in range(0, rows, 100_000):
            X = np.round(rng.normal(size=(min(100_000, rows - start), features)), 6)
            table = np.column_stack([X, X[:, 0] > 0])
            np.savetxt(f, table, fmt=["%.6f"] * features + ["%d"], delimiter=",")
    return path


@dataclass(frozen=True)
class Load:
    """What ``measure_load`` / ``measure_csv`` saw: the error (``None``: loaded), the peak of
    ``tracemalloc`` and the growth of the peak RSS during the load (bytes), and the bytes of the
    arrays the load produced (0 when it failed)."""

    error: str | None
    traced_peak: int
    rss_growth: int
    arrays: int

    @property
    def ratio(self) -> float:
        """The larger of the two peaks over the produced arrays."""
        return max(self.traced_peak, self.rss_growth) / max(self.arrays, 1)


_PROBE = r"""
import json, resource, sys, tracemalloc, zipfile
from neuron_core.errors import NeuronError
from neuron_core.store.runfile import load_run
from neuron_core.config import DataConfig
from neuron_core.data.csvfile import load_csv


def rss():
    # VmHWM: this process's peak RSS. ru_maxrss would do elsewhere, but on Linux it starts at
    # the parent's RSS at the fork (exec keeps it), which would hide this load's peak.
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def load(kind, path):
    if kind == "run":
        r = load_run(path)
        h = r.history
        return [*r.params, *r.initial_params, h.train(), *h.test(), *r.stepper_state.values()]
    d = load_csv(DataConfig(source="csv", csv_path=path, target="y"))
    return [d.X_train, d.Y_train, d.X_test, d.Y_test]


kind, path, traced = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
before = rss()
if traced:
    tracemalloc.start()
try:
    arrays, error = sum(a.nbytes for a in load(kind, path)), None
except NeuronError as exc:
    arrays, error = 0, str(exc)
peak = tracemalloc.get_traced_memory()[1] if traced else 0
print(json.dumps({"error": error, "traced_peak": peak, "rss_growth": rss() - before,
                  "arrays": arrays}))
"""


def _probe(kind: str, path: Path, traced: bool) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-I", "-c", _PROBE, kind, str(path), "1" if traced else "0"],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def measure(kind: str, path: Path) -> Load:
    """Load ``path`` (``kind``: ``"run"`` or ``"csv"``) in two fresh interpreters: one with
    ``tracemalloc`` for the traced peak, one without for the RSS growth (``tracemalloc``'s own
    bookkeeping would inflate it)."""
    traced = _probe(kind, path, traced=True)
    plain = _probe(kind, path, traced=False)
    return Load(plain["error"], traced["traced_peak"], plain["rss_growth"], plain["arrays"])


def measure_load(path: Path) -> Load:
    """``measure`` for a run file (``load_run``)."""
    return measure("run", path)


def measure_csv(path: Path) -> Load:
    """``measure`` for a CSV file (``load_csv`` with the target ``y``, default split)."""
    return measure("csv", path)
