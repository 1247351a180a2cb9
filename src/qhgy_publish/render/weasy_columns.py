"""WeasyPrint 70's multi-column layout, in fewer layouts: the last trial kept when it is the final
layout, and the balanced height found by a search instead of 1 px steps.

Why: ``columns_layout`` finds a column set's height by laying its columns
out at trial heights, then lays them out once more at the height found.
That last pass repeats the last trial for nearly every set: 494 final
passes of 358 column sets on the sample issue, 49 left now that the trial
is kept (:func:`_final_trial` says when). Where no box says how much room
it lacked (a picture or a 补白 that cannot break), upstream raises the
height 1 px per trial: 47 trials for one set; :class:`_HeightSearch`
gallops and bisects to the same height. A set laid out before (in the process,
or in another: :mod:`.balanced_memo` keeps the heights in the cache folder)
as it stands now (:func:`_set_key`: its boxes and their styles, where it
resumes, its place and room on the page) is tried at once at the height its
balancing found (:data:`BALANCED`): the make-up lays a 栏目 out again after
each correction, the preview after each edit, and most sets stand as they
stood (70 of the sample's 151 balanced sets in a cold build; trial passes
1095 → 832). A remembered height that does not fit falls back to the search.
Everything else is upstream's code
(weasyprint/layout/column.py, BSD-3-Clause), marked ``qhgy`` where changed.
Installed by :func:`..weasy_cjk_patch.install`, with the other patches.
"""

# ruff: noqa
import hashlib
from collections import Counter
from itertools import count as numbers
from math import floor, inf

from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import absolute_layout
from weasyprint.layout.percent import percentage, resolve_percentages

from .style_digest import style_digest


# final passes kept from the last trial / laid out again (benchmarks/stages.py prints them)
STATS = Counter()


def watch_trial():
    """Start watching a trial layout for what would make it come out otherwise if laid out again
    (the CJK patch installs its own: see weasy_cjk_patch.install)."""
    return None


def end_trial(watch):
    """Whether the trial watched since ``watch`` would come out the same if laid out again now."""
    return True


