"""What a process leaves for the next one in the cache folder, so that a preview or a build
starts sooner: the faces copied out of their collections (in a child process, on the other
core) and jieba's cuts of the display texts. Each run in a fresh process with its own
QHGY_CACHE_DIR, as a new command would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


def _run(code: str, cache: Path) -> dict:
    env = {**os.environ, "QHGY_CACHE_DIR": str(cache), "PYTHONPATH": str(SRC)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


CUT = """
import json, sys
from qhgy_publish import words
words.use_issue_words({extra!r})
glue = words.no_break_after({text!r})
cut = words.words_of({text!r})
words.keep_cuts()
print(json.dumps({{"glue": glue, "cut": cut, "jieba": "jieba" in sys.modules}}))
"""
TEXT = "青海省总工会召开全委会议吕先华主持"


def test_a_cut_made_once_is_read_by_the_next_process_without_jieba(tmp_path: Path) -> None:
    first = _run(CUT.format(extra=[], text=TEXT), tmp_path)
    assert first["jieba"]  # nothing kept yet: jieba cut it
    again = _run(CUT.format(extra=[], text=TEXT), tmp_path)
    assert not again["jieba"]  # jieba never loaded: its dictionary alone takes 0.4 s
    assert (again["glue"], again["cut"]) == (first["glue"], first["cut"])


def test_other_words_are_not_answered_from_the_kept_cuts(tmp_path: Path) -> None:
    """The issue's own words (its names) change the cuts: they are kept apart."""
    _run(CUT.format(extra=[], text=TEXT), tmp_path)
    word = "议吕先"  # not a word anyone would declare, but one that cuts 全委会议 apart
    name = _run(CUT.format(extra=[word], text=TEXT), tmp_path)
    assert name["jieba"]
    assert word in name["cut"] and "全委会议" not in name["cut"]
    start = TEXT.index(word)
    assert name["glue"][start - 1 : start + 3] == [False, True, True, False]


DICTIONARY = """
import json, marshal, jieba
from qhgy_publish import words

made = words._base_tokenizer()  # no cache in this TMPDIR: jieba makes its dictionary and keeps it
calls = []
real_open = open

class Counted:  # jieba's cache file, counting what is asked of it
    def __init__(self, stream): self.stream = stream
    def __enter__(self): return self
    def __exit__(self, *exc): self.stream.close()
    def read(self, *args): calls.append("read"); return self.stream.read(*args)
    def readinto(self, buffer): calls.append("readinto"); return self.stream.readinto(buffer)
    def __getattr__(self, name): return getattr(self.stream, name)

jieba.open = lambda path, mode="r", *a, **k: (
    Counted(real_open(path, mode, *a, **k)) if str(path).endswith("jieba.cache") else real_open(path, mode, *a, **k))
words._base_tokenizer.cache_clear()
read = words._base_tokenizer()
jieba.open = real_open
jieba.marshal = marshal  # jieba as it comes
plain = jieba.Tokenizer()
plain.initialize()
words._add_words(plain, words.house_words())
print(json.dumps({"calls": len(calls), "made": made.FREQ == plain.FREQ and made.total == plain.total,
                  "read": read.FREQ == plain.FREQ and read.total == plain.total, "words": len(plain.FREQ)}))
"""


