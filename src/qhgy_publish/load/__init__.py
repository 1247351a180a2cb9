"""Readers: sources on disk → the typed model (:func:`load_issue`)."""

from .issue import load_issue

__all__ = ["load_issue"]
