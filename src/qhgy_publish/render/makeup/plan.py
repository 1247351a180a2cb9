"""A make-up plan: what the make-up decided for one 栏目, as data the templates read.

An empty plan is the layout the stylesheets give. Each rule of
:mod:`.rules` returns a new plan with one more decision — a break before a
heading, an article moved to the next page or run on, a credit set on its
own line, a figure moved down the flow, 补白 placed after an article — and
the 栏目 is laid out again. Plans are immutable, so a decision that did not
help is undone by keeping the previous plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from ...model import Article, Block, Filler

_EMPTY: Mapping = MappingProxyType({})


@dataclass(frozen=True)
class Plan:
    block_extra: Mapping[str, frozenset[str]] = field(default_factory=lambda: _EMPTY)  # element id → extra classes
    article_extra: Mapping[str, frozenset[str]] = field(default_factory=lambda: _EMPTY)  # article id → extra classes
    run_on: frozenset[str] = frozenset()  # articles that follow on the page instead of a new one
    page_before: frozenset[str] = frozenset()  # articles moved to the top of the next page
    tails_apart: frozenset[str] = frozenset()  # articles whose credit is set on a line of its own
    fills: Mapping[str, tuple[Filler, ...]] = field(default_factory=lambda: _EMPTY)  # article id → 补白 after it
    fill_gaps: Mapping[str, float] = field(default_factory=lambda: _EMPTY)  # 补白 id → space above it (pt)
    moves: Mapping[str, int] = field(default_factory=lambda: _EMPTY)  # figure block id → block index it follows
    heights: Mapping[str, float] = field(default_factory=lambda: _EMPTY)  # figure block id → picture height (mm)

    # ------------------------------------------------------------ read by the templates

    def block_classes(self, element_id: str) -> str:
        return " ".join(sorted(self.block_extra.get(element_id, ())))

    def article_classes(self, article_id: str) -> str:
        classes = set(self.article_extra.get(article_id, ()))
        if article_id in self.page_before:
            classes.add("page-before")
        if article_id in self.run_on:
            classes.add("run-on")
        return " ".join(sorted(classes))

    def new_page(self, article: Article) -> bool:
        return article.id not in self.run_on and (article.new_page or article.id in self.page_before)

    def height_of(self, block_id: str) -> float | None:
        """The height the make-up gave a picture (mm), or None: the size its source gives."""
        return self.heights.get(block_id)

    def tail_apart(self, article_id: str) -> bool:
        return article_id in self.tails_apart

    def fills_after(self, article_id: str) -> tuple[Filler, ...]:
        return self.fills.get(article_id, ())

    def fill_classes(self, fill_id: str) -> str:
        return self.block_classes(f"fill-{fill_id}")

    def fill_gap(self, fill_id: str) -> float:
        return self.fill_gaps.get(fill_id, 0.0)

    def ordered(self, article: Article) -> list[tuple[int, Block]]:
        """The article's blocks with their source indexes, in the order the page sets them."""
        order = [(i, b) for i, b in enumerate(article.blocks)]
        for block_id, after in sorted(self.moves.items(), key=lambda item: item[1]):
            index = source_index(block_id, article.id)
            if index is None:
                continue
            moving = next(pair for pair in order if pair[0] == index)
            order.remove(moving)
            # after -1: at the head of the article's text, before its first block
            position = 0 if after < 0 else next(k for k, pair in enumerate(order) if pair[0] == after) + 1
            order.insert(position, moving)
        return order

    # ------------------------------------------------------------ decisions

    def with_block_class(self, element_id: str, cls: str) -> Plan:
        extra = dict(self.block_extra)
        extra[element_id] = extra.get(element_id, frozenset()) | {cls}
        return replace(self, block_extra=MappingProxyType(extra))

    def with_article_class(self, article_id: str, cls: str) -> Plan:
        extra = dict(self.article_extra)
        extra[article_id] = extra.get(article_id, frozenset()) | {cls}
        return replace(self, article_extra=MappingProxyType(extra))

    def with_page_before(self, article_id: str) -> Plan:
        return replace(self, page_before=self.page_before | {article_id}, run_on=self.run_on - {article_id})

    def with_run_on(self, article_id: str) -> Plan:
        return replace(self, run_on=self.run_on | {article_id})

    def with_tail_apart(self, article_id: str) -> Plan:
        return replace(self, tails_apart=self.tails_apart | {article_id})

    def with_fills(self, article_id: str, fills: tuple[Filler, ...], gap: float) -> Plan:
        placed = dict(self.fills)
        placed[article_id] = placed.get(article_id, ()) + fills
        gaps = dict(self.fill_gaps) | {f.id: gap for f in fills}
        return replace(self, fills=MappingProxyType(placed), fill_gaps=MappingProxyType(gaps))

    def with_height(self, block_id: str, mm: float) -> Plan:
        return replace(self, heights=MappingProxyType({**self.heights, block_id: mm}))

    def with_move(self, block_id: str, after: int) -> Plan:
        moves = dict(self.moves)
        moves[block_id] = after
        return replace(self, moves=MappingProxyType(moves))

    @property
    def placed_fills(self) -> list[Filler]:
        return [f for fills in self.fills.values() for f in fills]


NO_PLAN = Plan()


def source_index(block_id: str, article_id: str) -> int | None:
    """The index in the source of the body block ``{article_id}-b{index}``; None for any other id."""
    owner, _, index = block_id.rpartition("-b")
    return int(index) if owner == article_id and index.isdigit() else None
