"""render/pdfjoin/: the pages of PDFs that WeasyPrint wrote apart, joined, make the PDF that one
write of those pages makes — the same pages, text and look, named destinations, outline,
structure tree, resources holding only what the pages draw, and fonts (one per face, holding the
glyphs drawn: program, /W and ToUnicode byte for byte the single write's).

The mini issue is laid out once; each 栏目 (and the front before them) is written alone, as a
rebuild writes the 栏目 an edit changed, with stand-in anchors for the links to other pages; the
whole issue is written once as the reference. Both kinds of PDF are joined, as WeasyPrint wrote
them and as our pikepdf steps finish them. An earlier version of the mini issue (another photo,
one more sentence in the last 栏目) gives the last build's file a rebuild keeps pages from; three
pages of groups, patterns and masks check the resources met inside forms.
"""

from __future__ import annotations

import base64
import copy
import io
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from hashlib import blake2b
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
import weasyprint
from fontTools.ttLib import TTFont
from PIL import Image
from weasyprint.document import Document, Page

from qhgy_publish.fonts import face_file, font_roles
from qhgy_publish.pipeline import prepare
from qhgy_publish.render.pdf_finish import make_reproducible, save_reproducible, stamp_dates
from qhgy_publish.render.pdfjoin import Segment, join_pdfs, project_face
from qhgy_publish.render.press_finish import finish_press_pdf
from qhgy_publish.render.press_pdf import press_write_options
from qhgy_publish.render.print_pdf import PrintLayout, layout
from qhgy_publish.render.screen_pdf import SCREEN_WRITE_OPTIONS, cut_to_trim, mark_pagination_artifacts

MINI_ISSUE = Path(__file__).resolve().parents[1] / "fixtures" / "mini-issue"
VARIANTS = ("screen", "press", "screen-finished", "press-finished")
TAGGED = ("screen", "screen-finished")


@dataclass
class Written:
    """One kind of PDF of the mini issue: written whole, and in parts."""

    whole: bytes
    parts: list[bytes]  # the front, then each 栏目 to the end, each written alone
    stand_ins: list[frozenset[str]]  # the anchors each part's writer added for its links
    starts: list[int]  # the first page of each part in the whole

    def sources(self) -> list[pikepdf.Pdf]:
        return [pikepdf.open(io.BytesIO(data)) for data in self.parts]

    def segments(self, sources: list[pikepdf.Pdf]) -> list[Segment]:
        return [
            Segment(pdf, range(len(pdf.pages)), names)
            for pdf, names in zip(sources, self.stand_ins, strict=True)
        ]


def _with_stand_ins(pages: list[Page]) -> tuple[list[Page], frozenset[str]]:
    """The pages with an anchor at (0, 0) of the first for every link target on another page:
    WeasyPrint drops a link whose anchor is not among the pages it writes."""
    here = {name for page in pages for name in page.anchors}
    missing = {target for page in pages for kind, target, *_ in page.links if kind == "internal"} - here
    if not missing:
        return pages, frozenset()
    first = copy.copy(pages[0])
    first.anchors = {**pages[0].anchors, **dict.fromkeys(sorted(missing), (0, 0, 0, 0))}
    return [first, *pages[1:]], frozenset(missing)


