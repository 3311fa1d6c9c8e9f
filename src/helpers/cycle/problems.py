"""Several problems with the files a command reads, reported together: one line each, naming the file and cell."""

from __future__ import annotations

from helpers.base.errors import InputError


class Problems(Exception):
    """Several InputErrors, one line each."""

    def __init__(self, errors: list[InputError]):
        """Keep every error; the message is one line per error."""
        self.errors = errors
        super().__init__("\n".join(map(str, errors)))