def columns_layout(context, box, bottom_space, skip_stack, containing_block,
                   page_is_empty, absolute_boxes, fixed_boxes, adjoining_margins,
                   first_letter_style, first_line_style):
    """Lay out a multi-column ``box``."""
    from weasyprint.layout.block import (  # isort:skip  (at each call, as upstream: tools wrap them)
        block_box_layout, block_level_layout, block_level_width,
        collapse_margin, remove_placeholders)

    style = box.style
    width = style['column_width']
    count = style['column_count']
    height = style['height']
    original_bottom_space = bottom_space
    context.in_column = True

    if style['position'] == 'relative':
        # New containing block, use a new absolute list
        absolute_boxes = []

    box = box.copy_with_children(box.children)
    box.position_y += collapse_margin(adjoining_margins)

    # Set height if defined
    if height != 'auto' and height.unit != '%':
        assert height.unit.lower() == 'px'
        height_defined = True
        empty_space = context.page_bottom - box.content_box_y() - height.value
        bottom_space = max(bottom_space, empty_space)
    else:
        height_defined = False

    # TODO: the columns container width can be unknown if the containing block
    # needs the size of this block to know its own size
    block_level_width(box, containing_block)

    if style['column_gap'] == 'normal':
        # 1em because in column context
        gap = style['font_size']
    else:
        gap = percentage(style['column_gap'], box.style, box.width)

    # Define the number of columns and their widths
    if width == 'auto' and count != 'auto':
        width = max(0, box.width - (count - 1) * gap) / count
    elif width != 'auto' and count == 'auto':
        count = max(1, floor((box.width + gap) / (width + gap)))
        width = (box.width + gap) / count - gap
    else:  # overconstrained, with width != 'auto' and count != 'auto'
        count = max(1, min(count, floor((box.width + gap) / (width + gap))))
        width = (box.width + gap) / count - gap

    # Handle column-span property with the following structure:
    # columns_and_blocks = [
    #     [column_child_1, column_child_2],
    #     spanning_block,
    #     …
    # ]
    columns_and_blocks = []
    column_children = []
    skip, = skip_stack.keys() if skip_stack else (0,)
    for i, child in enumerate(box.children[skip:], start=skip):
        if child.style['column_span'] == 'all':
            if column_children:
                columns_and_blocks.append(
                    (i - len(column_children), column_children))
            columns_and_blocks.append((i, child.copy()))
            column_children = []
            continue
        column_children.append(child.copy())
    if column_children:
        columns_and_blocks.append(
            (i + 1 - len(column_children), column_children))

    if skip_stack:
        skip_stack = {0: skip_stack[skip]}

    if not box.children:
        next_page = {'break': 'any', 'page': None}
        skip_stack = None

    # Find height and balance.
    #
    # The current algorithm starts from the total available height, to check
    # whether the whole content can fit. If it doesn’t fit, we keep the partial
    # rendering. If it fits, we try to balance the columns starting from the
    # ideal height (the total height divided by the number of columns). We then
    # iterate until the last column is not the highest one. At the end of each
    # loop, we add the minimal height needed to make one direct child at the
    # top of one column go to the end of the previous column.
    #
    # We rely on a real rendering for each loop, and with a stupid algorithm
    # like this it can last minutes…

    adjoining_margins = []
    current_position_y = box.content_box_y()
    new_children = []
    column_skip_stack = None
    last_loop = False
    break_page = False
    footnote_area_heights = [
        0 if context.current_footnote_area.height == 'auto'
        else context.current_footnote_area.margin_height()]
    last_footnotes_height = 0
    for index, column_children_or_block in columns_and_blocks:
        if not isinstance(column_children_or_block, list):
            # We have a spanning block, we display it like other blocks
            block = column_children_or_block
            resolve_percentages(block, containing_block)
            block.position_x = box.content_box_x()
            block.position_y = current_position_y
            new_child, resume_at, next_page, adjoining_margins, _, _ = (
                block_level_layout(
                    context, block, original_bottom_space, skip_stack, containing_block,
                    page_is_empty, absolute_boxes, fixed_boxes, adjoining_margins,
                    first_letter_style, first_line_style))
            skip_stack = None
            if new_child is None:
                last_loop = True
                break_page = True
                break
            new_children.append(new_child)
            current_position_y = (
                new_child.border_height() + new_child.border_box_y())
            adjoining_margins.append(new_child.margin_bottom)
            if resume_at:
                last_loop = True
                break_page = True
                column_skip_stack = resume_at
                break
            page_is_empty = False
            continue

        # We have a list of children that we have to balance between columns
        column_children = column_children_or_block

        # Find the total height available for the first run
        current_position_y += collapse_margin(adjoining_margins)
        adjoining_margins = []
        column_box = _create_column_box(
            box, containing_block, column_children, width, current_position_y)
        height = max_height = (
            context.page_bottom - current_position_y - original_bottom_space)

        # Try to render columns until the content fits, increase the column
        # height step by step
        column_skip_stack = skip_stack
        lost_space = inf
        kept = None
        original_excluded_shapes = context.excluded_shapes[:]
        original_page_is_empty = page_is_empty
        page_is_empty = stop_rendering = balancing = False
        # qhgy: a set laid out before as it stands now is tried at once at its balanced height
        memo_key = None if (
            height_defined or context.current_page_footnotes or first_letter_style or first_line_style
            or context.current_footnote_area.height != 'auto') else _set_key(
            context, box, column_children, skip_stack, width, gap, count, current_position_y,
            original_bottom_space, bottom_space, original_page_is_empty, index,
            columns_and_blocks[-1][0], first_letter_style, first_line_style)
        remembered = BALANCED.get(memo_key)
        if remembered is not None:
            balancing = True
            height = remembered
            search = _HeightSearch()
        while True:
            # Remove extra excluded shapes introduced during the previous loop
            while len(context.excluded_shapes) > len(original_excluded_shapes):
                context.excluded_shapes.pop()

            # Render the columns
            column_skip_stack = skip_stack
            consumed_heights = []
            new_boxes = []
            watch = watch_trial()  # qhgy
            trial = []  # qhgy: (box, resume_at, next_page) per column, kept if it is the final layout
            placeholders = [], []  # qhgy: absolute and fixed boxes the trial met (it keeps none)
            retried = False
            try:  # qhgy
                for i in range(count):
                    # Render one column
                    new_box, resume_at, next_page, _, _, _ = block_box_layout(
                        context, column_box,
                        context.page_bottom - current_position_y - height,
                        column_skip_stack, containing_block,
                        # qhgy: upstream's `page_is_empty or not balancing`; see _final_trial
                        False if balancing else original_page_is_empty, *placeholders, [], first_letter_style,
                        first_line_style, discard=False, max_lines=None)
                    if new_box is None:
                        # We didn't render anything, retry
                        column_skip_stack = {0: None}
                        retried = True
                        break
                    new_boxes.append(new_box)
                    trial.append((new_box, resume_at, next_page))
                    column_skip_stack = resume_at

                    # Calculate consumed height, empty space and next box height
                    in_flow_children = [
                        child for child in new_box.children
                        if child.is_in_normal_flow()]
                    if in_flow_children:
                        # Get the empty space at the bottom of the column box
                        consumed_height = (
                            in_flow_children[-1].margin_height() +
                            in_flow_children[-1].position_y - current_position_y)
                        empty_space = height - consumed_height
                        consumed_height -= in_flow_children[-1].margin_bottom

                        # Get the minimum size needed to render the next box
                        next_box_height = 0
                        if column_skip_stack:
                            next_box = block_box_layout(
                                context, column_box, inf, column_skip_stack,
                                containing_block, True, [], [], [], first_letter_style,
                                first_line_style, discard=False, max_lines=None)[0]
                            for child in next_box.children:
                                if child.is_in_normal_flow():
                                    next_box_height = child.margin_height()
                                    break
                            remove_placeholders(context, [next_box], [], [])
                    else:
                        consumed_height = empty_space = next_box_height = 0

                    consumed_heights.append(consumed_height)

                    # Append the size needed to render the next box in this
                    # column.
                    #
                    # The next box size may be smaller than the empty space, for
                    # example when the next box can't be separated from its own
                    # next box. In this case we don't try to find the real value
                    # and let the workaround below fix this for us.
                    #
                    # We also want to avoid very small values that may have been
                    # introduced by rounding errors. As the workaround below at
                    # least adds 1 pixel for each loop, we can ignore lost spaces
                    # lower than 1px.
                    if next_box_height - empty_space > 1:
                        lost_space = min(lost_space, next_box_height - empty_space)

                    # Stop if we already rendered the whole content
                    if resume_at is None:
                        break

            finally:  # qhgy
                repeatable = end_trial(watch)

            # Remove placeholders but keep the current footnote area height
            last_footnotes_height = (
                0 if context.current_footnote_area.height == 'auto'
                else context.current_footnote_area.margin_height())
            kept = _final_trial(
                context, style, trial, retried or last_loop or height_defined or any(placeholders)
                or not repeatable,
                balancing, column_skip_stack, consumed_heights, max_height,
                last_footnotes_height in footnote_area_heights, original_page_is_empty,
                bottom_space, context.page_bottom - current_position_y - height)
            if kept is None:
                remove_placeholders(context, new_boxes, [], [])

            if last_loop:
                break

            if remembered is not None and column_skip_stack is not None:  # qhgy: not as it was
                STATS['memo missed'] += 1
                remembered = None
                balancing = False
                height = max_height
                continue

            if balancing:
                # qhgy: the next height from a search that gallops and bisects where upstream
                # steps by 1 px (see _HeightSearch); None when this round's height is the one
                next_height = search.next(height, column_skip_stack is None, lost_space, max_height)
                if next_height is None:
                    # We rendered the whole content, stop
                    break

                # Increase the column heights and render them again
                height = next_height

                if height > max_height:
                    # We reached max height, stop rendering
                    height = max_height
                    stop_rendering = True
                    break
            else:
                if last_footnotes_height not in footnote_area_heights:
                    # Footnotes have been rendered, try to re-render with the
                    # new footnote area height
                    height -= last_footnotes_height - footnote_area_heights[-1]
                    footnote_area_heights.append(last_footnotes_height)
                    continue

                everything_fits = (
                    not column_skip_stack and
                    max(consumed_heights) <= max_height)
                if everything_fits:
                    # Everything fits, start expanding columns at the average
                    # of the column heights
                    if (style['column_fill'] == 'balance' or
                            index < columns_and_blocks[-1][0]):
                        balancing = True
                        height = sum(consumed_heights) / count
                        search = _HeightSearch()  # qhgy
                    else:
                        break
                else:
                    # Content overflows even at maximum height, stop now and
                    # let the columns continue on the next page
                    stop_rendering = True
                    break

        if memo_key is not None and balancing and not stop_rendering:  # qhgy
            STATS['memo hit' if remembered is not None else 'memo stored'] += 1
            if len(BALANCED) > 100_000:
                BALANCED.clear()
            BALANCED[memo_key] = height

        # TODO: check style['max']-height
        bottom_space = max(
            bottom_space, context.page_bottom - current_position_y - height)

        # Replace the current box children with real columns
        i = 0
        max_column_height = 0
        columns = []
        STATS['kept' if kept is not None else 'laid out'] += 1  # qhgy
        if kept is not None:  # qhgy: the last trial is this layout; move its columns into place
            for i, (new_child, column_skip_stack, next_page) in enumerate(kept):
                skip_stack = column_skip_stack
                new_child.translate(i * (width + gap), 0)
                columns.append(new_child)
                max_column_height = max(max_column_height, new_child.margin_height())
                if skip_stack is None:
                    bottom_space = original_bottom_space
        while kept is None:
            column_box = _create_column_box(
                box, containing_block, column_children, width,
                current_position_y)
            if style['direction'] == 'rtl':
                column_box.position_x += box.width - (i + 1) * width - i * gap
            else:
                column_box.position_x += i * (width + gap)
            new_child, column_skip_stack, column_next_page, _, _, _ = (
                block_box_layout(
                    context, column_box, bottom_space, skip_stack, containing_block,
                    original_page_is_empty, absolute_boxes, fixed_boxes, None,
                    first_letter_style, first_line_style, discard=False,
                    max_lines=None))
            if new_child is None:
                columns = []
                break_page = True
                break
            next_page = column_next_page
            skip_stack = column_skip_stack
            columns.append(new_child)
            max_column_height = max(
                max_column_height, new_child.margin_height())
            if skip_stack is None:
                bottom_space = original_bottom_space
                break
            i += 1
            if i == count and not height_defined:
                # [If] a declaration that constrains the column height
                # (e.g., using height or max-height). In this case,
                # additional column boxes are created in the inline
                # direction.
                break

        # Update the current y position and set the columns’ height
        current_position_y += min(max_height, max_column_height)
        for column in columns:
            column.height = max_column_height
            new_children.append(column)

        skip_stack = None
        page_is_empty = False

        if stop_rendering:
            break

    # Report footnotes above the defined footnotes height
    _report_footnotes(context, footnote_area_heights[-1])

    if box.children and not new_children:
        # The box has children but none can be drawn, let's skip the whole box
        context.in_column = False
        return None, (0, None), {'break': 'any', 'page': None}, [], False

    # Set the height of the containing box
    box.children = new_children
    current_position_y += collapse_margin(adjoining_margins)
    height = current_position_y - box.content_box_y()
    if box.height == 'auto':
        box.height = height
        height_difference = 0
    else:
        height_difference = box.height - height

    # Update the latest columns’ height to respect min-height
    if box.min_height != 'auto' and box.min_height > box.height:
        height_difference += box.min_height - box.height
        box.height = box.min_height
    for child in new_children[::-1]:
        if child.is_column:
            child.height += height_difference
        else:
            break

    if style['position'] == 'relative':
        # New containing block, resolve the layout of the absolute descendants
        for absolute_box in absolute_boxes:
            absolute_layout(
                context, absolute_box, box, fixed_boxes, bottom_space,
                skip_stack=None)

    # Calculate skip stack
    if column_skip_stack:
        skip, = column_skip_stack.keys()
        skip_stack = {index + skip: column_skip_stack[skip]}
    elif break_page:
        skip_stack = {index: None}

    # Update page bottom according to the new footnotes
    if context.current_footnote_area.height != 'auto':
        context.page_bottom += footnote_area_heights[0]
        context.page_bottom -= context.current_footnote_area.margin_height()

    context.in_column = False
    return box, skip_stack, next_page, [], False