def _finish_screen(data: bytes) -> bytes:
    """What write_screen_pdf does that needs no layout (page labels and link texts do)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        cut_to_trim(pdf)
        mark_pagination_artifacts(pdf)
        for page in pdf.pages:
            page.obj.Tabs = pikepdf.Name.S
        make_reproducible(pdf, "screen")
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def _finish_press(data: bytes, folder: Path) -> bytes:
    path = folder / "press.pdf"
    path.write_bytes(data)
    finish_press_pdf(path)
    return path.read_bytes()


@pytest.fixture(scope="module")
def laid_out(tmp_path_factory: pytest.TempPathFactory) -> PrintLayout:
    root = tmp_path_factory.mktemp("join") / "2025-02"
    shutil.copytree(MINI_ISSUE, root)
    result = layout(prepare(root).issue)
    stamp_dates(result.document)  # every write carries the same dates
    return result


@pytest.fixture(scope="module")
def written(laid_out: PrintLayout, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Written]:
    doc = laid_out.document
    starts = [0, *(r.start for r in laid_out.column_ranges())]
    ends = [*starts[1:], len(doc.pages)]
    assert len(starts) >= 3, "the mini issue has the front and two 栏目"
    folder = tmp_path_factory.mktemp("press")
    found = {}
    for kind, options in (("screen", SCREEN_WRITE_OPTIONS), ("press", press_write_options())):
        # A Document gathers its fonts' glyphs as it writes: each write gets a fresh copy.
        whole = doc.copy(doc.pages).write_pdf(**options)
        parts, names = [], []
        for start, end in zip(starts, ends, strict=True):
            pages, stand_ins = _with_stand_ins(doc.pages[start:end])
            parts.append(doc.copy(pages).write_pdf(**options))
            names.append(stand_ins)
        found[kind] = Written(whole, parts, names, starts)
        finish = _finish_screen if kind == "screen" else (lambda data: _finish_press(data, folder))
        found[f"{kind}-finished"] = Written(finish(whole), [finish(p) for p in parts], names, starts)
    assert any(found["screen"].stand_ins), (
        "the contents' links point into the 栏目: the front needs stand-ins"
    )
    return found


def _save(pdf: pikepdf.Pdf, **options: object) -> bytes:
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, **options)
    return out.getvalue()


Joined = Callable[[str], pikepdf.Pdf]


@pytest.fixture(scope="module")
def joined(written: dict[str, Written]) -> Joined:
    """The parts of a variant joined (catalog from the front), saved, and read back."""
    made: dict[str, pikepdf.Pdf] = {}

    def get(variant: str) -> pikepdf.Pdf:
        if variant not in made:
            sources = written[variant].sources()
            made[variant] = pikepdf.open(
                io.BytesIO(_save(join_pdfs(written[variant].segments(sources), sources[0])))
            )
        return made[variant]

    return get


def _whole(written: dict[str, Written], variant: str) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(written[variant].whole))


# ---------------------------------------------------------------------------------------------
# What a reader sees


def _pages_seen(data: bytes) -> list[tuple[str, bytes]]:
    """Each page's text and picture (pdfium, 29 dpi)."""
    pdf = pypdfium2.PdfDocument(data)
    try:
        return [
            (page.get_textpage().get_text_range(), page.render(scale=0.4).to_pil().tobytes()) for page in pdf
        ]
    finally:
        pdf.close()


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_joined_pages_read_and_look_as_one_write(
    variant: str, written: dict[str, Written], joined: Joined
) -> None:
    pdf = joined(variant)
    data = _save(pdf)
    whole = written[variant].whole
    seen, expected = _pages_seen(data), _pages_seen(whole)
    assert len(seen) == len(expected)
    for number, (page, reference) in enumerate(zip(seen, expected, strict=True)):
        assert page[0] == reference[0], f"page {number}: the text differs"
        assert page[1] == reference[1], f"page {number}: the page looks different"
    assert not pdf.check_pdf_syntax(), "qpdf --check finds problems"
    # Only pages taken: a structure element or a destination that dragged a source page along
    # would bring it in as an object no page tree names.
    page_objects = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/Page"]
    assert len(page_objects) == len(pdf.pages)
    # One copy of what the parts share (fonts, profiles): the parts together are far bigger.
    assert len(data) < 1.05 * len(whole) < 0.8 * sum(len(p) for p in written[variant].parts)


@pytest.mark.parametrize("variant", ["screen", "press"])
def test_the_header_says_the_sources_version_without_asking(
    variant: str, written: dict[str, Written]
) -> None:
    sources = written[variant].sources()
    out = io.BytesIO()
    join_pdfs(written[variant].segments(sources), sources[0]).save(out)  # no min_version
    assert out.getvalue()[:8] == f"%PDF-{_whole(written, variant).pdf_version}".encode()
    assert pikepdf.open(out).pdf_version == {"screen": "1.7", "press": "1.6"}[variant]


# ---------------------------------------------------------------------------------------------
# Destinations and outline


def _dests(pdf: pikepdf.Pdf) -> list[tuple[str, int, float, float]]:
    index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    names = pdf.Root.Names.Dests.Names
    return [
        (str(names[i]), index[names[i + 1][0].objgen], float(names[i + 1][2]), float(names[i + 1][3]))
        for i in range(0, len(names), 2)
    ]


@pytest.mark.parametrize("variant", VARIANTS)
def test_named_destinations_as_one_write(variant: str, written: dict[str, Written], joined: Joined) -> None:
    pdf = joined(variant)
    # Names sorted, each on the page and at the place one write puts it: a stand-in anchor (on a
    # part's first page) carried over would win over the real one further on.
    assert _dests(pdf) == _dests(_whole(written, variant))
    names = {name for name, *_ in _dests(pdf)}
    links = [
        str(annot.Dest) for page in pdf.pages for annot in page.obj.get("/Annots", ()) if "/Dest" in annot
    ]
    assert set(links) <= names
    if variant == "screen":
        assert links, "the contents page links to its articles"


