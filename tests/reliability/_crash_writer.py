"""Child process of the crash test: writes through the service in a loop until it is SIGKILLed.

Usage: python _crash_writer.py FILE TAG

After each change has returned (and so, by the storage contract, is durable) it acknowledges it on
stdout, one line per change, flushed:

    A <entry id> <event>          an entry was added
    E <entry id> <version>        the entry's summary was set to "version <version>"

The parent kills this process at random moments and then checks that every acknowledged change is in
the file, and that the file is valid.
"""

from __future__ import annotations

import sys

from journal.service import Journal, LinkRequest


def main() -> None:
    path, tag = sys.argv[1], sys.argv[2]
    journal = Journal(path)
    out = sys.stdout
    n = 0
    edited: str | None = None
    while True:
        n += 1
        if edited is not None and n % 4 == 0:
            journal.edit_entry(edited, {"summary": f"version {n}"})
            out.write(f"E {edited} {n}\n")
        else:
            links = LinkRequest(contacts=[f"崩溃 {n % 7}"]) if n % 3 == 0 else None
            entry, _ = journal.add_entry(event=f"{tag} {n}", date="2026-11-23",
                                         summary=f"第 {n} 条\nline two", tags=[tag], links=links)
            out.write(f"A {entry.id} {entry.event}\n")
            edited = edited or entry.id
        out.flush()


if __name__ == "__main__":
    main()
