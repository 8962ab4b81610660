"""The order names are listed in: alphabetical for an English reader, by pinyin for a Chinese one.

A Chinese reader looks for 张伟 under Z, as every phone's contact list files him: in Chinese mode
names sort by the tone-less pinyin of each character (a latin name by its letters, among them),
so 安娜, Bob, 陈静, David, 王芳, 张伟 read A–Z. Code-point order, which is what plain text sorting
gives, scatters Chinese names meaninglessly. A character's first reading in pypinyin's table is its
usual one; for the surnames whose usual reading differs as a surname (曾 zeng, 单 shan, 解 xie …)
the first character of a name takes the surname reading.
"""

from __future__ import annotations

from functools import lru_cache

from journal.i18n import chinese
from journal.text import fold

#: Surnames read differently from the character's common reading.
_SURNAMES = {"曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "朴": "piao", "查": "zha",
             "区": "ou", "乐": "yue", "缪": "miao", "覃": "qin", "尉": "yu", "盖": "ge",
             "种": "chong", "翟": "zhai", "牟": "mu", "召": "shao", "晟": "cheng", "黑": "he",
             "长": "zhang", "重": "chong", "都": "du", "万": "wan", "纪": "ji", "燕": "yan"}


@lru_cache(maxsize=65536)
def pinyin_order(name: str) -> tuple[str, ...]:
    """``张伟`` → ``("zhang", "wei")``; latin words stay words (``David 王`` → ``("david",
    "wang")``); other characters as themselves."""
    from journal.names.matching import pinyin_readings  # its table only when names need it

    out: list[str] = []
    word = ""
    for i, ch in enumerate(fold(name)):
        reading = (_SURNAMES.get(ch) if i == 0 else None) or next(iter(pinyin_readings(ch)), "")
        if reading:
            if word:
                out.append(word)
                word = ""
            out.append(reading)
        elif ch.isalnum():
            word += ch
        elif word:
            out.append(word)
            word = ""
    if word:
        out.append(word)
    return tuple(out)


def name_order(name: str) -> tuple[tuple[str, ...], str]:
    """The sort key of a name in the interface language (ties: the folded name itself)."""
    folded = fold(name)
    return (pinyin_order(name) if chinese() else (folded,)), folded