def _outline(pdf: pikepdf.Pdf) -> tuple[int, list[tuple[int, str, int, float, float, int]]]:
    index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    entries = []

    def walk(item: pikepdf.Dictionary | None, depth: int) -> None:
        while item is not None:
            dest = item.Dest
            entries.append(
                (
                    depth,
                    str(item.Title),
                    index[dest[0].objgen],
                    float(dest[2]),
                    float(dest[3]),
                    int(item.Count),
                )
            )
            walk(item.get("/First"), depth + 1)
            item = item.get("/Next")

    walk(pdf.Root.Outlines.First, 1)
    return int(pdf.Root.Outlines.Count), entries


@pytest.mark.parametrize("variant", VARIANTS)
def test_outline_as_one_write(variant: str, written: dict[str, Written], joined: Joined) -> None:
    count, entries = _outline(joined(variant))
    assert (count, entries) == _outline(_whole(written, variant))
    assert {depth for depth, *_ in entries} == {1, 2}, "the 栏目 hold their articles' titles"


# ---------------------------------------------------------------------------------------------
# Structure tree


def _structure(pdf: pikepdf.Pdf) -> list[tuple[int, list[str], list[str | None], list[tuple[int, str]]]]:
    """Per page: its key, its top elements' tags, its marked contents' elements' tags, its link
    annotations' keys and elements' tags."""
    root = pdf.Root.StructTreeRoot
    document = root.K[0]
    assert len(root.K) == 1 and document.S == "/Document" and document.P.objgen == root.objgen
    nums = pikepdf.NumberTree(root.ParentTree)
    index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    pages = []
    for number, page in enumerate(pdf.pages):
        tops = [str(e.S) for e in document.K if index[e.Pg.objgen] == number]
        marks = nums[int(page.obj.StructParents)]
        annots = [a for a in page.obj.get("/Annots", ()) if "/StructParent" in a]
        pages.append(
            (
                int(page.obj.StructParents),
                tops,
                [None if e is None else str(e.S) for e in marks],
                [(int(a.StructParent), str(nums[int(a.StructParent)].S)) for a in annots],
            )
        )
    assert all(top.P.objgen == document.objgen for top in document.K)
    return pages


@pytest.mark.parametrize("variant", TAGGED)
def test_structure_tree_as_one_write(variant: str, written: dict[str, Written], joined: Joined) -> None:
    pdf = joined(variant)
    whole = _whole(written, variant)
    assert _structure(pdf) == _structure(whole)
    keys = list(pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree).keys())
    links = sum(len([a for a in p.obj.get("/Annots", ()) if "/StructParent" in a]) for p in pdf.pages)
    assert links and keys == list(range(len(pdf.pages) + links)), "pages 0…n-1, then the links"
    assert pdf.Root.MarkInfo.Marked is True


# ---------------------------------------------------------------------------------------------
# Fonts


def _fonts(pdf: pikepdf.Pdf) -> dict[str, list[pikepdf.Dictionary]]:
    """The fonts of every page's resources (forms' included) by BaseFont, each object once."""
    found: dict[str, dict[tuple[int, int], pikepdf.Dictionary]] = {}
    stack = [page.obj.Resources for page in pdf.pages]
    while stack:
        resources = stack.pop()
        for font in resources.get("/Font", {}).values():
            found.setdefault(str(font.BaseFont), {})[font.objgen] = font
        stack += [x.Resources for x in resources.get("/XObject", {}).values() if "/Resources" in x]
    return {name: list(fonts.values()) for name, fonts in found.items()}


def _program(font: pikepdf.Dictionary) -> bytes:
    descriptor = font.DescendantFonts[0].FontDescriptor
    return (descriptor.get("/FontFile3") or descriptor.FontFile2).read_bytes()


def _font_parts(pdf: pikepdf.Pdf) -> dict[str, tuple[bytes, bytes, bytes]]:
    """Each face's one font: its program, /W and ToUnicode."""
    found = {}
    for name, fonts in _fonts(pdf).items():
        assert len(fonts) == 1, f"{name}: {len(fonts)} fonts"
        font = fonts[0]
        found[name] = (_program(font), font.DescendantFonts[0].W.unparse(), font.ToUnicode.read_bytes())
    return found


@pytest.mark.parametrize("variant", VARIANTS)
def test_one_font_per_face_as_one_write(variant: str, written: dict[str, Written], joined: Joined) -> None:
    fonts = _fonts(joined(variant))
    # The PDFs stay referenced while their objects are read.
    whole, sources = _whole(written, variant), written[variant].sources()
    reference = {name: found[0] for name, found in _fonts(whole).items()}
    assert fonts.keys() == reference.keys()
    parts = [_fonts(pdf) for pdf in sources]
    subset_anew = 0
    for name, found in fonts.items():
        assert len(found) == 1, f"{name}: {len(found)} fonts"
        font, single = found[0], reference[name]
        assert _program(font) == _program(single), f"{name}: not the program one write embeds"
        cid, single_cid = font.DescendantFonts[0], single.DescendantFonts[0]
        assert cid.W.unparse() == single_cid.W.unparse()
        assert font.ToUnicode.read_bytes() == single.ToUnicode.read_bytes()
        for key in ("/FontBBox", "/Flags", "/Ascent", "/Descent", "/CapHeight", "/FontName"):
            assert cid.FontDescriptor[key] == single_cid.FontDescriptor[key], f"{name} {key}"
        subset_anew += all(_program(f) != _program(font) for part in parts for f in part.get(name, []))
    assert subset_anew >= 2, "faces whose glyphs are spread over the parts are subset anew"


