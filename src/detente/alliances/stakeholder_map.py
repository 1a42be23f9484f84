"""Layout of the stakeholder map: one column per side, lines between counterparts.

Only the stakeholders given are drawn (the caller passes the visible ones), and a
counterpart line is drawn only when both ends are among them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

COLUMN_WIDTH = 300
ROW_HEIGHT = 74
TOP = 64
NODE_X_OFFSET = 36

STANCE_COLOURS = {
    "champion": "#1a7f4b",
    "supporter": "#5fa35f",
    "neutral": "#9aa3ad",
    "sceptic": "#d9902f",
    "opponent": "#c8423b",
}


@dataclass
class Node:
    stakeholder: Any
    x: float
    y: float
    radius: float
    colour: str
    is_sponsor: bool


@dataclass
class Link:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass
class Column:
    side: Any
    x: float
    nodes: list[Node]
    labels_left: bool = False


@dataclass
class StakeholderMap:
    columns: list[Column]
    links: list[Link]
    width: int
    height: int

    @property
    def is_empty(self) -> bool:
        return not any(column.nodes for column in self.columns)


def layout(sides: list[Any], stakeholders: list[Any]) -> StakeholderMap:
    by_side: dict[int, list[Any]] = {side.id: [] for side in sides}
    for s in stakeholders:
        by_side.setdefault(s.owner_side_id, []).append(s)
    columns, positions = [], {}
    for index, side in enumerate(sides):
        x = 20 + index * COLUMN_WIDTH
        people = sorted(by_side[side.id], key=lambda s: (s.role != "sponsor", -s.influence, s.name))
        nodes = []
        for row, person in enumerate(people):
            # Nodes sit on the inner edge of the column so that counterpart lines stay short.
            node_x = x + (COLUMN_WIDTH - 80 if index == 0 and len(sides) == 2 else NODE_X_OFFSET)
            node = Node(
                stakeholder=person,
                x=node_x,
                y=TOP + row * ROW_HEIGHT,
                radius=8 + 2.5 * person.influence,
                colour=STANCE_COLOURS.get(person.stance, "#9aa3ad"),
                is_sponsor=person.role == "sponsor",
            )
            nodes.append(node)
            positions[person.id] = node
        columns.append(
            Column(side=side, x=x, nodes=nodes, labels_left=index == 0 and len(sides) == 2)
        )
    links, seen = [], set()
    for s in stakeholders:
        other = s.counterpart_id
        if other in positions and frozenset((s.id, other)) not in seen:
            seen.add(frozenset((s.id, other)))
            a, b = positions[s.id], positions[other]
            links.append(Link(a.x, a.y, b.x, b.y))
    rows = max((len(c.nodes) for c in columns), default=0)
    return StakeholderMap(
        columns=columns,
        links=links,
        width=20 + COLUMN_WIDTH * max(len(sides), 1),
        height=TOP + max(rows, 1) * ROW_HEIGHT,
    )
