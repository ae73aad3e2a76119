"""Korean full-text search: index noun stems with kiwipiepy, strip particles from queries.

Stock Sphinx indexes "컨테이너는" as one word, so a reader typing "컨테이너" misses it. This
search language indexes, for every word of a page, (1) the nouns and roots Kiwi finds in it
(배포하기 → 배포, 네임스페이스에서 → 네임스페이스) and (2) the word with its particle or
ending stripped by the same rules the browser applies to the query (``search_ko.js``), so a
query and a page always meet on the same stem.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.search import SearchLanguage
from sphinx.util.typing import ExtensionMetadata

# Product names and loanwords Kiwi would otherwise split or mis-tag (네임+스페이스).
USER_NOUNS = (
    "도커", "쿠버네티스", "파드", "레지스트리", "워크로드", "인그레스", "디플로이먼트",
    "컨피그맵", "시크릿", "네임스페이스", "레플리카셋", "스테이트풀셋", "데몬셋", "크론잡",
    "헬름", "로커스트", "미니큐브", "컨테이너", "퍼시스턴트볼륨", "퍼시스턴트볼륨클레임",
    "스토리지클래스", "서비스어카운트", "엔드포인트", "노드포트", "로드밸런서", "게이트웨이",
    "매니페스트", "오토스케일러", "프로브", "사이드카", "컴포즈", "이미지",
    "레이블", "셀렉터", "어노테이션", "볼륨", "클러스터", "롤아웃", "롤백",
)  # fmt: skip

# Particles (josa) and endings (eomi) the query stemmer removes, longest match first. A
# one-syllable ending is removed only from words of three or more syllables, so short nouns
# such as 결과 or 정의 keep their last syllable; longer endings keep at least one syllable.
ENDINGS = (
    # particles
    "이", "가", "을", "를", "은", "는", "에", "의", "와", "과", "도", "만", "로", "으로",
    "에서", "에게", "에는", "에도", "에만", "으로는", "으로도", "로는", "로도", "에서는",
    "에서도", "에서만", "까지", "부터", "까지는", "부터는", "처럼", "보다", "마다", "이나",
    "이라는", "라는", "이란", "란", "이며", "이고", "이다", "입니다", "이에요", "인", "과는",
    "와는", "과의", "와의", "에의", "들", "들이", "들을", "들은", "들의", "들에", "들도",
    "들과", "들로", "들은", "에서의", "으로의", "로의", "까지의", "만의", "께서", "한테",
    # endings of 하다/되다 verbs and adjectives (배포하기 → 배포)
    "하기", "하는", "하다", "하여", "해서", "하고", "하면", "하려면", "하니", "하지", "하게",
    "한", "할", "함", "해", "해야", "했", "했다", "했습니다", "합니다", "합니까", "하세요",
    "하십시오", "하므로", "하면서", "하도록", "하기는", "하기에", "하기로", "하는지", "하려고",
    "한다", "한다면", "할때", "할수", "해도", "해요", "했고", "했으면", "하자", "된", "되는",
    "되면", "되어", "되고", "되지", "됩니다", "됐", "됐다", "돼", "되기", "된다", "되었다",
    "되었습니다", "시킨", "시키는", "시킵니다", "시키기", "적인", "적으로",
)  # fmt: skip

# Words the query skips and the index leaves out: too common to tell pages apart.
STOPWORDS = frozenset({"것", "수", "등", "및", "때", "더", "중", "그", "이", "저", "또는", "또"})

_HANGUL = re.compile(r"^[가-힣]+$")
_HAS_HANGUL = re.compile(r"[가-힣]")
# "kubectl로", "yaml을": an ASCII word with a Korean particle glued to it.
_ASCII_THEN_HANGUL = re.compile(r"^([0-9a-z_]*[a-z][0-9a-z_]*)[가-힣]+$")
_WORD = re.compile(r"\w+")
# Kiwi tags kept as stems: common/proper nouns, numerals, roots (간단하다 → 간단), foreign words.
_STEM_TAGS = frozenset({"NNG", "NNP", "NR", "XR", "SL", "SH"})
_NOUN_TAGS = frozenset({"NNG", "NNP"})

_ENDINGS_LONGEST_FIRST = tuple(sorted(set(ENDINGS), key=lambda e: (-len(e), e)))
JS_TEMPLATE = Path(__file__).with_name("search_ko.js")


def strip_particles(word: str) -> str:
    """The query-side stem of one word; ``search_ko.js`` implements the same rules in JS."""
    lower = word.lower()
    mixed = _ASCII_THEN_HANGUL.match(lower)
    if mixed:
        return mixed.group(1)
    if not _HANGUL.match(lower):
        return lower
    for ending in _ENDINGS_LONGEST_FIRST:
        keep = len(lower) - len(ending)
        if lower.endswith(ending) and keep >= (2 if len(ending) == 1 else 1):
            return lower[:keep]
    return lower


@functools.cache
def kiwi():
    """One Kiwi for the whole process: loading its model takes seconds."""
    from kiwipiepy import Kiwi

    analyzer = Kiwi()
    for noun in USER_NOUNS:
        analyzer.add_user_word(noun, "NNP", 0.0)
    return analyzer


def kiwi_stems(text: str) -> list[str]:
    """Nouns and roots of ``text``; adjacent nouns are also indexed joined (네임 스페이스)."""
    stems: list[str] = []
    previous_end, run = -1, []
    for token in kiwi().tokenize(text):
        if token.tag not in _STEM_TAGS:
            previous_end, run = -1, []
            continue
        form = token.form.lower()
        stems.append(form)
        if token.tag in _NOUN_TAGS and token.start == previous_end and run:
            run.append(form)
            stems.append("".join(run))
        else:
            run = [form] if token.tag in _NOUN_TAGS else []
        previous_end = token.start + token.len
    return stems + [prefix for stem in stems for prefix in noun_prefixes(stem)]


def noun_prefixes(noun: str) -> list[str]:
    """Prefixes of a long Korean noun, so 데이터 finds 데이터베이스 and 서비스 finds 서비스어카운트.

    searchtools.js matches longer terms only when the query word is not itself a term, and
    never for two-syllable words (도커 → 도커파일), so compounds are indexed by their prefixes.
    """
    if len(noun) < 3 or not _HANGUL.match(noun):
        return []
    return [noun[:size] for size in range(2, len(noun))]


class SearchKorean(SearchLanguage):
    lang = "ko"
    language_name = "Korean"
    stopwords = STOPWORDS

    @property
    def js_stemmer_code(self) -> str:  # type: ignore[override]
        return JS_TEMPLATE.read_text(encoding="utf-8").replace(
            "/*ENDINGS*/[]", json.dumps(list(_ENDINGS_LONGEST_FIRST), ensure_ascii=False)
        )

    def split(self, input: str) -> list[str]:
        words = _WORD.findall(input)
        terms = [strip_particles(word) for word in words]
        if _HAS_HANGUL.search(input):
            terms.extend(kiwi_stems(input))
        return terms

    def stem(self, word: str) -> str:
        # split() already returns stems; stemming them again must not change them.
        return word.lower()

    def word_filter(self, word: str) -> bool:
        if word.isdigit() or word in self.stopwords:
            return False
        return bool(_HAS_HANGUL.search(word)) or len(word) > 1


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_search_language(SearchKorean)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
