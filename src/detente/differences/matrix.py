"""The register as a picture: a 5 × 5 likelihood × impact matrix, drawn server-side as SVG.

Only the differences the reader may see are passed in, so a private difference of the other
side cannot appear even as an unlabelled dot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CELL, LEFT, TOP = 92, 64, 16


def band(likelihood: int, impact: int) -> str:
    score = likelihood * impact
    return "high" if score >= 15 else "medium" if score >= 8 else "low"


@dataclass
class Dot:
    number: int
    difference: Any
    x: int
    y: int


@dataclass
class Cell:
    likelihood: int
    impact: int
    x: int
    y: int
    band: str


@dataclass
class Matrix:
    cells: list[Cell]
    dots: list[Dot]
    size: int = CELL * 5
    left: int = LEFT
    top: int = TOP

    @property
    def width(self) -> int:
        return LEFT + CELL * 5 + 10

    @property
    def height(self) -> int:
        return TOP + CELL * 5 + 50

    @property
    def axis(self) -> list[dict[str, int]]:
        return [
            {"n": n, "x": LEFT + (n - 1) * CELL + CELL // 2, "y": TOP + (5 - n) * CELL + CELL // 2}
            for n in range(1, 6)
        ]


def layout(differences: list[Any]) -> Matrix:
    cells = [
        Cell(li, im, LEFT + (im - 1) * CELL, TOP + (5 - li) * CELL, band(li, im))
        for li in range(1, 6)
        for im in range(1, 6)
    ]
    by_cell: dict[tuple[int, int], list[Any]] = {}
    for d in differences:
        by_cell.setdefault((d.likelihood, d.impact), []).append(d)
    dots = []
    number = {d.pk: i for i, d in enumerate(differences, start=1)}
    for (li, im), items in by_cell.items():
        x0, y0 = LEFT + (im - 1) * CELL, TOP + (5 - li) * CELL
        for j, d in enumerate(items[:9]):  # a 3 × 3 grid of dots fits a cell
            dots.append(Dot(number[d.pk], d, x0 + 20 + (j % 3) * 26, y0 + 20 + (j // 3) * 26))
    return Matrix(cells, dots)