def test_faces_not_found_stay_apart(written: dict[str, Written]) -> None:
    sources = written["screen"].sources()
    asked: list[str] = []

    def nowhere(base_font: str) -> Path | None:
        asked.append(base_font)
        return None

    pdf = pikepdf.open(io.BytesIO(_save(join_pdfs(written["screen"].segments(sources), sources[0], nowhere))))
    fonts = _fonts(pdf)
    assert asked and all(f"/{name}" in fonts for name in asked)  # BaseFonts without the slash
    for name in asked:
        assert len(fonts[f"/{name}"]) > 1, f"{name}: merged without its face"
    assert _pages_seen(_save(pdf)) == _pages_seen(written["screen"].whole)


def test_project_faces_are_found_by_postscript_name() -> None:
    for role in font_roles().values():
        path = face_file(role)
        assert project_face(str(TTFont(path, lazy=True)["name"].getDebugName(6))) == path
    assert project_face("NoSuchFace-Regular") is None


# ---------------------------------------------------------------------------------------------
# Catalog, shared pictures, sources, refusals


def test_catalog_and_info_come_from_catalog_from(written: dict[str, Written]) -> None:
    sources = written["screen-finished"].sources()
    catalog = _whole(written, "screen-finished")
    catalog.Root.PageLayout = pikepdf.Name.TwoPageRight
    catalog.Root.PageLabels = pikepdf.Dictionary(Nums=[0, pikepdf.Dictionary(P="封一")])
    catalog.docinfo.Title = "Joined"
    pdf = pikepdf.open(io.BytesIO(_save(join_pdfs(written["screen-finished"].segments(sources), catalog))))
    assert pdf.Root.Lang == catalog.Root.Lang
    assert pdf.Root.Metadata.read_bytes() == catalog.Root.Metadata.read_bytes()
    assert pdf.Root.ViewerPreferences.DisplayDocTitle == catalog.Root.ViewerPreferences.DisplayDocTitle
    assert pdf.Root.PageLayout == "/TwoPageRight"
    assert str(pdf.Root.PageLabels.Nums[1].P) == "封一"
    assert {k: str(v) for k, v in pdf.docinfo.items()} == {k: str(v) for k, v in catalog.docinfo.items()}
    assert str(pdf.docinfo.Title) == "Joined"
    if "/OutputIntents" in catalog.Root:
        profile = catalog.Root.OutputIntents[0].DestOutputProfile
        assert pdf.Root.OutputIntents[0].DestOutputProfile.read_bytes() == profile.read_bytes()


def _streams(pdf: pikepdf.Pdf, kind: Callable[[pikepdf.Stream], bool]) -> int:
    return sum(1 for o in pdf.objects if isinstance(o, pikepdf.Stream) and kind(o))


def test_pictures_and_profiles_copied_twice_are_kept_once(written: dict[str, Written]) -> None:
    front = written["press"].parts[0]
    one, other = pikepdf.open(io.BytesIO(front)), pikepdf.open(io.BytesIO(front))
    half = len(one.pages) // 2
    segments = [Segment(one, range(half)), Segment(other, range(half, len(other.pages)))]
    pdf = pikepdf.open(io.BytesIO(_save(join_pdfs(segments, one))))
    single = pikepdf.open(io.BytesIO(front))
    for kind in (lambda s: s.get("/Subtype") == "/Image", lambda s: "/N" in s and "/Subtype" not in s):
        assert _streams(pdf, kind) == _streams(single, kind) > 0


def test_sources_are_left_as_they_were(written: dict[str, Written], tmp_path: Path) -> None:
    sources = written["screen"].sources()
    before = []
    for n, pdf in enumerate(sources):
        save_reproducible(pdf, tmp_path / f"before-{n}.pdf")
        before.append((tmp_path / f"before-{n}.pdf").read_bytes())
    join_pdfs(written["screen"].segments(sources), sources[0])
    for n, pdf in enumerate(sources):
        save_reproducible(pdf, tmp_path / f"after-{n}.pdf")
        assert (tmp_path / f"after-{n}.pdf").read_bytes() == before[n]


