"""Goal realism: back a target into the funnel, the probability of hitting it, and a plan
that is likely enough. Pure numpy/scipy; see docs/engines/realism.md."""

from .analysis import analyse, analyse_plan
from .inputs import Plan, Stage, parse_plan

__all__ = ["Plan", "Stage", "analyse", "analyse_plan", "parse_plan"]
