"""Child process of the sync torture run: one "terminal" writing to a journal until told to stop.

Usage: python _sync_writer.py FILE TAG MODE STOP_FILE [SHARED_ENTRY_ID ...]

Each write is a full ``journal.cli.main(argv)`` call (a fresh parser and a fresh load of the file,
as one ``journal …`` command), a short random pause between writes. MODE:

* ``add`` — ``journal add``;
* ``tag`` — ``journal edit SHARED --tag TAG-i`` on the shared entries (present in every clone, so
  that both sides of a merge edit the same documents).

One acknowledgement per write that returned, printed only after it returned (and so, by the
storage contract, is on disk):

    A <entry id> <event>        an entry was added
    T <entry id> <tag>          the tag was added to the entry

It stops when STOP_FILE exists and prints ``DONE``. A failed command prints its stderr and exits 3.
"""

from __future__ import annotations

import io
import os
import random
import sys
import time

from journal.cli import main as journal_main


def run(argv: list[str]) -> str:
    out, err = io.StringIO(), io.StringIO()
    code = journal_main(argv, stdout=out, stderr=err)
    if code != 0:
        sys.stderr.write(f"journal {' '.join(argv)} -> {code}\n{err.getvalue()}")
        sys.exit(3)
    return out.getvalue()


def main() -> None:
    path, tag, mode, stop, *shared = sys.argv[1:]
    rng = random.Random(tag)
    i = 0
    while not os.path.exists(stop):
        if mode == "tag":
            target, new_tag = shared[i % len(shared)], f"{tag}-{i}"
            run(["--file", path, "edit", target, "--tag", new_tag])
            print(f"T {target} {new_tag}", flush=True)
        else:
            event = f"{tag} entry {i}"
            entry_id = run(["--file", path, "add", event, "--date", "2026-11-23", "--tag", tag,
                            "-s", f"written by {tag}, 第 {i} 条"]).strip()
            print(f"A {entry_id} {event}", flush=True)
        i += 1
        time.sleep(rng.uniform(0.05, 0.25))
    print("DONE", flush=True)


if __name__ == "__main__":
    main()
