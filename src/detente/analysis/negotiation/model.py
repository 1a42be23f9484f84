"""Plain data in and out of the negotiation engine.

The Django site builds these from database rows and reads the results back; the command
builds them from a YAML/JSON file (see ``parse.py``). Nothing here knows about either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

Package = dict[str, str]
"""One option chosen for every issue: ``{issue name: option}``."""


@dataclass(frozen=True)
class Issue:
    name: str
    options: tuple[str, ...]


@dataclass(frozen=True)
class Preferences:
    """One party's private preferences.

    ``weights`` need not sum to 1 (they are normalised); ``scores`` rate every option of
    every issue on 0..1; ``walk_away`` is the utility (0..1) of the party's best
    alternative to a deal.
    """

    weights: dict[str, float]
    scores: dict[str, dict[str, float]]
    walk_away: float = 0.0


@dataclass(frozen=True)
class Constraint:
    """Forbids combinations of options across issues.

    When every issue in ``when`` takes one of its listed options, no issue in
    ``then_not`` may take one of its listed options. ``then_not`` is the file's
    ``then_not``; a file's ``then`` (allowed options) is turned into ``then_not`` when read.
    """

    when: dict[str, tuple[str, ...]]
    then_not: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Problem:
    parties: tuple[str, ...]
    issues: tuple[Issue, ...]
    preferences: dict[str, Preferences]
    constraints: tuple[Constraint, ...] = ()
    tentative: Package | None = None


@dataclass(frozen=True)
class Outcome:
    """A point of the frontier: one package, the utilities it gives, and its ties.

    ``utilities`` are floats for display; ``exact`` holds the same utilities as exact
    fractions (in party order), which is what the engine compares. ``ties`` counts every
    package with exactly these utilities (this one included); ``tied_packages`` lists
    up to the requested number of them, ``package`` first.
    """

    package: Package
    utilities: dict[str, float]
    exact: tuple[Fraction, ...]
    ties: int = 1
    tied_packages: tuple[Package, ...] = ()
    acceptable: bool = True


@dataclass(frozen=True)
class FairPoint:
    """A fair point: the frontier outcome that best meets one named criterion.

    ``criterion`` is the value that was maximised (for example the Nash product) and
    ``equally_good`` how many acceptable frontier outcomes reach the same value
    (before the documented tie-break picks one).
    """

    outcome: Outcome
    gains: dict[str, float]
    criterion: float
    equally_good: int = 1


@dataclass(frozen=True)
class Improvements:
    """Packages on the frontier that leave no side worse off than the tentative deal."""

    tentative: Outcome
    on_frontier: bool
    outcomes: tuple[Outcome, ...]
    fair: FairPoint | None
    """Nash bargaining solution with the tentative deal as the reference point."""


@dataclass
class NegotiationResult:
    parties: tuple[str, ...]
    walk_away: dict[str, float]
    frontier: list[Outcome]
    """Every Pareto-optimal utility vector, ordered along the first party's utility."""
    nash: FairPoint | None
    kalai_smorodinsky: FairPoint | None
    egalitarian: FairPoint | None
    max_welfare: FairPoint | None
    improvements: Improvements | None = None
    package_count: int = 0
    """Packages that satisfy the constraints (the size of the outcome space)."""
    exact: bool = True
    """False when utilities had to be rounded to a 1e-12 grid (see docs)."""
    notes: list[str] = field(default_factory=list)
