"""Early-warning engine: explained alerts on health-check series and behavioural signals.

Pure Python on numpy/scipy; no Django. The site calls :func:`scan` with
:class:`Observation` and :class:`Signal` values read from its database; ``detente warn``
calls it on a CSV file. See docs/engines/warning.md.
"""

from .engine import fit, scan, scan_table
from .fit import MeasureNoise, NoiseModel
from .measures import ALL_SIGNAL_KINDS, CATALOGUE, SIGNAL_KINDS
from .model import Alert, MeasureSpec, Observation, Settings, Signal

__all__ = [
    "ALL_SIGNAL_KINDS",
    "CATALOGUE",
    "SIGNAL_KINDS",
    "Alert",
    "MeasureNoise",
    "MeasureSpec",
    "NoiseModel",
    "Observation",
    "Settings",
    "Signal",
    "fit",
    "scan",
    "scan_table",
]