def test_jiebas_dictionary_is_read_whole_and_is_jiebas_own(tmp_path: Path) -> None:
    """jieba's dictionary cache is read in one piece (marshal reading the file object key by key
    took four times as long), and the dictionary is the one jieba itself makes and reads."""
    env = {**os.environ, "QHGY_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(SRC), "TMPDIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", DICTIONARY], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert (tmp_path / "jieba.cache").is_file()
    assert found["words"] > 400_000
    assert found["made"] and found["read"]
    assert 1 <= found["calls"] <= 2, found["calls"]


COPY = """
import json, os, time
from qhgy_publish import fonts
fonts.copy_faces_ahead()
child = fonts._copying[0]
{stop}
paths = [str(fonts.face_file(role)) for role in fonts.font_roles().values()]
left = sorted(p.name for p in fonts.FACE_CACHE.iterdir() if p.suffix == ".tmp")
print(json.dumps({{"child": child.pid != os.getpid(), "code": child.exitcode, "paths": paths, "left": left}}))
"""
REFERENCE = """
import json
from fontTools.ttLib import TTFont
from qhgy_publish import fonts
out = []
for role in fonts.font_roles().values():
    if role.file.suffix.lower() == ".ttc":
        target = "{folder}/" + role.file.stem + ".otf"
        TTFont(role.file, fontNumber=role.index, lazy=True, recalcTimestamp=False).save(target)
        out.append(target)
print(json.dumps(out))
"""


@pytest.mark.parametrize("stop", ["", "time.sleep(0.1); child.terminate(); child.join()"], ids=["whole", "stopped"])
def test_faces_are_copied_out_in_a_child_process(tmp_path: Path, stop: str) -> None:
    """The copies are the bytes fontTools writes (the PDFs and the EPUB embed them), made by a
    child process; stopped half-way (its parent ended), it leaves no half-written file and the
    faces it did not copy are copied when asked for."""
    done = _run(COPY.format(stop=stop), tmp_path / "cache")
    assert done["child"] and done["left"] == []
    if stop:
        assert done["code"] != 0  # stopped before it finished, as the test meant
    (tmp_path / "ref").mkdir()
    reference = _run(REFERENCE.format(folder=tmp_path / "ref"), tmp_path / "other")
    copies = [Path(p) for p in done["paths"] if p.endswith("-v2.otf")]
    assert len(copies) == len(reference) >= 3
    by_stem = {Path(ref).stem: Path(ref) for ref in reference}
    for copy in copies:  # NotoSerifCJK-Regular-2-v2.otf: the face 2 of NotoSerifCJK-Regular.ttc
        assert copy.read_bytes() == by_stem[copy.name.rsplit("-", 2)[0]].read_bytes()


def test_a_build_whose_epub_subsets_are_kept_starts_no_subsetter(
    mini_issue: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The EPUB's font subsets are made before the print edition is laid out (HarfBuzz, here) or
    while it is (fontTools in a second process, where HarfBuzz-subset is missing); when the
    issue's characters are those of a build before, the subsets are in the cache and none is made."""
    from concurrent import futures

    from qhgy_publish import pipeline
    from qhgy_publish.render import epub_fonts

    monkeypatch.setenv("QHGY_CACHE_DIR", str(tmp_path / "cache"))  # a spawned subsetter's cache
    monkeypatch.setattr(epub_fonts, "CACHE", tmp_path / "cache" / "epub-fonts")
    pools: list[int] = []
    cut: list[str] = []

    class Counted(futures.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            pools.append(1)
            super().__init__(*args, **kwargs)

    subset_to_characters = epub_fonts.subset_to_characters

    def counted(face, chars):  # type: ignore[no-untyped-def]
        cut.append(face.name)
        return subset_to_characters(face, chars)

    monkeypatch.setattr(futures, "ProcessPoolExecutor", Counted)
    monkeypatch.setattr(epub_fonts, "subset_to_characters", counted)
    pipeline._start_epub_fonts(pipeline.prepare(mini_issue).issue)()
    made = sorted(epub_fonts.CACHE.glob("*.otf"))
    assert not pools and len(cut) == len(made) == 4  # HarfBuzz-subset is installed (make setup)
    pipeline._start_epub_fonts(pipeline.prepare(mini_issue).issue)()
    assert len(cut) == 4  # found in the cache
    article = mini_issue / "articles" / "020-dongtai.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n\n鑫淼犇。\n", encoding="utf-8")
    pipeline._start_epub_fonts(pipeline.prepare(mini_issue).issue)()
    assert len(cut) > 4 and not pools  # characters no build had: subset again
    assert len(sorted(epub_fonts.CACHE.glob("*.otf"))) > len(made)


AHEAD = """
import json, sys, time
from qhgy_publish import words
words.cut_ahead()
words.use_issue_words({extra!r})
cuts = [words.words_of(text) for text in {texts!r}]
helper = words._cutter._process if words._cutter else None
words.stop_cutting_ahead()
print(json.dumps({{"cuts": cuts, "jieba": "jieba" in sys.modules, "helper": helper is not None,
                   "ended": helper is not None and helper.poll() is not None}}))
"""


def test_a_preview_cuts_its_display_texts_in_a_helper_as_jieba_here_would(tmp_path: Path) -> None:
    """``cut_ahead`` (the preview's start): the texts no process cut before are cut by a helper
    process, the preview's own never reads jieba's dictionary, and the cuts are those of a
    tokenizer made the plain way here (jieba's dictionary, the house words, the issue's)."""
    import jieba

    from qhgy_publish.words import house_words

    extra = ["吕先华", "全委会议"]
    texts = [TEXT, "学习贯彻党的二十届三中全会精神", "王大南到海东市调研工会工作", "冰雪运动点燃冬日激情"]
    run = _run(AHEAD.format(extra=extra, texts=texts), tmp_path)
    assert run["helper"] and run["ended"] and not run["jieba"]
    plain = jieba.Tokenizer()
    plain.initialize()
    for word in [*house_words(), *sorted(extra)]:
        plain.add_word(word)
        plain.suggest_freq(word, tune=True)
    assert run["cuts"] == [list(plain.cut(text, HMM=True)) for text in texts]
    assert any(len(cut) > 2 for cut in run["cuts"])  # cut into words, not left whole


MARKUP = """
import json
from qhgy_publish import words
from qhgy_publish.model import Run
from qhgy_publish.render import cjk_markup
words.use_issue_words({extra!r})
if {code!r}:
    cjk_markup._code = lambda: {code!r}.encode()  # the code the markup depends on, changed
cjk_markup.KEPT_FILES = {kept}
computed = []
real = cjk_markup._markup_runs
def counted(*args):
    computed.append(args[0][0][0])
    return real(*args)
cjk_markup._markup_runs = counted
html = str(cjk_markup.markup_runs([Run(text={text!r})], display=True))
html += str(cjk_markup.paragraph_runs([Run(text="会上强调：“{{}}。”（2025年1月）".format({text!r}))]))
cjk_markup.keep_markups()
print(json.dumps({{"html": html, "computed": computed}}))
"""


def test_the_markup_set_once_is_read_by_the_next_process_unless_code_or_words_changed(tmp_path: Path) -> None:
    def run(extra: list[str] = [], code: str = "", kept: int = 8) -> dict:  # noqa: B006
        return _run(MARKUP.format(extra=extra, code=code, text=TEXT, kept=kept), tmp_path)

    first = run()
    assert len(first["computed"]) == 2  # an empty cache: the title and the paragraph set here
    again = run()
    assert again == {"html": first["html"], "computed": []}  # both read from the cache folder
    assert "\u2060" in first["html"] and '<span class="hl gl gr">1</span>' in first["html"]  # words joined, gaps
    assert len(run(code="other code")["computed"]) == 2  # another code: set again
    other_words = run(extra=["吕先华主持"])
    assert len(other_words["computed"]) == 2  # other issue words: other cuts, set again
    assert run(extra=["吕先华主持"])["computed"] == []
    assert len(list((tmp_path / "markup").glob("*.pickle"))) == 3  # one file per code and words
    run(extra=["全委会议"], kept=2)
    assert len(list((tmp_path / "markup").glob("*.pickle"))) == 2  # the most recent kept
    assert run(extra=["吕先华主持"])["computed"] == []  # the one written before it among them
