"""Finding contacts, projects and organisations by what people type.

One matching rule for every surface (:mod:`.matching`: ids, exact names and labels, prefixes,
parts, pinyin and initials); resolving the names given with an entry inside a change
(:mod:`.resolve`); and the precomputed name lists the UI filters on every keystroke
(:mod:`.catalog`).
"""
