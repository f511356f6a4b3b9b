"""User-facing errors.

Loaders raise :class:`EnclaveInputError` naming the file, the place in it (line, column,
field path or key) and the problem. The CLI catches it once, prints one line and exits 2;
the library never calls ``sys.exit``.
"""

from __future__ import annotations

import warnings
from pathlib import Path


class EnclaveInputError(ValueError):
    """Bad input that makes a run impossible or meaningless."""

    def __init__(self, file: str | Path | None, where: str | None, problem: str) -> None:
        self.file = str(file) if file is not None else None
        self.where = where
        self.problem = problem
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """``file:where: problem`` — the line the CLI prints."""
        parts = [p for p in (self.file, self.where) if p]
        prefix = ":".join(parts)
        return f"{prefix}: {self.problem}" if prefix else self.problem


class EnclaveInputWarning(UserWarning):
    """A quirk in the input that a run tolerates (reported once, naming file and line)."""


def warn_input(file: str | Path, where: str | None, problem: str) -> None:
    """Report a tolerated input quirk as a warning naming file and place."""
    parts = [str(file)] + ([where] if where else [])
    warnings.warn(f"{':'.join(parts)}: {problem}", EnclaveInputWarning, stacklevel=2)
