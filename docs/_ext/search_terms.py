"""Terms of Korean and English text for the site's search, with the rules the query side shares.

The index side (this module, at build time) has Kiwi; the browser has only rules and the
vocabulary. So every word of a page is indexed under (1) its surface with the particle or
ending stripped by ``strip_ending`` and (2) the nouns, roots and verb stems Kiwi finds in it
(배포하기 → 배포, 지웁니다 → 지우). The browser strips a query word only down to a stem the
vocabulary has (search_ko.js), so a reader's word and a page's word meet on one term. Words of
one alias group (search_aliases.yaml: 헬름/helm, pvc/퍼시스턴트볼륨클레임) become the group's first
word on both sides, and a phrase (롤링 업데이트) adds its joined term wherever its words follow
one another.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

ALIASES = Path(__file__).with_name("search_aliases.yaml")

# Particles (josa) and endings (eomi) after a noun or a verb stem, in the form they are typed.
# The index strips the longest one (a one-syllable one only from words of 3+ syllables, so
# 결과 and 정의 stay whole); the browser strips any of them, but only down to a known stem.
PARTICLES = (
    "이", "가", "을", "를", "은", "는", "에", "의", "와", "과", "도", "만", "로", "으로", "나",
    "이나", "랑", "이랑", "에서", "에게", "한테", "께서", "에는", "에도", "에만", "으로는",
    "으로도", "로는", "로도", "에서는", "에서도", "에서만", "에서의", "까지", "부터", "까지는",
    "부터는", "까지의", "처럼", "보다", "마다", "라는", "이라는", "이란", "란", "이며", "이고",
    "이다", "입니다", "이에요", "예요", "인", "인가요", "인지", "과는", "와는", "과의", "와의",
    "에의", "으로의", "로의", "만의", "으로서", "로서", "으로써", "로써", "끼리", "별", "별로",
    "별로는", "마저", "조차", "이라도", "라도", "이요", "요", "들", "들이", "들을", "들은",
    "들의", "들에", "들도", "들과", "들로", "들에서", "들끼리",
)  # fmt: skip
VERB_ENDINGS = (
    # 하다/되다/시키다 verbs: 배포하기 → 배포, 재시작될 → 재시작
    "하기", "하는", "하다", "하여", "해서", "하고", "하면", "하려면", "하니", "하지", "하게",
    "한", "할", "함", "해", "해야", "했", "했다", "했습니다", "합니다", "합니까", "하세요",
    "하십시오", "하므로", "하면서", "하도록", "하기는", "하기에", "하기로", "하는지", "하려고",
    "한다", "한다면", "할때", "할수", "해도", "해요", "했고", "했으면", "하자", "하나요",
    "하는법", "하는데", "하죠", "한가요", "할까요", "해야", "해야하나요",
    "된", "되는", "되면", "되어", "되고", "되지", "됩니다", "됐", "됐다", "돼", "돼요", "되기",
    "된다", "되었다", "되었습니다", "될", "될때", "되게", "되나요", "되는지", "되도록",
    "시킨", "시키는", "시킵니다", "시키기", "시키려면", "적인", "적으로",
    # endings right after a verb stem: 지우기 → 지우, 보는 → 보, 받으려면 → 받
    "기", "는", "고", "면", "으면", "려면", "으려면", "게", "지", "도록", "어", "아", "어서",
    "아서", "어도", "아도", "어요", "아요", "었", "았", "세요", "으세요", "습니다", "는법",
    "나요", "는지", "을때", "ㄹ때", "는데", "던", "기는", "기에", "는게",
)  # fmt: skip
ENDINGS = tuple(sorted(set(PARTICLES + VERB_ENDINGS), key=lambda e: (-len(e), e)))
# The index strips particles and the endings of 하다/되다 verbs from a page's words; a plain
# verb's stem comes from Kiwi (지웁니다 → 지우), and stripping 지 or 기 off a noun would turn
# 스토리지 into 스토리.
INDEX_ENDINGS = tuple(e for e in ENDINGS if e in PARTICLES or e[0] in "하해했한할함되된될됐돼시적")

# Words the index leaves out: too common to tell pages apart.
STOPWORDS = frozenset(
    {
        "것", "수", "등", "및", "때", "더", "중", "그", "이", "저", "또는", "또",
        # verbs that carry grammar, not a topic (있다, 없다, 않다, 하다, 되다, 같다 …)
        "있", "없", "않", "하", "되", "같", "위하", "통하", "대하", "보이", "이러", "그러",
        "어떻", "이렇", "그렇", "말", "못",
    }
)  # fmt: skip
# Words of a question that say nothing about the topic; the browser skips them in a query.
QUERY_STOPWORDS = STOPWORDS | frozenset(
    {
        "방법", "법", "어떻게", "무엇", "뭐", "뭔가요", "무엇인가요", "왜", "하나요", "좀",
        "정말", "안", "잘", "뜻", "의미", "설명", "사용법", "작성법", "추천", "알려", "알려줘",
        "알려주세요", "어디", "언제", "경우", "관련", "대해", "대한", "하는", "하기", "해요",
        "돼요", "나와요", "있나요", "없나요", "인가요", "되나요", "다른", "쓰는", "하려면",
        "차이", "차이점", "하나", "두", "세", "개", "한", "번",
        "what", "how", "why", "the", "to", "a", "an", "in", "of", "is",
    }
)  # fmt: skip

_HANGUL_WORD = re.compile(r"^[가-힣]+$")
_ENDING_SET = frozenset(ENDINGS)
# A piece of text that is one word: a run of Hangul, or a run of Latin letters and digits
# joined by . _ - (metrics-server, app.kubernetes.io, v1.33).
PIECE = re.compile(r"[가-힣]+|[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*")
_ASCII_PART = re.compile(r"[A-Za-z0-9]+")
# Kiwi tags of the parts of a noun (재+시작, 헬스+체크, 데이터+베이스 -s).
_NOUN_PARTS = frozenset({"NNG", "NNP", "NNB", "NR", "XR", "XPN", "XSN", "SL", "SH", "SN"})
# Kiwi tags kept as terms: nouns, roots (간단하다 → 간단), verb and adjective stems.
_KIWI_TAGS = frozenset({"NNG", "NNP", "XR", "VV", "VA"})
# Product names and loanwords Kiwi would otherwise split or mis-tag (네임+스페이스).
USER_NOUNS = (
    "도커", "쿠버네티스", "파드", "레지스트리", "워크로드", "인그레스", "디플로이먼트",
    "컨피그맵", "시크릿", "네임스페이스", "레플리카셋", "스테이트풀셋", "데몬셋", "크론잡",
    "컨테이너", "퍼시스턴트볼륨", "퍼시스턴트볼륨클레임", "스토리지클래스", "서비스어카운트",
    "엔드포인트슬라이스", "네트워크폴리시", "리소스쿼터", "리밋레인지", "게이트웨이",
    "매니페스트", "프로브", "사이드카", "이미지", "레이블", "셀렉터", "어노테이션", "볼륨",
    "클러스터", "롤아웃", "롤백", "오토스케일링", "다이제스트", "스토리지", "레이어",
    "오버레이", "디렉터리", "스케줄러", "컨트롤러", "플러그인", "트래픽", "엔드포인트",
    "프로메테우스", "어드미션", "시큐리티", "업데이트", "리비전", "레플리카", "사이드카",
)  # fmt: skip


def strip_ending(word: str) -> str:
    """The index's stem of one Hangul word: its longest particle or 하다-verb ending removed."""
    for ending in INDEX_ENDINGS:
        keep = len(word) - len(ending)
        if word.endswith(ending) and keep >= (2 if len(ending) == 1 else 1):
            return word[:keep]
    return word


