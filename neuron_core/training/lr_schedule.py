"""Learning-rate schedules: the rate of every iteration, a pure function of its number.

With ``lr`` the base rate and t the iteration (0 for the first update; the trainer's count, so a
run that is paused, stepped, saved and resumed uses the same rates as one uninterrupted run)::

    constant   lr
    step       lr * decay^floor(t / every)       (x decay every `every` iterations, in steps)
    exp        lr * decay^(t / every)            (the same decay, smoothly)
    cosine     lr_min + (lr - lr_min) * (1 + cos(pi * t / T)) / 2   for t < T, then lr_min
               (T = the run's iterations: half a cosine from lr down to lr_min)

``decay`` is ``TrainConfig.lr_decay`` (0 < decay <= 1), ``every`` ``lr_step_every`` and ``lr_min``
``lr_min``. Every rate is computed in Python floats, one iteration at a time, so it does not
depend on how the iterations are split into chunks, and at t = 0 every schedule gives ``lr``
exactly. The steppers ask for the rates of a chunk (``rate_function``, ``segments``); a
constant schedule never calls in here, so its runs are the same bit for bit as before schedules.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import numpy as np
from numpy.typing import NDArray

from neuron_core.config import TrainConfig

RateFunction = Callable[[int], float]


def rate_at(cfg: TrainConfig, t: int) -> float:
    """The learning rate of iteration ``t`` (0-based) under ``cfg``'s schedule (module
    docstring)."""
    lr, kind = float(cfg.lr), cfg.lr_schedule
    if kind == "step":
        return lr * float(cfg.lr_decay ** (t // cfg.lr_step_every))
    if kind == "exp":
        return lr * float(cfg.lr_decay ** (t / cfg.lr_step_every))
    if kind == "cosine":
        total = cfg.iterations
        if t >= total:
            return float(cfg.lr_min)
        # Weights c and 1 - c (rather than lr_min + (lr - lr_min) c) give lr exactly at t = 0.
        c = 0.5 * (1.0 + math.cos(math.pi * t / total))
        return lr * c + float(cfg.lr_min) * (1.0 - c)
    return lr


def rate_function(cfg: TrainConfig) -> RateFunction | None:
    """``t -> rate`` for a schedule that moves the rate; ``None`` for a constant one (the
    stepper then keeps ``cfg.lr`` and does no per-iteration work)."""
    if cfg.lr_schedule == "constant":
        return None
    return lambda t: rate_at(cfg, t)


def segments(cfg: TrainConfig, start: int, k: int) -> Iterator[tuple[int, float]]:
    """The iterations ``start .. start+k-1`` as runs ``(count, rate)`` of one rate each, in
    order (counts add up to ``k``): one run for a constant schedule, runs of up to ``every``
    for ``step``, mostly runs of 1 for ``exp`` and ``cosine``."""
    if k <= 0:
        return
    if cfg.lr_schedule == "constant":
        yield k, float(cfg.lr)
        return
    count, current = 1, rate_at(cfg, start)
    for t in range(start + 1, start + k):
        r = rate_at(cfg, t)
        if r == current:
            count += 1
            continue
        yield count, current
        count, current = 1, r
    yield count, current


def rates(cfg: TrainConfig, start: int, k: int) -> NDArray[np.float64]:
    """The rates of iterations ``start .. start+k-1``: (k,) float64."""
    return np.array([rate_at(cfg, t) for t in range(start, start + max(0, k))], dtype=np.float64)


def describe(cfg: TrainConfig) -> str:
    """The schedule in a few words (``""`` for constant): ``step x0.5 every 1,000``,
    ``exp x0.5 per 1,000``, ``cosine to 0.001``."""
    kind = cfg.lr_schedule
    if kind == "step":
        return f"step x{cfg.lr_decay:g} every {cfg.lr_step_every:,}"
    if kind == "exp":
        return f"exp x{cfg.lr_decay:g} per {cfg.lr_step_every:,}"
    if kind == "cosine":
        return f"cosine to {cfg.lr_min:g}"
    return ""