# qhgy: the balanced height of each column set laid out in this process, by what the set's
# layout reads (see _set_key): the make-up lays a 栏目 out again after each correction and the
# preview after each edit, and most of their column sets stand as they stood.
BALANCED: dict[str, float] = {}


def _set_key(context, box, children, skip_stack, width, gap, count, position_y, original_bottom_space,
             bottom_space, page_is_empty, index, last_index, first_letter_style, first_line_style):
    """What the balancing of a column set reads: its boxes (kind, element, attributes, text, the
    style the stylesheets gave each), where it resumes, its width and place on the page, the
    space below it and the shapes it flows around. Equal keys, equal layouts at every height,
    hence the same balanced height."""
    digest = hashlib.sha1()
    # one style stands on many boxes: digests kept per layout (the styles digested are the box
    # tree's and its ancestors', alive until the layout ends, so no id is reused meanwhile)
    styles = context.__dict__.setdefault('_qhgy_style_digests', {})
    stack = [box, *children]
    while stack:
        child = stack.pop()
        element = child.element
        digest.update(repr((
            type(child).__name__,
            child.element_tag,
            element.tag if element is not None else None,
            sorted(element.attrib.items()) if element is not None else None,
            child.text if isinstance(child, boxes.TextBox) else None,
            style_digest(child.style, styles),
            # a picture replaced under its name (the preview lays out again in one process)
            child.replacement.get_intrinsic_size(1, 16) if isinstance(child, boxes.ReplacedBox) else None,
        )).encode())
        if child is not box and isinstance(child, boxes.ParentBox):
            stack.extend(child.children)
    digest.update(repr((
        _fonts_token(context.font_config),
        skip_stack, width, gap, count, box.position_x, position_y, context.page_bottom,
        original_bottom_space, bottom_space, page_is_empty, index, last_index,
        [(shape.position_x, shape.position_y, shape.margin_width(), shape.margin_height())
         for shape in context.excluded_shapes],
    )).encode())
    return digest.hexdigest()