def test_the_same_sources_give_the_same_bytes(written: dict[str, Written]) -> None:
    made = []
    for _ in range(2):
        sources = written["press-finished"].sources()
        pdf = join_pdfs(written["press-finished"].segments(sources), sources[0])
        # An /ID already there would stay the first word of the saved one: qpdf draws it from the
        # clock (to the second, so two joins in one second would not tell).
        assert "/ID" not in pdf.trailer
        made.append(_save(pdf, deterministic_id=True))
    assert made[0] == made[1]


def test_part_of_a_bigger_source_brings_only_its_pages(written: dict[str, Written]) -> None:
    """The front written alone, the rest taken from the whole issue's PDF: nothing of the whole's
    front comes along (no page, name, bookmark or element), and all is as one write."""
    kind = written["screen-finished"]
    front, whole = pikepdf.open(io.BytesIO(kind.parts[0])), _whole(written, "screen-finished")
    first = kind.starts[1]
    segments = [
        Segment(front, range(len(front.pages)), kind.stand_ins[0]),
        Segment(whole, range(first, len(whole.pages))),
    ]
    pdf = pikepdf.open(io.BytesIO(_save(join_pdfs(segments, front))))
    page_objects = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/Page"]
    assert len(page_objects) == len(pdf.pages) == len(whole.pages)
    assert _dests(pdf) == _dests(whole)
    assert _outline(pdf) == _outline(whole)
    assert _structure(pdf) == _structure(whole)
    assert _font_parts(pdf) == _font_parts(whole)


def test_what_cannot_be_joined_is_refused(written: dict[str, Written]) -> None:
    screen, press = written["screen"].sources()[0], written["press"].sources()[0]
    with pytest.raises(ValueError, match="taken twice"):
        join_pdfs([Segment(screen, range(2)), Segment(screen, range(1, 3))], screen)
    with pytest.raises(ValueError, match="tagged"):
        join_pdfs([Segment(screen, range(1)), Segment(press, range(1, 2))], screen)
    with pytest.raises(ValueError, match="outside"):
        join_pdfs([Segment(screen, range(len(screen.pages) + 1))], screen)


# ---------------------------------------------------------------------------------------------
# Only what the pages draw


def _reopened(pdf: pikepdf.Pdf) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(_save(pdf)))


def _images(pdf: pikepdf.Pdf) -> list[bytes]:
    """The digests of the pictures the pages' resources (forms' and patterns' included) hold, each
    picture object once."""
    found, seen = [], set()
    stack = [page.obj.Resources for page in pdf.pages]
    while stack:
        resources = stack.pop()
        for kind in ("/XObject", "/Pattern"):
            for obj in resources.get(kind, {}).values():
                if obj.objgen in seen:
                    continue
                seen.add(obj.objgen)
                if obj.get("/Subtype") == "/Image":
                    found.append(blake2b(obj.read_raw_bytes()).digest())
                elif "/Resources" in obj:
                    stack.append(obj.Resources)
    return sorted(found)


def _mapped_text(pdf: pikepdf.Pdf) -> str:
    """The text of every glyph the fonts hold (their ToUnicode)."""
    pairs = rb"<[0-9a-f]{4}> <([0-9a-f]*)>"
    return "".join(
        bytes.fromhex(text.decode()).decode("utf-16-be")
        for fonts in _fonts(pdf).values()
        for font in fonts
        for text in re.findall(pairs, font.ToUnicode.read_bytes())
    )


OLD_WORDS = "鼋鼍"  # found nowhere else in the mini issue


