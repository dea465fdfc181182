"""The loops of ``NetworkStepper.run``: one chunk of iterations, checked at its end or at every
iteration.

An iteration computes the cost of the current parameters and their gradient (``compute``,
which returns the cost and leaves the gradient in ``grad``), records the cost and updates the
parameters ``theta`` (one flat vector) in place with ``step([theta], [grad])``.

Divergence is a cost or a parameter that is not finite; the run then stops with the
parameters of the previous iteration (``prev``), whose cost was the last one recorded.
``run_checked`` checks the parameters (their sum, one ``dot`` with ``ones``) and copies them to
``prev`` at every iteration. ``run_unchecked`` checks every cost but not the parameters, and
copies them only before the chunk's last update (the next chunk restores that copy if its
first cost is not finite). A parameter that is not finite stays so (``p - x`` is inf or NaN for
any ``x`` when ``p`` is), so when the parameters after the chunk are finite, all of them were;
otherwise ``run_chunk`` replays the chunk from its start with ``run_checked``. The check and
the copy are two NumPy calls of about 0.5 us each: at ~30 us per iteration of a small network
on 1,000 samples (issue 15), worth moving from every iteration to the chunk.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]
FloatArray = NDArray[np.floating]
Step = Callable[[list[FloatArray], list[FloatArray]], None]


def run_chunk(
    compute: Callable[[], float],
    step: Step,
    theta: FloatArray,
    prev: FloatArray,
    grad: FloatArray,
    ones: FloatArray,
    state: Callable[[], dict[str, NDArray[Any]]],
    set_state: Callable[[Mapping[str, NDArray[Any]]], None],
    costs: F64,
    k: int,
    at: Callable[[int], None] | None = None,
) -> int:
    """Up to ``k`` iterations as ``run_checked`` gives them, checked once: ``run_unchecked``,
    then, when a cost or the parameters after it were not finite, the same chunk again from
    its start with ``run_checked`` (``theta``, ``prev`` and the stepper's ``state()``: the
    optimizer's memory and the mini-batch order, all that the iterations depend on). The
    iterations are deterministic, so the replay stops where, and with the bits, the checked
    loop alone would have. ``at(j)``, when given, is called before iteration j's update (a
    learning-rate schedule sets the rate there)."""
    start, start_prev, saved = theta.copy(), prev.copy(), state()
    done = run_unchecked(compute, step, theta, prev, grad, costs, k, at)
    with np.errstate(all="ignore"):  # an overflowing sum is "not finite", as in run_checked
        if done == k and math.isfinite(float(np.dot(theta, ones))):
            return k
    np.copyto(theta, start)
    np.copyto(prev, start_prev)
    set_state(saved)
    return run_checked(compute, step, theta, prev, grad, ones, costs, k, at)


def run_unchecked(
    compute: Callable[[], float],
    step: Step,
    theta: FloatArray,
    prev: FloatArray,
    grad: FloatArray,
    costs: F64,
    k: int,
    at: Callable[[int], None] | None = None,
) -> int:
    """Up to ``k`` iterations, iteration j's cost into ``costs[j]``; returns how many ran, fewer
    than ``k`` at the first cost that is not finite (the parameters are then left as they are:
    the caller replays the chunk). ``prev`` gets the parameters before the last update."""
    params, grads = [theta], [grad]
    isfinite = math.isfinite
    last = k - 1
    with np.errstate(all="ignore"):  # non-finite values are detected and handled by the caller
        for j in range(k):
            cost = compute()
            if not isfinite(cost):
                return j
            costs[j] = cost
            if j == last:
                np.copyto(prev, theta)
            if at is not None:
                at(j)
            step(params, grads)
    return k


def run_checked(
    compute: Callable[[], float],
    step: Step,
    theta: FloatArray,
    prev: FloatArray,
    grad: FloatArray,
    ones: FloatArray,
    costs: F64,
    k: int,
    at: Callable[[int], None] | None = None,
) -> int:
    """Up to ``k`` iterations, iteration j's cost into ``costs[j]``; returns how many ran.
    Fewer than ``k`` means the next cost or the parameters were not finite, and ``theta`` was
    restored from ``prev``, the parameters of the last cost recorded. ``ones`` is
    ``theta``-shaped."""
    params, grads = [theta], [grad]
    isfinite = math.isfinite
    with np.errstate(all="ignore"):  # non-finite values are detected and handled below
        for j in range(k):
            cost = compute()
            if not (isfinite(cost) and isfinite(float(np.dot(theta, ones)))):
                np.copyto(theta, prev)
                return j
            costs[j] = cost
            np.copyto(prev, theta)
            if at is not None:
                at(j)
            step(params, grads)
    return k
