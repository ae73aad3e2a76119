"""A particle written apart from what it belongs to: "컨피그맵(ConfigMap) 에", "`kubectl` 로".

A particle (조사) or the copula (이다/입니다) attaches to the word before it, also when that word
ends in a closing parenthesis or is code. The space usually comes from a workaround for
emphasis MyST does not close (``**컨피그맵(ConfigMap)**에`` shows its asterisks, so someone
wrote ``**컨피그맵(ConfigMap)** 에``). Kiwi tells the particle from a word that merely looks
like one: in "(선택) 이 단계는" the 이 is a determiner (MM), not the subject particle (JKS).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from prose_blocks import ProseBlock, word_at

# Kiwi's tags of particles (JKS, JKO, JKB, JKG, JX, JC …) and of the copula 이다.
_PARTICLE_PREFIX = "J"
_COPULA = "VCP"
_TRAILING_PUNCTUATION = ".,;:!?)」』”’\"'"


@dataclass(frozen=True)
class ParticleFinding:
    offset: int  # where the closing parenthesis or the code ends
    before: str  # the word the particle belongs to, as written
    particle: str


def particle_findings(block: ProseBlock, tokens: Sequence) -> list[ParticleFinding]:
    """Particles separated by whitespace from a closing parenthesis or from code."""
    found = []
    text, masked = block.text, block.masked
    for token in tokens:
        if not (token.tag.startswith(_PARTICLE_PREFIX) or token.tag == _COPULA):
            continue
        gap_end = token.start
        gap_start = gap_end
        while gap_start > 0 and masked[gap_start - 1].isspace():
            gap_start -= 1
        if gap_start == gap_end or gap_start == 0:
            continue  # attached, or at the start of the block
        if masked[gap_start - 1] != ")" and not block.in_code(gap_start - 1):
            continue
        _, word = word_at(text, token.start)
        particle = word.rstrip(_TRAILING_PUNCTUATION) or word  # 입니다. → 입니다
        found.append(ParticleFinding(gap_start, word_at(text, gap_start)[1], particle))
    return found