@pytest.fixture(scope="module")
def last_build(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], bytes]:
    """The whole mini issue as an earlier build wrote it, before an edit to its last 栏目: the
    profile showed another photo, the news had one more sentence."""
    root = tmp_path_factory.mktemp("last") / "2025-02"
    shutil.copytree(MINI_ISSUE, root)
    Image.new("RGB", (480, 320), (200, 40, 90)).save(root / "images" / "old-photo.png")
    profiles, news = root / "articles" / "030-fengcai.md", root / "articles" / "020-dongtai.md"
    profiles.write_text(
        profiles.read_text("utf-8").replace("images/cover.png", "images/old-photo.png"), "utf-8"
    )
    news.write_text(news.read_text("utf-8") + f"\n会上还通报了{OLD_WORDS}栖息地的保护情况。\n", "utf-8")
    doc = layout(prepare(root).issue).document
    stamp_dates(doc)
    folder = tmp_path_factory.mktemp("last-press")
    made: dict[str, bytes] = {}

    def get(variant: str) -> bytes:
        kind = variant.removesuffix("-finished")
        if kind not in made:
            options = SCREEN_WRITE_OPTIONS if kind == "screen" else press_write_options()
            made[kind] = doc.copy(doc.pages).write_pdf(**options)
        if variant not in made:
            made[variant] = (
                _finish_screen(made[kind]) if kind == "screen" else _finish_press(made[kind], folder)
            )
        return made[variant]

    return get


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_join_carries_only_what_its_pages_draw(
    variant: str, written: dict[str, Written], last_build: Callable[[str], bytes]
) -> None:
    """The build's case: the last build's whole file kept, the edited 栏目's pages written anew. The
    old photo and the words the edit took out leave with the pages left out; the join holds what
    one write of its pages holds: the same pictures, each font byte for byte."""
    kind = written[variant]
    kept = pikepdf.open(io.BytesIO(last_build(variant)))
    drawn = pikepdf.open(io.BytesIO(kind.parts[-1]))
    first = kind.starts[-1]
    segments = [Segment(kept, range(first)), Segment(drawn, range(len(drawn.pages)), kind.stand_ins[-1])]
    pdf = _reopened(join_pdfs(segments, drawn))
    single = _whole(written, variant)

    old_photos = set(_images(kept)) - set(_images(single))
    assert len(old_photos) == 1, "the last build drew a photo this one does not"
    assert OLD_WORDS[0] in _mapped_text(kept), "the last build's body font holds the words taken out"
    assert _images(pdf) == _images(single)
    assert _font_parts(pdf) == _font_parts(single)
    assert OLD_WORDS[0] not in _mapped_text(pdf)
    assert old_photos <= set(_images(kept)), "the kept file is left as it was"
    # A copy of each source's resources, shared by its pages as WeasyPrint shares one.
    assert len({page.obj.Resources.objgen for page in pdf.pages}) == 2
    assert _pages_seen(_save(pdf)) == _pages_seen(kind.whole)


@pytest.mark.parametrize("variant", ["screen", "press"])
def test_pages_of_a_bigger_source_carry_only_their_glyphs(
    variant: str, written: dict[str, Written], laid_out: PrintLayout
) -> None:
    """The front and the first 栏目 taken from the whole issue's file: each font, from that one
    file, is subset anew to the glyphs these pages draw, as one write of them subsets it."""
    whole = _whole(written, variant)
    first = written[variant].starts[-1]
    pdf = _reopened(join_pdfs([Segment(whole, range(first))], whole))
    doc = laid_out.document
    options = SCREEN_WRITE_OPTIONS if variant == "screen" else press_write_options()
    single = pikepdf.open(io.BytesIO(doc.copy(doc.pages[:first]).write_pdf(**options)))
    assert _font_parts(pdf) == _font_parts(single)
    assert _images(pdf) == _images(single)
    assert _font_parts(whole) != _font_parts(single), "the last 栏目 draws glyphs the others do not"


def _png(colour: tuple[int, int, int]) -> str:
    data = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(data, "PNG")
    return "data:image/png;base64," + base64.b64encode(data.getvalue()).decode()


_MASKED = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="80" height="80"><defs>'
    '<mask id="m"><rect width="80" height="40" fill="white"/></mask>'
    '<linearGradient id="g"><stop offset="0" stop-color="red"/><stop offset="1" stop-color="blue"/>'
    '</linearGradient></defs><rect width="80" height="80" fill="url(#g)" mask="url(#m)"/></svg>'
)
_PATTERNED = (  # inline: its text takes the page's fonts
    '<svg xmlns="http://www.w3.org/2000/svg" width="80" height="80"><defs>'
    '<pattern id="p" width="20" height="20" patternUnits="userSpaceOnUse">'
    '<text x="2" y="15" font-size="14" font-family="Body">纹</text></pattern></defs>'
    '<rect width="80" height="80" fill="url(#p)"/></svg>'
)


@pytest.fixture(scope="module")
def effects() -> tuple[Document, bytes]:
    """Three pages of what the magazine seldom draws, and their write: text in an opacity group (a
    form); a gradient and a repeated picture (tiling patterns holding forms, a shading, a picture);
    an SVG mask (a soft mask, whose group WeasyPrint lists among the XObjects though only the
    graphics state draws it) and text in an SVG pattern (a glyph only a pattern draws); then text
    and a picture on a page of their own."""
    face = face_file(font_roles()["body"])
    html = f"""<style>
      @font-face {{ font-family: Body; src: url({face.as_uri()}) }}
      @page {{ size: 120mm 90mm }} body {{ font-family: Body }} section {{ break-after: page }}
    </style>
    <section><div style="opacity: .5">淡出的字</div>
      <div style="height: 20mm; background: linear-gradient(red, blue)"></div>
      <div style="height: 20mm; background: url({_png((0, 128, 0))}) repeat"></div></section>
    <section><img src="data:image/svg+xml;base64,{base64.b64encode(_MASKED.encode()).decode()}">
      {_PATTERNED}</section>
    <section><p>平常的字</p><img src="{_png((0, 0, 200))}" style="width: 20mm"></section>"""
    doc = weasyprint.HTML(string=html).render()
    return doc, doc.copy(doc.pages).write_pdf()


