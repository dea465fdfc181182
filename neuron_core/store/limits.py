"""What a run file may hold, derived from its own metadata and checked on the entries' headers
before any array is read (``runfile`` reads them only afterwards).

From the metadata (its configs, number of parameter arrays and feature names, already checked):

* ``param_<i>``, ``init_<i>``: exactly the shapes of the model the configs describe with the
  data's number of inputs (format 1's single neuron may be saved as ``w`` (n, 1):
  ``record.upgrade_shape``);
* ``costs``: one value per iteration done, ``iterations_done`` in the metadata. Files written
  before that field existed hold at most the configured ``iterations`` of the run or, for a run
  whose iterations were lowered after it had gone further, its optimizer's step count
  (``state_opt_t``, one checked number read ahead of the rest);
* ``test_iters``, ``test_costs``: the same length, at most one per iteration done (iterations 0
  to n, so n + 1); their values are checked once read (``record.check_record``);
* ``state_<name>``: only the names a stepper writes, each at most as long as the model's
  parameter count allows (``training.stepper.state_limits``).

Every entry must be stored uncompressed (``archive.open_entry``) and all of them must fit in the
file (``archive.check_total``): a load never allocates more for its arrays than the file's own
size, and what it allocates is the arrays of a run of the shape the metadata describes.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from neuron_core.config import MAX_ITERATIONS, ModelConfig, TrainConfig
from neuron_core.store.archive import (
    Entry,
    Invalid,
    check_total,
    get_field,
    open_entry,
    read_entry,
)
from neuron_core.store.record import (
    MAX_PARAMS,
    MAX_STATE,
    STATE_NAME,
    check_shapes,
    model_inputs,
    model_shapes,
    upgrade_shape,
)
from neuron_core.training.stepper import state_limits

# The metadata's count of iterations done; files without it are bounded as described above.
ITERATIONS_DONE = "iterations_done"


@dataclass(frozen=True)
class Plan:
    """The checked entries of a run file, in reading order; no data read yet."""

    params: list[Entry]
    initial: list[Entry]
    costs: Entry
    test_iters: Entry
    test_costs: Entry
    state: dict[str, Entry]

    def entries(self) -> list[Entry]:
        """Every entry to read."""
        fixed = [self.costs, self.test_iters, self.test_costs]
        return [*self.params, *self.initial, *fixed, *self.state.values()]


def _params(
    zf: zipfile.ZipFile,
    n_params: int,
    expected: list[tuple[int, ...]],
    fix: Callable[[int, tuple[int, ...]], tuple[int, ...]],
) -> tuple[list[Entry], list[Entry]]:
    """``param_<i>`` and ``init_<i>``: 2-D float64, each initial one shaped as its current
    one, and together the ``expected`` shapes (after ``fix(i, shape)``: format 1's layout)."""
    params, initial = [], []
    for i in range(n_params):
        params.append(open_entry(zf, f"param_{i}", "f", 2))
        initial.append(open_entry(zf, f"init_{i}", "f", 2))
        if initial[i].shape != params[i].shape:
            raise Invalid(
                f"initial parameter {i} has shape {initial[i].shape} but the current parameter "
                f"has {params[i].shape}"
            )
    check_shapes([fix(i, e.shape) for i, e in enumerate(params)], expected)
    return params, initial


def _state(zf: zipfile.ZipFile, kinds: object, n_values: int) -> dict[str, Entry]:
    """``state_<name>`` for every name the metadata lists: known names, 1-D of their kind,
    no longer than ``training.stepper.state_limits`` allows for ``n_values`` parameters."""
    if not isinstance(kinds, dict) or len(kinds) > MAX_STATE:
        raise Invalid("the field 'stepper_state' is invalid")
    limits = state_limits(n_values)
    state: dict[str, Entry] = {}
    for name, kind in kinds.items():
        if not isinstance(name, str) or not STATE_NAME.fullmatch(name) or kind not in ("f", "i"):
            raise Invalid(f"the training state entry {name!r} is invalid")
        if name not in limits:
            raise Invalid(f"the training state entry {name!r} is not one neuron-tui writes")
        entry = open_entry(zf, f"state_{name}", kind, 1)
        if entry.count > limits[name]:
            raise Invalid(
                f"the training state entry {name!r} has {entry.count:,} values; a run of this "
                f"model has at most {limits[name]:,}"
            )
        state[name] = entry
    return state


def _iterations(
    zf: zipfile.ZipFile,
    meta: dict[str, Any],
    costs: Entry,
    train_cfg: TrainConfig,
    state: dict[str, Entry],
) -> int:
    """The number of iterations done, which the cost history must match (or, in a file
    without the count, not exceed); ``Invalid`` otherwise."""
    n = costs.count
    if ITERATIONS_DONE in meta:
        done = meta[ITERATIONS_DONE]
        if isinstance(done, bool) or not isinstance(done, int) or not 0 <= done <= MAX_ITERATIONS:
            raise Invalid(f"the field {ITERATIONS_DONE!r} is missing or invalid")
        if n != done:
            raise Invalid(f"the cost history has {n:,} entries but the run did {done:,} iterations")
        return n
    limit = train_cfg.iterations
    if n > limit and "opt_t" in state and state["opt_t"].count == 1:
        # Lowered after the run went further: the optimizer counted the steps (8 bytes, checked).
        limit = max(limit, min(int(read_entry(zf, state["opt_t"])[0]), MAX_ITERATIONS))
    if n > limit:
        raise Invalid(
            f"the cost history has {n:,} entries, more than the run's {limit:,} iterations"
        )
    return n


def plan(
    zf: zipfile.ZipFile,
    meta: dict[str, Any],
    model_cfg: ModelConfig,
    train_cfg: TrainConfig,
    feature_names: tuple[str, ...],
    file_size: int,
) -> Plan:
    """Open every entry a run of this metadata has and check it against the limits above; the
    entries of a run file of ``file_size`` bytes. ``Invalid`` for the first that does not fit."""
    n_params = get_field(meta, "n_params", int)
    if not 1 <= n_params <= MAX_PARAMS:
        raise Invalid(f"invalid number of parameter arrays {n_params}")
    version = int(meta["format_version"])
    expected = model_shapes(model_cfg, model_inputs(model_cfg, len(feature_names)))

    def fix(i: int, shape: tuple[int, ...]) -> tuple[int, ...]:
        return upgrade_shape(version, model_cfg, i, shape)

    params, initial = _params(zf, n_params, expected, fix)
    costs = open_entry(zf, "costs", "f", 1)
    test_iters = open_entry(zf, "test_iters", "i", 1)
    test_costs = open_entry(zf, "test_costs", "f", 1)
    if test_iters.shape != test_costs.shape:
        raise Invalid("the test-cost entries have different lengths")
    n_values = sum(rows * cols for rows, cols in expected)
    # Absent in files saved before the training state was stored.
    state = _state(zf, meta.get("stepper_state", {}), n_values)
    n = _iterations(zf, meta, costs, train_cfg, state)
    if test_iters.count > n + 1:
        raise Invalid(
            f"the test-cost history has {test_iters.count:,} entries, more than one per "
            f"iteration of the {n:,} done"
        )
    found = Plan(params, initial, costs, test_iters, test_costs, state)
    check_total(found.entries(), file_size)
    return found