_FONT_CONFIGS = numbers()


def _fonts_token(font_config):
    """What a font configuration's faces are: the same text measures otherwise with other font
    files. The build's configurations carry a digest of their faces, the same in every process
    (``qhgy_publish.render.weasy``: the heights are kept between processes); any other is a
    number of its own, never reused (an ``id`` can be)."""
    token = getattr(font_config, '_qhgy_token', None)
    if token is None:
        token = font_config._qhgy_token = next(_FONT_CONFIGS)
    return token


def _final_trial(
    context, style, trial, unsafe, balancing, column_skip_stack, consumed_heights, max_height,
    footnotes_settled, original_page_is_empty, bottom_space, trial_bottom_space,
):
    """The trial's columns when they are what the final pass would lay out, else None.

    The final pass repeats the last trial at the height the trials settled on.
    A set that overflows the page is tried with the ``page_is_empty`` of its
    final pass (upstream tries it as if the page were empty; that changes
    nothing but whether a first box too tall for the page is forced in, and
    such a set is laid out again: ``retried``), so its trial is its final
    layout. A balanced set is tried with ``page_is_empty`` false, the stricter
    case: when all of it fitted so, it is kept even at the top of a page,
    where upstream lays it out again with the looser rules (orphans and
    widows waived for the page's first box) at a height chosen under the
    stricter ones. Both issues lay out byte for byte as with upstream's final
    pass (tests/render/test_weasy_patch_install.py compares the boxes).
    """
    if unsafe or not trial or style['direction'] == 'rtl' or context.current_page_footnotes:
        return None
    if balancing:
        settled = column_skip_stack is None
    else:
        fits = not column_skip_stack and max(consumed_heights) <= max_height
        settled = footnotes_settled and not fits
    if not settled:
        return None
    if max(bottom_space, trial_bottom_space) != trial_bottom_space:
        return None
    return trial