def _resource_names(resources: pikepdf.Dictionary) -> dict[str, dict[str, object]]:
    """The names a resources dict holds, and within, those of the forms and patterns it names."""
    tree: dict[str, dict[str, object]] = {}
    for kind in ("/Font", "/XObject", "/ExtGState", "/Pattern", "/Shading"):
        tree[kind] = {}
        for name, obj in resources.get(kind, {}).items():
            inner = obj.get("/Resources") if kind in ("/XObject", "/Pattern") else None
            tree[kind][name] = _resource_names(inner) if inner is not None else None
    return tree


def _literal_strings(data: bytes) -> bytes:
    """The PDF with every content stream (pages', forms', patterns') showing its text in literal
    strings, after a comment and a marked content whose property list holds a parenthesis."""
    pdf = pikepdf.open(io.BytesIO(data))
    streams = [page.obj.Contents for page in pdf.pages] + [
        obj
        for obj in pdf.objects
        if isinstance(obj, pikepdf.Stream)
        and (obj.get("/Subtype") == "/Form" or obj.get("/PatternType") == 1)
    ]

    def literal(match: re.Match[bytes]) -> bytes:
        return b"(" + re.sub(rb"([()\\])", rb"\\\1", bytes.fromhex(match[1].decode())) + b")"

    head = b"% read by qpdf's parser\n/Span <</ActualText (a \\) b)>> BDC EMC\n"
    for stream in streams:
        stream.write(head + re.sub(rb"<([0-9A-Fa-f]*)>", literal, stream.read_bytes()))
    return _save(pdf)


@pytest.mark.parametrize("syntax", ["as written", "literal strings"])
@pytest.mark.parametrize("pages", [[0, 1], [2], [0]])
def test_resources_as_one_write_through_forms_patterns_and_masks(
    pages: list[int], syntax: str, effects: tuple[Document, bytes]
) -> None:
    """Some pages taken from the write of all: their resources hold the names one write of those
    pages holds, forms' and patterns' within included (WeasyPrint numbers its groups, patterns and
    states as it draws them, so the pages taken first, or named by their content, keep the single
    write's names); fonts subset to the glyphs drawn, in groups too. Text in literal strings and a
    comment, which the regex leaves to qpdf's parser, give the same."""
    doc, whole = effects
    source = pikepdf.open(io.BytesIO(whole if syntax == "as written" else _literal_strings(whole)))
    pdf = _reopened(join_pdfs([Segment(source, range(pages[0], pages[-1] + 1))], source))
    single_data = doc.copy([doc.pages[i] for i in pages]).write_pdf()
    single = pikepdf.open(io.BytesIO(single_data))
    assert _resource_names(pdf.pages[0].obj.Resources) == _resource_names(single.pages[0].obj.Resources)
    assert _font_parts(pdf) == _font_parts(single)
    assert _images(pdf) == _images(single)
    assert _pages_seen(_save(pdf)) == _pages_seen(single_data)


def test_glyphs_are_listed_as_one_write_first_draws_them(
    written: dict[str, Written], laid_out: PrintLayout
) -> None:
    """A file of the front and the last 栏目 on both sides of the first 栏目 written alone: each
    glyph's text comes from the font that draws it first, and ToUnicode lists the glyphs in the
    order one write draws them (front, first 栏目, last), not source after source."""
    doc, starts = laid_out.document, written["press"].starts
    pages, stand_ins = _with_stand_ins(doc.pages[: starts[1]] + doc.pages[starts[2] :])
    around = pikepdf.open(io.BytesIO(doc.copy(pages).write_pdf(**press_write_options())))
    middle = pikepdf.open(io.BytesIO(written["press"].parts[1]))
    segments = [
        Segment(around, range(starts[1]), stand_ins),
        Segment(middle, range(len(middle.pages)), written["press"].stand_ins[1]),
        Segment(around, range(starts[1], len(around.pages)), stand_ins),
    ]
    assert set(_mapped_text(middle)) - set(_mapped_text(around)), (
        "the first 栏目 draws glyphs the rest does not"
    )
    pdf = _reopened(join_pdfs(segments, around))
    assert _font_parts(pdf) == _font_parts(_whole(written, "press"))


# ---------------------------------------------------------------------------------------------
# Programs left to the join (render/pdfjoin/left.py)


