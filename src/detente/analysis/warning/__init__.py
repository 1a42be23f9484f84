"""Early-warning engine: explained alerts on health-check series and behavioural signals.

Pure Python on numpy/scipy; no Django. The site calls :func:`scan` with
:class:`Observation` and :class:`Signal` values read from its database; ``detente warn``
calls it on a CSV file. See docs/engines/warning.md.
"""

from .engine import scan, scan_table
from .measures import ALL_SIGNAL_KINDS, CATALOGUE, SIGNAL_KINDS
from .model import Alert, MeasureSpec, Observation, Settings, Signal

__all__ = [
    "ALL_SIGNAL_KINDS",
    "CATALOGUE",
    "SIGNAL_KINDS",
    "Alert",
    "MeasureSpec",
    "Observation",
    "Settings",
    "Signal",
    "scan",
    "scan_table",
]