class _HeightSearch:
    """qhgy: the balanced height in fewer trials, the one upstream's step-by-step search finds.

    Upstream raises the trial height by the space the next box lacked, or by
    1 px when no box said how much it lacked; past a box that cannot break
    (a picture, a 补白 kept together) that was 40 trials of one column set,
    each a full layout of its columns. Here those 1 px steps gallop (1, 2, 4 …
    px) and, once a height fits, bisect back on the same 1 px lattice to the
    lowest height that fits, which is upstream's answer wherever fitting is
    monotonic in height. Steps by a known lack are upstream's, unchanged.
    """

    def __init__(self):
        self.fails = None  # the highest height known not to fit
        self.fits = None  # the lowest height known to fit, once a gallop overshot
        self.step = 1

    def next(self, height, fits, lost_space, max_height):
        if fits:
            if self.fits is None and self.step == 1:
                return None  # upstream's answer: no gallop jumped past a lower fit
            self.fits = height
        else:
            self.fails = height
            if self.fits is None:
                if lost_space != inf:
                    self.step = 1
                    return height + lost_space
                next_height = height + self.step
                if next_height > max_height:  # the last lattice height within, then upstream's stop
                    next_height = height + max(1, floor(max_height - height))
                self.step *= 2
                return next_height
        if self.fits - self.fails <= 1 + 1e-6:
            # adjacent on the lattice: the fitting height is the answer (laid out again
            # when the last trial was the failing one, so the kept trial is the final one)
            return None if fits else self.fits
        return self.fails + (self.fits - self.fails) // 2


def _report_footnotes(context, footnotes_height):
    """Report footnotes above the defined footnotes height."""
    if not context.current_page_footnotes:
        return

    # Report and count footnotes
    reported_footnotes = 0
    while context.current_footnote_area.margin_height() > footnotes_height:
        context.report_footnote(context.current_page_footnotes[-1])
        reported_footnotes += 1

    # Revert reported footnotes, as they’ve been reported starting from the
    # last one
    if reported_footnotes >= 2:
        extra = context.reported_footnotes[-1:-reported_footnotes-1:-1]
        context.reported_footnotes[-reported_footnotes:] = extra


def _create_column_box(box, containing_block, children, width, position_y):
    """Create a column box including given children."""
    column_box = box.anonymous_from(box, children=children)
    resolve_percentages(column_box, containing_block)
    column_box.is_column = True
    column_box.width = width
    column_box.position_x = box.content_box_x()
    column_box.position_y = position_y
    return column_box
