"""Problems found in a snapshot, reported the way an analyst can act on them.

Every problem names the file, the row as Excel shows it (header is row 1), the column and the
offending value, because the person fixing it has the spreadsheet open, not our code.  Errors
stop a run; warnings are printed, carried into the paper's data-quality annex, and change no
figure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One problem in one place of one input file."""

    severity: Severity
    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column}"
        shown = "" if self.value is None else f" (value: {self.value!r})"
        return f"{self.severity.upper()}: {where}: {self.message}{shown}"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class SnapshotError(Exception):
    """A snapshot that cannot give correct figures; carries every error found, not just the first."""

    def __init__(self, findings: Iterable[Finding]) -> None:
        self.findings = [f for f in findings if f.severity == "error"]
        lines = "\n".join(str(f) for f in self.findings)
        super().__init__(f"{len(self.findings)} error(s) in the input data:\n{lines}")
