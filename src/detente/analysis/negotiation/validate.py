"""Value checks on a :class:`Problem`, with the same field names as the file format."""

from __future__ import annotations

import math

from detente.analysis.files import InputError

from .model import Constraint, Package, Problem


def validate(problem: Problem) -> None:
    """Raise :class:`InputError` naming the first bad field; return quietly otherwise."""
    if len(problem.parties) < 2:
        raise InputError("parties", "needs at least two parties")
    if len(set(problem.parties)) != len(problem.parties):
        raise InputError("parties", "must not repeat a party")
    if not problem.issues:
        raise InputError("issues", "must not be empty")
    seen: set[str] = set()
    for i, issue in enumerate(problem.issues):
        if issue.name in seen:
            raise InputError(f"issues[{i}].name", f"repeats the issue {issue.name!r}")
        seen.add(issue.name)
        if not issue.options:
            raise InputError(f"issues[{i}].options", "must not be empty")
        if len(set(issue.options)) != len(issue.options):
            raise InputError(f"issues[{i}].options", "must not repeat an option")

    for party in problem.parties:
        if party not in problem.preferences:
            raise InputError(f"preferences.{party}", "is required (one entry per party)")
    for party in problem.preferences:
        if party not in problem.parties:
            raise InputError(f"preferences.{party}", "is not one of the parties")
    for party in problem.parties:
        _check_preferences(problem, party)

    for i, constraint in enumerate(problem.constraints):
        _check_constraint(problem, constraint, f"constraints[{i}]")
    if problem.tentative is not None:
        _check_package(problem, problem.tentative, "tentative")
        for i, constraint in enumerate(problem.constraints):
            if violates(constraint, problem.tentative):
                raise InputError("tentative", f"breaks constraints[{i}]")


def _check_preferences(problem: Problem, party: str) -> None:
    prefs = problem.preferences[party]
    where = f"preferences.{party}"
    issues = {issue.name: issue for issue in problem.issues}
    for name, weight in prefs.weights.items():
        if name not in issues:
            raise InputError(f"{where}.weights.{name}", "is not an issue")
        if not math.isfinite(weight) or weight < 0:
            raise InputError(f"{where}.weights.{name}", "must be a number of at least 0")
    for name in issues:
        if name not in prefs.weights:
            raise InputError(f"{where}.weights.{name}", "is required (one weight per issue)")
    if sum(prefs.weights.values()) <= 0:
        raise InputError(f"{where}.weights", "must not all be zero")
    for name, table in prefs.scores.items():
        if name not in issues:
            raise InputError(f"{where}.scores.{name}", "is not an issue")
        for option, score in table.items():
            if option not in issues[name].options:
                raise InputError(f"{where}.scores.{name}", f"unknown option {option!r}")
            if not math.isfinite(score) or not 0 <= score <= 1:
                raise InputError(f"{where}.scores.{name}.{option}", "must be between 0 and 1")
    for name, issue in issues.items():
        given = prefs.scores.get(name)
        if given is None:
            raise InputError(f"{where}.scores.{name}", "is required (one score per option)")
        for option in issue.options:
            if option not in given:
                raise InputError(f"{where}.scores.{name}", f"has no score for option {option!r}")
    if not math.isfinite(prefs.walk_away) or not 0 <= prefs.walk_away <= 1:
        raise InputError(f"{where}.walk_away", "must be between 0 and 1")


def _check_constraint(problem: Problem, constraint: Constraint, where: str) -> None:
    issues = {issue.name: issue for issue in problem.issues}
    if not constraint.when:
        raise InputError(f"{where}.if", "must name at least one issue")
    if not constraint.then_not:
        raise InputError(f"{where}.then_not", "must name at least one issue")
    for part, mapping in (("if", constraint.when), ("then_not", constraint.then_not)):
        for name, options in mapping.items():
            if name not in issues:
                raise InputError(f"{where}.{part}.{name}", "is not an issue")
            for option in options:
                if option not in issues[name].options:
                    raise InputError(f"{where}.{part}.{name}", f"unknown option {option!r}")


def _check_package(problem: Problem, package: Package, where: str) -> None:
    issues = {issue.name: issue for issue in problem.issues}
    for name, option in package.items():
        if name not in issues:
            raise InputError(f"{where}.{name}", "is not an issue")
        if option not in issues[name].options:
            raise InputError(f"{where}.{name}", f"unknown option {option!r}")
    for name in issues:
        if name not in package:
            raise InputError(f"{where}.{name}", "is required (a package names every issue)")


def violates(constraint: Constraint, package: Package) -> bool:
    """True when the package meets every ``if`` and takes a forbidden ``then_not`` option."""
    if not all(package[name] in options for name, options in constraint.when.items()):
        return False
    return any(package[name] in options for name, options in constraint.then_not.items())