@dataclass
class WrittenLeft:
    """The mini issue's parts written with their font programs left to the join."""

    parts: dict[str, list[bytes]]  # by variant (VARIANTS), as Written.parts
    subsets: int  # WeasyPrint's own HarfBuzz subsettings while they were written


@pytest.fixture(scope="module")
def written_left(
    laid_out: PrintLayout, written: dict[str, Written], tmp_path_factory: pytest.TempPathFactory
) -> WrittenLeft:
    from weasyprint.pdf.fonts import Font

    from qhgy_publish.render.pdfjoin.left import programs_left_to_the_join

    doc = laid_out.document
    starts = written["screen"].starts
    ends = [*starts[1:], len(doc.pages)]
    counted = [0]
    original = Font._harfbuzz_subset

    def counting(self, *args):  # type: ignore[no-untyped-def]
        counted[0] += 1
        return original(self, *args)

    Font._harfbuzz_subset = counting
    try:
        with programs_left_to_the_join():
            parts = {
                kind: [doc.copy(_with_stand_ins(doc.pages[s:e])[0]).write_pdf(**options) for s, e in zip(starts, ends, strict=True)]
                for kind, options in (("screen", SCREEN_WRITE_OPTIONS), ("press", press_write_options()))
            }
    finally:
        Font._harfbuzz_subset = original
    folder = tmp_path_factory.mktemp("press-left")
    parts["screen-finished"] = [_finish_screen(data) for data in parts["screen"]]
    parts["press-finished"] = [_finish_press(data, folder) for data in parts["press"]]
    return WrittenLeft(parts, counted[0])


def _join_saved(parts: list[bytes], names: list[frozenset[str]], faces=None, pages=None) -> bytes:  # type: ignore[no-untyped-def]
    """The parts joined (``pages``: of each, those pages; else all) and saved, every stream
    deflated anew (at one level: the test process's writes deflate at pydyf's, the join at
    zlib's default, as the build's writers do)."""
    sources = [pikepdf.open(io.BytesIO(data)) for data in parts]
    ranges = pages or [range(len(pdf.pages)) for pdf in sources]
    segments = [Segment(pdf, r, n) for pdf, r, n in zip(sources, ranges, names, strict=True)]
    return _save(
        join_pdfs(segments, sources[0], faces),
        deterministic_id=True,
        recompress_flate=True,
        stream_decode_level=pikepdf.StreamDecodeLevel.generalized,
    )


@pytest.mark.parametrize("kind", ["screen", "screen-finished", "press-finished"])  # (unfinished, the press
# parts' XMP carries a new document ID each write)
def test_parts_whose_programs_were_left_to_the_join_join_to_the_same_bytes(
    kind: str, written: dict[str, Written], written_left: WrittenLeft
) -> None:
    """Written with their programs left to the join, the parts carry stand-ins naming each
    project face and WeasyPrint subsets nothing; joined, whole or one part alone (each font
    then kept apart and its face subset to its own glyphs), they give the bytes of the parts
    written with WeasyPrint's subsets."""
    from qhgy_publish.render.pdfjoin.left import left_to_the_join

    assert written_left.subsets == 0
    left, plain = written_left.parts[kind], written[kind]
    for part in left:
        with pikepdf.open(io.BytesIO(part)) as pdf:
            for fonts in _fonts(pdf).values():
                for font in fonts:
                    name = left_to_the_join(_program(font))
                    assert name is not None and project_face(name) is not None
    assert _join_saved(left, plain.stand_ins) == _join_saved(plain.parts, plain.stand_ins)
    last = len(left) - 1
    alone = _join_saved([left[last]], [frozenset()])
    assert alone == _join_saved([plain.parts[last]], [frozenset()])
    with pikepdf.open(io.BytesIO(alone)) as pdf:
        assert all(left_to_the_join(_program(f)) is None for fonts in _fonts(pdf).values() for f in fonts)
    # A stand-in whose font holds every glyph drawn is no program to take: a font that holds them
    # and has its program is taken (here the same part's, written with its subsets, first page).
    count = len(pikepdf.open(io.BytesIO(left[last])).pages)
    mixed = [range(count), range(1)]
    names = [frozenset(), frozenset()]
    assert _join_saved([left[last], plain.parts[last]], names, pages=mixed) == _join_saved(
        [plain.parts[last], plain.parts[last]], names, pages=mixed
    )


def test_a_program_left_to_the_join_whose_face_is_not_found_refuses_the_join(
    written: dict[str, Written], written_left: WrittenLeft
) -> None:
    """No stand-in reaches a PDF: a join that cannot subset the face it names says so (the
    build then lays the issue out whole)."""
    with pytest.raises(ValueError, match="left to the join"):
        _join_saved(written_left.parts["screen"], written["screen"].stand_ins, lambda base_font: None)
