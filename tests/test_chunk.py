"""Chunking: whole sentences only, offsets into Article.text, deterministic ids."""

from __future__ import annotations

import re

import pytest

from assistant.chunk import Chunk, chunk_article, chunk_id, sentence_spans
from assistant.settings import load_settings

TERMINALS = "。！？；!?;…"
CLOSERS = "”’」』）)》\"'"


def ends_sentence(text: str, end: int) -> bool:
    """`end` sits right after terminal punctuation (plus closers), or at a line/text end."""
    if end == len(text) or text[end] == "\n":
        return True
    return text[:end].rstrip(CLOSERS)[-1:] in tuple(TERMINALS)


def starts_sentence(text: str, start: int) -> bool:
    if start == 0:
        return True
    before = text[:start].rstrip(" \t\u3000")
    return before == "" or before.endswith("\n") or ends_sentence(text, len(before))


# ------------------------------------------------------------ sentence_spans


def test_sentence_spans_simple() -> None:
    text = "第一句。第二句！  “引号里的话。”他说？最后没有标点"
    pieces = [text[s:e] for s, e in sentence_spans(text)]
    assert pieces == ["第一句。", "第二句！", "“引号里的话。”", "他说？", "最后没有标点"]


def test_sentence_spans_keep_decimals_and_ellipsis() -> None:
    text = "供热面积3.35亿平方米，居民用户304万户。还有……很多。"
    pieces = [text[s:e] for s, e in sentence_spans(text)]
    assert pieces[0] == "供热面积3.35亿平方米，居民用户304万户。"
    assert "".join(pieces) == text


def test_sentence_spans_keep_wiki_variant_markup_whole() -> None:
    """Wikipedia's language-variant markup (-{zh-cn:…;zh-hk:…}-) parts its variants with
    ASCII semicolons, which end no sentence."""
    text = "锦地罗，又称作-{zh-cn:宽叶毛毡苔;zh-hk:锦地罗;zh-tw:锦地罗}-，是茅膏菜科的植物。见于山坡;湿地。"
    pieces = [text[s:e] for s, e in sentence_spans(text)]
    assert pieces == ["锦地罗，又称作-{zh-cn:宽叶毛毡苔;zh-hk:锦地罗;zh-tw:锦地罗}-，是茅膏菜科的植物。", "见于山坡;", "湿地。"]


def test_sentence_spans_line_ends_and_whitespace() -> None:
    text = "  标题没有句号\n\n  正文一句。 \n第二段"
    pieces = [text[s:e] for s, e in sentence_spans(text)]
    assert pieces == ["标题没有句号", "正文一句。", "第二段"]
    assert sentence_spans("") == []
    assert sentence_spans(" \n\t ") == []


def test_sentence_spans_on_seed_articles_never_cut_a_sentence(parsed_seeds) -> None:
    checked = 0
    for articles in parsed_seeds.values():
        for article in articles:
            text = article.text
            spans = sentence_spans(text)
            assert spans, article.title
            previous_end = 0
            for start, end in spans:
                assert previous_end <= start < end <= len(text)
                piece = text[start:end]
                assert piece == piece.strip()
                # ends at punctuation or a line end, never mid-sentence
                assert ends_sentence(text, end), piece[-20:]
                # no sentence-ending punctuation hides inside a span (except before closers)
                inner = piece[:-1]
                for match in re.finditer(f"[{TERMINALS}]", inner):
                    rest = piece[match.end():]
                    assert rest.lstrip(TERMINALS + CLOSERS) == "", piece
                # nothing but whitespace is skipped between spans
                assert text[previous_end:start].strip() == ""
                previous_end = end
                checked += 1
            assert text[previous_end:].strip() == ""
    assert checked > 500


# ------------------------------------------------------------ chunk_article


@pytest.fixture(scope="module", params=["default", "small"])
def sizes(request: pytest.FixtureRequest) -> tuple[int, int]:
    if request.param == "default":
        chunking = load_settings().chunking
        return chunking.size, chunking.overlap
    return 120, 30


def all_chunks(parsed_seeds, size: int, overlap: int):
    for articles in parsed_seeds.values():
        for article in articles:
            yield article, chunk_article(article, size, overlap)


