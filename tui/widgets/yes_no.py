"""Yes/no boxes whose label says their state: a checkbox's mark differs only by colour, which
``NO_COLOR`` and screen captures lose."""

from __future__ import annotations

from textual.widgets import Checkbox


class YesNo(Checkbox):
    """A compact checkbox whose label says its state ("yes"/"no"): a checkbox's mark differs only
    by colour, which ``NO_COLOR`` and screen captures lose."""

    def __init__(self, value: bool = False, *, id: str | None = None) -> None:
        super().__init__("yes" if value else "no", value, compact=True, id=id)

    def watch_value(self) -> None:
        super().watch_value()
        self.label = "yes" if self.value else "no"


class AutoYesNo(YesNo):
    """A ``YesNo`` for a setting whose default depends on other fields (``None`` in the config,
    e.g. standardize: yes for a CSV file, no for generated data). It shows ``default`` until the
    person picks the other value; ``setting`` is then that value, else ``None``."""

    def __init__(self, setting: bool | None, default: bool, *, id: str | None = None) -> None:
        super().__init__(default if setting is None else setting, id=id)
        self.default = default

    @property
    def setting(self) -> bool | None:
        """The config's value: ``None`` (follow the default) while the box shows the default."""
        return None if self.value == self.default else self.value

    def show(self, setting: bool | None, default: bool) -> None:
        """Show a config's ``setting`` (``None``: ``default``)."""
        self.default = default
        self.value = default if setting is None else setting

    def follow(self, default: bool) -> None:
        """The default changed (another field did): a box that showed the old one shows the new
        one; a value the person picked stays."""
        self.show(self.setting, default)
