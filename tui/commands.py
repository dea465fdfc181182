"""The command palette provider: one command per app binding, from the real ``BINDINGS``.

Each command shows its key, runs the binding's action, and is offered only while the action is
available (``check_action``), so the palette and the footer always agree.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.actions import parse as parse_action
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider


class BindingCommands(Provider):
    """Commands generated from the app's bindings."""

    def _commands(self) -> Iterator[tuple[str, str, str]]:
        """``(name, help, action)`` of every binding whose action is available now."""
        app = self.app
        seen: dict[str, list[str]] = {}
        bindings: dict[str, Binding] = {}
        for binding in Binding.make_bindings(type(app).BINDINGS):
            if binding.system or not binding.description:
                continue
            seen.setdefault(binding.action, []).append(app.get_key_display(binding))
            bindings.setdefault(binding.action, binding)
        for action, binding in bindings.items():
            _, name, params = parse_action(action)
            if not app.check_action(name, params):
                continue
            keys = ", ".join(dict.fromkeys(seen[action]))
            help_text = f"{keys} · {binding.tooltip}" if binding.tooltip else keys
            yield binding.description, help_text, action

    async def discover(self) -> Hits:
        for name, help_text, action in self._commands():
            yield DiscoveryHit(name, partial(self.app.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, action in self._commands():
            score = max(matcher.match(name), matcher.match(help_text) * 0.8)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    partial(self.app.run_action, action),
                    text=name,
                    help=help_text,
                )
