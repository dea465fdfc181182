"""Exceptions raised by the engine.

Every error the user can cause carries a message written for a person: the UI shows it on the field
(``ConfigError.field``) or in a notification, and the CLI prints it as one line on stderr.
"""

from __future__ import annotations


class NeuronError(Exception):
    """Base class of every error the engine raises on purpose."""


class ConfigError(NeuronError, ValueError):
    """A configuration value is invalid.

    ``field`` names the config attribute (``"lr"``, ``"samples"``...), so a UI can mark that field.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class DataError(NeuronError):
    """A data file (CSV) cannot be used; the message names the row or column at fault."""


class StoreError(NeuronError):
    """A saved run cannot be written or read (corrupt, truncated, foreign, newer format...)."""
