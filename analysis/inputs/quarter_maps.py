"""The column and value maps one quarter is read with: the settings' maps, with the quarter's own.

A force's export can rename a header or change its words from one quarter to the next.  The
settings' maps (``columns:`` and ``values:`` in ``settings.yml``) hold what is true of every
quarter; a quarter's own ``snapshot.yml`` may carry maps of the same form, which win for that
quarter only (:func:`analysis.inputs.columns.merge_maps`,
:func:`analysis.inputs.value_maps.merge_values`).  The loader reads the quarter's files with
these maps, and the paper's method annex states them (``figures.json``'s ``input_maps``), so a
reader of the paper knows which of the export's headers and words were read as which of the
contract's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from analysis.inputs.columns import ColumnMap, merge_maps
from analysis.inputs.settings import Settings
from analysis.inputs.value_maps import ValueMap, merge_values


@dataclass(frozen=True)
class QuarterMaps:
    """The maps in force for one quarter, each entry as typed."""

    columns: ColumnMap = field(default_factory=dict)
    values: ValueMap = field(default_factory=dict)

    def column_map(self, table: str) -> dict[str, str]:
        """Export header -> contract column for one file (empty: read by the contract's names)."""
        return self.columns.get(table, {})

    def record(self) -> dict[str, Any]:
        """The maps as ``figures.json`` records them (``input_maps``): only the kinds in use."""
        recorded: dict[str, Any] = {}
        if self.columns:
            recorded["columns"] = self.columns
        if self.values:
            recorded["values"] = self.values
        return recorded


def for_quarter(settings: Settings, meta: Mapping[str, object] | None) -> QuarterMaps:
    """The settings' maps with the quarter's own (``meta``: its snapshot.yml as read by
    :func:`analysis.inputs.snapshot_meta.read_meta`, or None when it could not be read) winning
    for the same export header, contract column or word."""
    own_columns: Any = (meta or {}).get("columns") or {}
    own_values: Any = (meta or {}).get("values") or {}
    return QuarterMaps(
        columns=merge_maps(settings.columns, own_columns),
        values=merge_values(settings.values, own_values),
    )
