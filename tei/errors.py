"""Errors that the CLI turns into one clear line on stderr and an exit code."""

from __future__ import annotations

#: Exit codes shared by every command.
EXIT_OK = 0
EXIT_PROBLEMS = 1  # invalid input, problems found, nothing recognisable
EXIT_CANNOT_RUN = 2  # usage, I/O, unreadable input


class TeitoolError(Exception):
    """A failure to report as one line (``path:line: message``) with an exit code.

    Library functions raise it; only the CLI prints it and exits.
    """

    def __init__(self, message: str, exit_code: int = EXIT_CANNOT_RUN) -> None:
        super().__init__(message)
        self.exit_code = exit_code
