"""Progress reports from long library calls, shown by whoever made the call.

A library function that takes ``progress`` calls it as ``progress(done, total)``: the units
of work finished so far and how many there are in all (``None`` while that is not known).
The CLI turns the calls into click progress bars on a terminal; a Python caller may log
them or pass nothing.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, "int | None"], None]