def ascii_terms(piece: str) -> list[str]:
    """metrics-server → metrics, server, metricsserver; v1.33, 512Mi, 10s → v1 (a word that
    starts with a digit is a number, a size or a hash: nothing a reader looks for)."""
    parts = [p.lower() for p in _ASCII_PART.findall(piece)]
    terms = [p for p in parts if len(p) > 1 and not p[0].isdigit()]
    if "-" in piece and len(parts) > 1:
        terms.append("".join(parts))
    return terms


@dataclass(frozen=True)
class Aliases:
    canonical: dict[str, str]  # word → its group's first word
    phrases: tuple[tuple[str, tuple[str, ...]], ...]  # (term, its words), longest first

    def term(self, word: str) -> str:
        return self.canonical.get(word, word)


class AliasError(ValueError):
    """search_aliases.yaml is not what the search can use; the message names the file and entry."""


@functools.cache
def aliases(path: Path = ALIASES) -> Aliases:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise AliasError(f"{path}: cannot read the aliases: {error}") from None
    if not isinstance(data, dict) or not all(
        isinstance(data.get(k), list) for k in ("groups", "phrases")
    ):
        raise AliasError(f"{path}: expected a mapping with `groups:` and `phrases:` lists")
    canonical: dict[str, str] = {}
    for number, group in enumerate(data["groups"], 1):
        if not _words(group, 2) or any(" " in w or w != w.lower() for w in group):
            raise AliasError(
                f"{path}: group {number} {group!r}: expected two or more lower-case words"
                " without spaces"
            )
        for word in group:
            if canonical.get(word, group[0]) != group[0]:
                raise AliasError(
                    f"{path}: {word!r} is in two groups ({canonical[word]!r}, {group[0]!r})"
                )
            canonical[word] = group[0]
    phrases = []
    for number, entry in enumerate(data["phrases"], 1):
        if not _words(entry, 2) or " " in entry[0] or any(len(w.split()) < 2 for w in entry[1:]):
            raise AliasError(
                f"{path}: phrase {number} {entry!r}: expected a term, then each way to write"
                " it in two or more words"
            )
        term = canonical.get(entry[0], entry[0])
        for written in entry[1:]:
            words = tuple(written.lower().split())
            phrases.append((term, words))
            canonical.setdefault("".join(words), term)  # 헬스체크 typed together
    phrases.sort(key=lambda p: -len(p[1]))
    return Aliases(canonical, tuple(phrases))


