"""The preflight's findings: the one :class:`~qhgy_publish.errors.Finding` of the project.

Codes come in families, as in Standard Ebooks' lint (S- sources, T- typing,
P- print PDF, E- EPUBCheck, G- glyphs, M- make-up, F- final build); every code
is registered in :mod:`qhgy_publish.codes` and never changes meaning.
"""

from ..errors import Finding, Loc, Product, Severity

__all__ = ["Finding", "Loc", "Product", "Severity"]
