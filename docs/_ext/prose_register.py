"""Register: the handbook's prose is 합니다체 (-ㅂ니다/-습니다, questions -ㅂ니까/-습니까).

Sentence endings are found by Kiwi (kiwipiepy, the morphological analyzer the search index
already uses), not by matching syllables: a word-level match cannot tell the ending 요 of
해요 from the last syllable of 필요, 중요, 주요 or 개요, while Kiwi tags those as nouns and
-어요 as a final ending (EF). These final endings are findings:

- 해요체: -어요/-아요, -세요, -나요, -ㄹ까요, -죠, and 요 after an ending (-고요, -는데요);
- 하십시오체 imperatives and propositives (-십시오, -시오, -ㅂ시다): instructions on these
  pages are plain 합니다 statements ("…로 이동합니다", "…하면 됩니다"), as most pages give them
  and as kubernetes.io/ko turns imperatives into statements (GLOSSARY.md, style rule 2);
- 한다체 (-다, -ㄴ다, -자, -라, -냐 …), e.g. a sentence carried over from kubernetes.io/ko,
  which writes 한다체.

Words inside quotation marks or a block quote are someone else's ("제 PC에서는 잘 되는데요"),
not the page's: they are skipped, as is code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from prose_blocks import ProseBlock, word_at

HAPNIDA = ("ᆸ니다", "습니다", "ᆸ니까", "습니까")  # Kiwi's forms of the 합니다체 final endings
# 한다체 statements, propositives, imperatives and questions: -다/-ㄴ다, -자, -라, -냐/-니,
# -ㄴ가/-는가, -나. Other final endings Kiwi reports (-어, -지, -음 …) are left alone: in a
# heading or a table cell they are its guesses for a noun phrase ("기여 안내" as 안 내-어,
# "스토리지" as 스토리+이-지, "있음"), and the nominal -음 of a table cell is no sentence.
HANDA = ("다", "자", "라", "냐", "니", "가", "나")
_QUOTES = re.compile(r'"[^"]*"|“[^”]*”|‘[^’]*’|「[^」]*」|『[^』]*』')


@dataclass(frozen=True)
class RegisterFinding:
    offset: int  # where the word with the ending starts in the block's text
    word: str  # the word (eojeol) as written
    kind: str  # "해요체" | "하십시오체" | "한다체"
    advice: str


def quoted_spans(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in _QUOTES.finditer(text)]


def register_of(form: str, tag: str, previous_tag: str) -> str | None:
    """The register a final-ending morpheme marks, or None for 합니다체 and non-endings.

    Kiwi sometimes tags a sentence's last ending as connective (EC) before a closing
    parenthesis ("다시 `git add` 하십시오)"); the forms below end nothing but a sentence.
    """
    if tag == "JX" and form == "요" and previous_tag.startswith("E"):
        return "해요체"  # the polite 요 after an ending: 하고요, 되는데요
    if tag not in ("EF", "EC") or form.endswith(HAPNIDA):
        return None
    if form.endswith("요") or (tag == "EF" and form == "죠"):
        return "해요체"
    if form.endswith(("시오", "ᆸ시다", "읍시다", "십시요")) or (
        tag == "EF" and form == "오" and previous_tag == "EP"
    ):
        return "하십시오체"
    return "한다체" if tag == "EF" and form.endswith(HANDA) else None


ADVICE = {
    "해요체": "pages are written in 합니다체: end with -ㅂ니다/-습니다 (a question with -ㅂ니까?)",
    "하십시오체": (
        "instructions here are plain 합니다 statements, not -십시오 imperatives "
        "(e.g. '…로 이동합니다', '…하면 됩니다')"
    ),
    "한다체": (
        "pages are written in 합니다체: end with -ㅂ니다/-습니다; put someone else's words "
        'in quotation marks ("…")'
    ),
}
HEADING_ADVICE = "; a heading can also be a noun phrase (e.g. 'HPA의 동작 방식')"


def register_findings(block: ProseBlock, tokens: Sequence) -> list[RegisterFinding]:
    """Non-합니다체 endings of a block, from Kiwi's tokens of ``block.masked``."""
    if block.quoted:
        return []  # a block quote (">") holds someone else's words, in their register
    quotes = quoted_spans(block.masked)
    found: dict[int, RegisterFinding] = {}
    previous_tag = ""
    for token in tokens:
        kind = register_of(token.form, token.tag, previous_tag)
        previous_tag = token.tag
        if kind is None:
            continue
        if any(start <= token.start < end for start, end in quotes):
            continue
        start, word = word_at(block.text, token.start)
        advice = ADVICE[kind] + (HEADING_ADVICE if block.heading else "")
        # 하나요 is 하+나(EF)+요: the 요 after the ending decides the word's register
        if start not in found or kind == "해요체":
            found[start] = RegisterFinding(start, word, kind, advice)
    return list(found.values())
