"""Child process of the concurrency tests: one "terminal" running journal commands in a loop.

Usage: python _cli_loop.py FILE TAG COUNT MODE [SHARED_ENTRY_ID ...]

Each iteration is a full ``journal.cli.main(argv)`` call — a fresh parser, a fresh ``Journal`` that
loads the file — exactly what one ``journal …`` invocation does, minus interpreter start-up. MODE:

* ``add``   — only ``journal add``;
* ``mixed`` — ``journal add``, and every fifth iteration ``journal edit SHARED -c NEW -p 共享项目``
  on one of the shared entries (several processes editing the same documents);
* ``tag``   — only ``journal edit SHARED --tag TAG-i`` on the shared entries.

It prints ``READY``, waits for one byte on stdin (so that all children start together), then one
acknowledgement line per successful command:

    A <entry id> <event>        an entry was added
    L <entry id> <contact>      the entry was linked to the contact named so
    T <entry id> <tag>          the tag was added to the entry

and ``DONE`` at the end. A failed command prints its stderr and exits 3.
"""

from __future__ import annotations

import io
import sys

from journal.cli import main as journal_main


def run(argv: list[str]) -> str:
    out, err = io.StringIO(), io.StringIO()
    code = journal_main(argv, stdout=out, stderr=err)
    if code != 0:
        sys.stderr.write(f"journal {' '.join(argv)} -> {code}\n{err.getvalue()}")
        sys.exit(3)
    return out.getvalue()


def main() -> None:
    path, tag, count, mode, *shared = sys.argv[1:]
    print("READY", flush=True)
    sys.stdin.buffer.read(1)
    for i in range(int(count)):
        if mode == "tag":
            target, new_tag = shared[i % len(shared)], f"{tag}-{i}"
            run(["--file", path, "edit", target, "--tag", new_tag])
            print(f"T {target} {new_tag}", flush=True)
        elif mode == "mixed" and shared and i % 5 == 4:
            target, contact = shared[i % len(shared)], f"{tag} contact {i}"
            run(["--file", path, "edit", target, "-c", contact, "-p", "共享项目"])
            print(f"L {target} {contact}", flush=True)
        else:
            event = f"{tag} entry {i}"
            entry_id = run(["--file", path, "add", event, "-c", "共享联系人", "-o", "共享银行",
                            "--tag", tag, "-s", f"from {tag}\\nline two"]).strip()
            print(f"A {entry_id} {event}", flush=True)
    print("DONE", flush=True)


if __name__ == "__main__":
    main()
