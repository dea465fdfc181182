"""The app's teaching parts in one mixin: the Math view (``tui.app_math``, key ``m``) and the
guided tour (``tui.app_tour``, ``neuron-tui tour`` or ctrl+t)."""

from __future__ import annotations

from tui.app_math import MathActions
from tui.app_tour import TourActions


class TeachActions(MathActions, TourActions):
    """The Math view's and the tour's actions of ``NeuronApp``."""
