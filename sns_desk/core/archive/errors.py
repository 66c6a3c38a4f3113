"""The one error type of the archive reader."""

from __future__ import annotations

from ..errors import UserError


class ArchiveError(UserError):
    """An archive that cannot be read safely or completely.

    ``message`` (also ``str(error)``) is Japanese, written for the member of staff doing the import.
    """
