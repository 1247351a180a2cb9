"""Transforms: Issue → Issue, pure functions, no I/O, run in this order."""

from collections.abc import Callable

from ..model import Issue
from .typography import normalise

Transform = Callable[[Issue], Issue]

TRANSFORMS: tuple[Transform, ...] = (normalise,)


def apply_transforms(issue: Issue) -> Issue:
    for transform in TRANSFORMS:
        issue = transform(issue)
    return issue
