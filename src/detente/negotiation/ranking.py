"""Preferences estimated from rankings and "which package do you prefer?" answers.

For people who would rather not write numbers:

* **Option scores** from a ranking of each issue's options (1 = best, ties allowed): the
  best option scores 1, the worst 0, the others evenly in between by their (average) rank.
* **Issue weights** from swing comparisons. For each pair of issues (i, j) the side is
  asked: "package A has your best option on i and your worst on j; package B the reverse;
  everything else is the same. Which do you prefer?" Preferring A means issue i weighs
  more than j. Each issue's Copeland score (comparisons won, ties counting a half) orders
  the issues, and the weights are the **rank-order centroid** of that order (Barron and
  Barrett, 1996): with n issues, the issue ranked k gets (1/n) Σ_{m=k..n} 1/m; issues
  tied in the order share the average of their positions' weights.

The estimates are written into the same weights and scores as direct entry, so a side
can review and adjust them afterwards.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from itertools import combinations
from typing import Any

from django import forms

from detente.negotiation.forms import PreferencesForm
from detente.negotiation.models import NegotiationIssue

MAX_ISSUES_FOR_COMPARISONS = 8  # 28 questions; beyond that enter weights directly


def scores_from_ranks(ranks: list[int]) -> list[Fraction]:
    """Scores 0..1 from ranks (1 = best); ties get the same score."""
    distinct = sorted(set(ranks))
    if len(distinct) == 1:
        return [Fraction(1)] * len(ranks)
    # Average position of each rank value among the sorted options.
    positions: dict[int, Fraction] = {}
    ordered = sorted(ranks)
    for value in distinct:
        idx = [n for n, r in enumerate(ordered) if r == value]
        positions[value] = Fraction(sum(idx), len(idx))
    first, last = positions[distinct[0]], positions[distinct[-1]]
    return [1 - (positions[r] - first) / (last - first) for r in ranks]


def rank_order_centroid(n: int) -> list[Fraction]:
    """ROC weights of n ranked items, most important first."""
    return [
        sum((Fraction(1, m) for m in range(k, n + 1)), Fraction(0)) / n for k in range(1, n + 1)
    ]


def weights_from_comparisons(n: int, answers: dict[tuple[int, int], str]) -> list[Fraction]:
    """Weights of n issues from answers {(i, j): "first" | "second" | "equal"}, i < j."""
    score = [Fraction(0)] * n
    for (i, j), answer in answers.items():
        if answer == "first":
            score[i] += 1
        elif answer == "second":
            score[j] += 1
        else:
            score[i] += Fraction(1, 2)
            score[j] += Fraction(1, 2)
    order = sorted(range(n), key=lambda k: -score[k])
    roc = rank_order_centroid(n)
    weights = [Fraction(0)] * n
    position = 0
    while position < n:
        tied = [k for k in order if score[k] == score[order[position]]]
        share = sum(roc[position : position + len(tied)], Fraction(0)) / len(tied)
        for k in tied:
            weights[k] = share
        position += len(tied)
    return weights


def _dec(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.0001"))


ANSWERS = [("first", "Package A"), ("second", "Package B"), ("equal", "No preference")]


class RankingForm(forms.Form):
    walk_away = forms.DecimalField(
        min_value=Decimal(0),
        max_value=Decimal(1),
        max_digits=6,
        decimal_places=4,
        label="Walk-away value",
        help_text="The utility (0 to 1) of your best alternative to a deal. Private to your side.",
    )

    def __init__(self, *args: Any, issues: list[NegotiationIssue], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.issues = issues
        for issue in issues:
            for index, option in enumerate(issue.options):
                self.fields[f"rank__{issue.name}__{index}"] = forms.IntegerField(
                    min_value=1,
                    max_value=len(issue.options),
                    label=f"{issue}: rank of {option}",
                    help_text="1 = best; equal ranks for options you like equally.",
                )
        self.pairs = list(combinations(range(len(issues)), 2))
        for i, j in self.pairs:
            a, b = issues[i], issues[j]
            self.fields[f"compare__{a.name}__{b.name}"] = forms.ChoiceField(
                choices=ANSWERS,
                widget=forms.RadioSelect,
                label=f"A: your best {a} and your worst {b} — or B: your worst {a} and your best {b}?",
            )
        self.order_fields([*(f for f in self.fields if f != "walk_away"), "walk_away"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if len(self.issues) > MAX_ISSUES_FOR_COMPARISONS:
            raise forms.ValidationError(
                f"With more than {MAX_ISSUES_FOR_COMPARISONS} issues, enter weights directly."
            )
        return data

    def estimate(self) -> tuple[list[Fraction], list[list[Fraction]]]:
        data = self.cleaned_data
        answers = {
            (i, j): data[f"compare__{self.issues[i].name}__{self.issues[j].name}"]
            for i, j in self.pairs
        }
        weights = weights_from_comparisons(len(self.issues), answers)
        scores = [
            scores_from_ranks([data[f"rank__{issue.name}__{n}"] for n in range(len(issue.options))])
            for issue in self.issues
        ]
        return weights, scores

    def preferences_form(self) -> PreferencesForm:
        """A bound, validated direct-entry form holding the estimates (one save path)."""
        weights, scores = self.estimate()
        data: dict[str, Any] = {"walk_away": self.cleaned_data["walk_away"]}
        for issue, weight, issue_scores in zip(self.issues, weights, scores, strict=True):
            data[f"weight__{issue.name}"] = _dec(weight)
            for n, score in enumerate(issue_scores):
                data[f"score__{issue.name}__{n}"] = _dec(score)
        form = PreferencesForm(data, issues=self.issues)
        if not form.is_valid():  # cannot happen: estimates are within bounds
            raise ValueError(form.errors.as_text())
        return form