def _words(entry: object, least: int) -> bool:
    return (
        isinstance(entry, list)
        and len(entry) >= least
        and all(isinstance(w, str) and w for w in entry)
    )


def forms(word: str) -> set[str]:
    """What a word may stand for in a phrase: itself, or itself without a particle or ending."""
    if not _HANGUL_WORD.match(word):
        return {word.lower()}
    return {
        word[:cut]
        for cut in range(len(word), 0, -1)
        if cut == len(word) or word[cut:] in _ENDING_SET
    }


@functools.cache
def kiwi():
    """One Kiwi for the whole process: loading its model takes seconds."""
    from kiwipiepy import Kiwi

    analyzer = Kiwi()
    for noun in USER_NOUNS:
        analyzer.add_user_word(noun, "NNP", 0.0)
    return analyzer


@dataclass(frozen=True)
class Piece:
    start: int
    end: int
    text: str


def pieces(text: str) -> list[Piece]:
    """The words of ``text``; a particle glued to a Latin word (kubectl로) is no word of its own."""
    found: list[Piece] = []
    for match in PIECE.finditer(text):
        word = match.group()
        after_latin = (
            found and found[-1].end == match.start() and not _HANGUL_WORD.match(found[-1].text)
        )
        if after_latin and _HANGUL_WORD.match(word) and word in ENDINGS:
            continue
        found.append(Piece(match.start(), match.end(), word))
    return found


def word_terms(text: str, table: Aliases | None = None) -> Iterator[list[str]]:
    """For each word of ``text``, its terms (canonical, without repeats), in text order."""
    table = table or aliases()
    words = pieces(text)
    tokens: dict[int, list] = {}
    if any(_HANGUL_WORD.match(w.text) for w in words):
        starts = [w.start for w in words]
        for token in kiwi().tokenize(text):
            index = _word_at(starts, token.start)
            if index is not None and token.start < words[index].end:
                tokens.setdefault(index, []).append(token)
    word_forms = [forms(w.text) for w in words]
    # a phrase's words follow one another with nothing but space between them
    spaced = [i > 0 and not text[words[i - 1].end : w.start].strip() for i, w in enumerate(words)]
    for index, word in enumerate(words):
        if _HANGUL_WORD.match(word.text):
            raw = _hangul_terms(word, tokens.get(index, []))
        else:
            raw = ascii_terms(word.text)
        raw += [term for term, _length in _phrases_ending_at(word_forms, spaced, index, table)]
        terms = [table.term(t) for t in raw if t and t not in STOPWORDS]
        yield list(dict.fromkeys(terms))


def _hangul_terms(word: Piece, tokens: list) -> list[str]:
    """Kiwi's stems of the word, and the word without its particle or 하다 ending if Kiwi reads
    what is left as nouns only (재시작, 헬스체크, 스토리지): an inflected verb (지우기, 보는) is
    left to Kiwi's stem (지우, 보), which is what a reader's word is stripped down to.
    """
    stems = [_kiwi_stem(t) for t in tokens if t.tag in _KIWI_TAGS and _HANGUL_WORD.match(t.form)]
    surface = strip_ending(word.text)
    inside = [t for t in tokens if t.start < word.start + len(surface)]
    if all(t.tag in _NOUN_PARTS for t in inside):
        return [surface, *stems]
    return stems


def _kiwi_stem(token) -> str:
    """Kiwi's form, except that a guessed proper noun keeps no particle (하나에/NNP → 하나)."""
    if token.tag == "NNP" and token.form not in USER_NOUNS:
        return strip_ending(token.form)
    return token.form


def _word_at(starts: list[int], offset: int) -> int | None:
    import bisect

    index = bisect.bisect_right(starts, offset) - 1
    return index if index >= 0 else None


def _phrases_ending_at(
    word_forms: list[set[str]], spaced: list[bool], index: int, table: Aliases
) -> Iterable[tuple[str, int]]:
    for term, words in table.phrases:
        start = index - len(words) + 1
        if start < 0 or not all(spaced[start + 1 : index + 1]):
            continue
        if all(w in word_forms[start + k] for k, w in enumerate(words)):
            yield term, len(words)