def test_chunk_text_is_a_slice_of_the_article(parsed_seeds, sizes) -> None:
    total = 0
    for article, chunks in all_chunks(parsed_seeds, *sizes):
        assert chunks, article.title
        for chunk in chunks:
            assert chunk.text == article.text[chunk.start : chunk.end]
            assert chunk.source == article.source
            assert chunk.article_id == article.id
            assert chunk.title == article.title
            assert chunk.date == (article.date or "")
            total += 1
    assert total > 50


def test_chunks_are_sentence_aligned(parsed_seeds, sizes) -> None:
    for article, chunks in all_chunks(parsed_seeds, *sizes):
        text = article.text
        for chunk in chunks:
            assert ends_sentence(text, chunk.end), f"{chunk.source}: ...{chunk.text[-30:]!r}"
            assert starts_sentence(text, chunk.start), f"{chunk.source}: {chunk.text[:30]!r}..."


def test_chunk_size_bounded(parsed_seeds, sizes) -> None:
    size, _ = sizes
    within = 0
    for _, chunks in all_chunks(parsed_seeds, *sizes):
        for chunk in chunks:
            if len(chunk.text) > size:
                # only allowed when a single sentence is longer than the budget
                assert len(sentence_spans(chunk.text)) == 1, chunk.text[:60]
            else:
                within += 1
    assert within > 0


def test_chunks_cover_every_sentence(parsed_seeds, sizes) -> None:
    for article, chunks in all_chunks(parsed_seeds, *sizes):
        covered = [False] * len(article.text)
        for chunk in chunks:
            for i in range(chunk.start, chunk.end):
                covered[i] = True
        lost = "".join(ch for ch, c in zip(article.text, covered) if not c and not ch.isspace())
        assert lost == "", f"{article.id}: text in no chunk: {lost[:40]!r}"


def test_chunk_overlap_bounded(parsed_seeds) -> None:
    size, overlap = 120, 30
    for _, chunks in all_chunks(parsed_seeds, size, overlap):
        for first, second in zip(chunks, chunks[1:]):
            if first.section == second.section and second.start < first.end:
                assert first.end - second.start <= overlap


def test_chunks_without_overlap_do_not_overlap(parsed_seeds) -> None:
    for _, chunks in all_chunks(parsed_seeds, 150, 0):
        for first, second in zip(chunks, chunks[1:]):
            assert second.start >= first.end


def test_chunk_ids_deterministic(parsed_seeds, sizes) -> None:
    for article, chunks in all_chunks(parsed_seeds, *sizes):
        again = chunk_article(article, *sizes)
        assert [c.id for c in chunks] == [c.id for c in again]
        assert len({c.id for c in chunks}) == len(chunks)
        for chunk in chunks:
            assert chunk.id == chunk_id(article.source, article.title, chunk.text)
            assert re.fullmatch(r"[0-9a-f]{40}", chunk.id)


def test_chunk_id_depends_on_source_title_and_text() -> None:
    base = chunk_id("a.txt", "标题", "正文。")
    assert base == chunk_id("a.txt", "标题", "正文。")
    assert base != chunk_id("b.txt", "标题", "正文。")
    assert base != chunk_id("a.txt", "标题二", "正文。")
    assert base != chunk_id("a.txt", "标题", "正文！")


def test_chunk_record_round_trip(parsed_seeds) -> None:
    article = next(iter(parsed_seeds.values()))[0]
    chunk = chunk_article(article, 400, 80)[0]
    again = Chunk.from_record(chunk.id, chunk.text, chunk.metadata())
    assert again == chunk
    # a field written by a newer version is left out: its index still opens
    assert Chunk.from_record(chunk.id, chunk.text, {**chunk.metadata(), "columnist": "某某"}) == chunk
    assert chunk.title in chunk.search_text and chunk.text in chunk.search_text


def test_chunks_carry_their_articles_kicker_and_deck(parsed_seeds) -> None:
    """"副题以“青岛”打头的有哪几篇": the deck is asked about as the kicker is, so every
    chunk keeps both, and a stored record gives them back."""
    articles = [a for issue in parsed_seeds.values() for a in issue]
    decked = next(a for a in articles if a.subtitle and a.kicker)
    chunk = chunk_article(decked, 400, 80)[0]
    assert (chunk.kicker, chunk.subtitle) == (decked.kicker, decked.subtitle)
    assert Chunk.from_record(chunk.id, chunk.text, chunk.metadata()).subtitle == decked.subtitle
