"""Fair points on the frontier, measured from a reference point (the walk-away values).

All four maximise a criterion over the acceptable frontier outcomes (no party below its
reference). Ties on the criterion are broken, in order, by the larger sum of gains, the
larger smallest gain, and finally the outcome listed first on the frontier (the smaller
first-party utility). The first two tie-breaks keep the choice Pareto-optimal, so the
same rule applied to every package, dominated or not, picks the same utilities: that is
what the tests check by brute force.

Gains are exact: every party's gains are written as integers over one common
denominator, so comparing products, sums and minima involves no rounding.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction

from .model import FairPoint, Outcome

# Each criterion takes integer gains (common unit) and the ideal gains, and returns an
# integer to maximise plus the scale that turns it back into utility units.
Criterion = Callable[[tuple[int, ...], tuple[int, ...], int], tuple[int, Fraction]]


def nash_product(gains: tuple[int, ...], ideal: tuple[int, ...], unit: int) -> tuple[int, Fraction]:
    """Nash bargaining solution: the product of the gains over the reference point."""
    return math.prod(gains), Fraction(1, unit ** len(gains))


def smallest_ideal_share(
    gains: tuple[int, ...], ideal: tuple[int, ...], unit: int
) -> tuple[int, Fraction]:
    """Kalai-Smorodinsky: the smallest share of its ideal gain that any party receives.

    A party's ideal gain is the most it can gain among acceptable outcomes. A party that
    can gain nothing (ideal gain 0) counts as fully served (share 1).
    """
    common = math.prod(i for i in ideal if i) or 1
    shares = [g * (common // i) if i else common for g, i in zip(gains, ideal, strict=True)]
    return min(shares), Fraction(1, common)


def smallest_gain(
    gains: tuple[int, ...], ideal: tuple[int, ...], unit: int
) -> tuple[int, Fraction]:
    """Egalitarian: the smallest gain over the reference point, in utility units."""
    return min(gains), Fraction(1, unit)


def total_gain(gains: tuple[int, ...], ideal: tuple[int, ...], unit: int) -> tuple[int, Fraction]:
    """Maximum total welfare: the sum of the gains (the same package as the sum of utilities)."""
    return sum(gains), Fraction(1, unit)


CRITERIA: dict[str, Criterion] = {
    "nash": nash_product,
    "kalai_smorodinsky": smallest_ideal_share,
    "egalitarian": smallest_gain,
    "max_welfare": total_gain,
}


def integer_gains(
    outcomes: Sequence[Outcome], reference: Sequence[Fraction]
) -> tuple[list[tuple[int, ...]], int]:
    """Every outcome's gains over ``reference`` as integers in units of 1/unit."""
    unit = math.lcm(
        *(r.denominator for r in reference), *(u.denominator for o in outcomes for u in o.exact)
    )
    ref = [r.numerator * (unit // r.denominator) for r in reference]
    gains = [
        tuple(u.numerator * (unit // u.denominator) - r for u, r in zip(o.exact, ref, strict=True))
        for o in outcomes
    ]
    return gains, unit


def best(
    outcomes: Sequence[Outcome],
    reference: Sequence[Fraction],
    criterion: Criterion,
    parties: Sequence[str],
) -> FairPoint | None:
    """The outcome maximising ``criterion`` among those no party rates below its reference."""
    eligible = [o for o in outcomes if all(u >= r for u, r in zip(o.exact, reference, strict=True))]
    if not eligible:
        return None
    gains, unit = integer_gains(eligible, reference)
    ideal = tuple(max(g[p] for g in gains) for p in range(len(reference)))
    scored = [criterion(g, ideal, unit)[0] for g in gains]
    winner = max(range(len(eligible)), key=lambda i: (scored[i], sum(gains[i]), min(gains[i]), -i))
    value, scale = criterion(gains[winner], ideal, unit)
    top = scored[winner]
    return FairPoint(
        outcome=eligible[winner],
        gains={p: g / unit for p, g in zip(parties, gains[winner], strict=True)},
        criterion=float(value * scale),
        equally_good=sum(1 for s in scored if s == top),
    )
