"""``to_dict``/``from_dict`` for the frozen config dataclasses of ``neuron_core.config``: the
JSON-safe form the store and the session keep (tuples stored as lists)."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any, ClassVar


class Serializable:
    """``to_dict``/``from_dict`` for a frozen config dataclass (tuples stored as lists).

    ``SPARSE``: fields left out of ``to_dict`` while they hold the given value, so files saved
    before the field existed and files saved after it read back the same.
    """

    SPARSE: ClassVar[dict[str, Any]] = {}

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)  # type: ignore[call-overload]
        return {
            k: list(v) if isinstance(v, tuple) else v
            for k, v in out.items()
            if not (k in self.SPARSE and v == self.SPARSE[k])
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Any:
        """Build from a dict, ignoring unknown keys (forward compatible) and converting lists."""
        known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in known}
        obj = cls(**kwargs)
        obj.validate()  # type: ignore[attr-defined]
        return obj
