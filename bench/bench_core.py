"""Core benchmark: import an N-entry CSV, then time `journal add` and `journal list --contact X`
as whole processes, next to jrnl doing the same on the same entries.

    .venv/bin/python bench/bench_core.py [--sizes 25000:2500,100000:10000] [--runs 7]
                                         [--jrnl PATH] [--jrnl-runs 3] [--jrnl-max 25000]
                                         [--file JOURNAL.json]

``--sizes`` takes entries:contacts pairs (default: 25k with 2.5k contacts and 100k with 10k).
``--file`` also times add/list on a copy of an existing journal (e.g. bench/out/tui-100000-10000.json
from tests/corpus.py), on its busiest contact whose name is unique. jrnl is optional (`pip install
jrnl` into any venv and pass --jrnl path/to/jrnl, or have it on PATH); it takes tens of seconds per
command at 25k and more than 20 minutes for one `jrnl` add at 100k here, hence its own --jrnl-runs
and --jrnl-max (the largest journal it is run on). Rows are printed to stderr as they are measured;
the Markdown table at the end gives the load average seen (other work on the machine skews wall
times: compare medians taken at similar load).
Targets (issue 2, DESIGN.md): add < 0.5 s and list < 0.5 s at 25k and at 100k, import of 25k < 15 s.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
ENGLISH = ["James", "Mary", "Robert", "Linda", "David", "Susan", "Michael", "Karen", "Wei",
           "Olivia", "Noah", "Emma", "Liam", "Ava", "Lucas", "Mia"]
LAST = ["Smith", "Chen", "Wong", "Brown", "Lee", "Taylor", "Martin", "Walker", "Young", "King"]
ORG_STEMS = ["工商银行", "建设银行", "招商银行", "华为", "ACME", "Globex", "Initech", "平安保险",
             "Umbrella", "中信证券", "Stark", "Wayne", "万科", "比亚迪", "Hooli", "Soylent"]
EVENTS = ["拜访客户", "电话回访", "Client visit", "Call", "Meeting", "项目例会", "Lunch with",
          "Credit review", "提交材料", "签约", "Follow-up call", "培训"]
SUMMARY = ["讨论贷款续期，客户希望下周提交材料。", "Discussed the renewal terms; they want a lower rate.",
           "Reviewed Q4 pipeline and next steps.", "客户对理财产品感兴趣，约定下次详谈。",
           "Sent the proposal, waiting for sign-off.", "介绍了新的信用卡权益 and the mobile app."]


def build_csv(path: Path, n_entries: int, n_contacts: int, seed: int = 7) -> str:
    """Write the corpus; return the name of a busy contact to query."""
    rng = random.Random(seed)
    orgs = [f"{rng.choice(ORG_STEMS)}{i}" for i in range(max(10, n_contacts // 8))]
    contacts = []
    for i in range(n_contacts):
        if i % 2:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if i % 3 else "")
        else:
            name = f"{rng.choice(ENGLISH)} {rng.choice(LAST)}"
        contacts.append(f"{name} ({rng.choice(orgs)})")
    contacts = sorted(set(contacts))
    projects = [f"{rng.choice(['贷款', 'Loan', '理财', 'Renewal', 'Onboarding'])}-{i}"
                for i in range(n_contacts // 5)]
    start = date(2017, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["date", "time", "event", "summary", "projects", "contacts",
                         "organisations"])
        for i in range(n_entries):
            day = start + timedelta(days=i * 3650 // n_entries)
            who = rng.sample(contacts, rng.choice((1, 1, 2)))
            writer.writerow([day.isoformat(), f"{rng.randrange(8, 19):02d}:{rng.choice(('00', '30'))}",
                             f"{rng.choice(EVENTS)} #{i}", rng.choice(SUMMARY),
                             rng.choice(projects) if i % 3 == 0 else "", ";".join(who), ""])
    return contacts[0]


def build_jrnl(csv_path: Path, home: Path) -> Path:
    """The same entries as a jrnl text journal (contacts as @tags, which is how jrnl users do it)."""
    journal_txt = home / "journal.txt"
    with csv_path.open(encoding="utf-8") as src, journal_txt.open("w", encoding="utf-8") as out:
        for row in csv.DictReader(src):
            tags = " ".join("@" + c.split(" (")[0].replace(" ", "_") for c in row["contacts"].split(";"))
            out.write(f"[{row['date']} {row['time']}] {row['event']}. {row['summary']} {tags}\n\n")
    config = home / ".config" / "jrnl"
    config.mkdir(parents=True)
    (config / "jrnl.yaml").write_text(
        "colors: {body: none, date: none, tags: none, title: none}\ndefault_hour: 9\n"
        "default_minute: 0\neditor: ''\nencrypt: false\nhighlight: false\nindent_character: '|'\n"
        f"journals:\n  default:\n    journal: {journal_txt}\nlinewrap: 79\ntagsymbols: '#@'\n"
        "template: false\ntimeformat: '%Y-%m-%d %H:%M'\nversion: v4.6\n", encoding="utf-8")
    return journal_txt


def timed(cmd: list[str], env: dict[str, str], runs: int) -> float:
    """Median wall time of ``runs`` runs of a whole process (after one untimed warm-up run, so the
    page cache holds the file as it would for someone using the journal all day)."""
    times = []
    for i in range(runs + 1):
        t0 = time.perf_counter()
        result = subprocess.run(cmd, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if i:
            times.append(time.perf_counter() - t0)
        if result.returncode != 0:
            raise SystemExit(f"{cmd[:3]} failed: {result.stderr.strip()[:300]}")
    return statistics.median(times)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


JOURNAL = [sys.executable, "-m", "journal"]


def bench_size(n_entries: int, n_contacts: int, args: argparse.Namespace) -> list[tuple[str, ...]]:
    """Import a generated corpus, time add/list on it (and jrnl on the same entries)."""
    work = Path(tempfile.mkdtemp(prefix="journal-bench-"))
    try:
        csv_path = work / "corpus.csv"
        contact = build_csv(csv_path, n_entries, n_contacts)
        data = work / "journal.json"
        env = {**os.environ, "JOURNAL_FILE": str(data)}
        t0 = time.perf_counter()
        subprocess.run([*JOURNAL, "import", str(csv_path)], env=env, check=True, capture_output=True)
        import_s = time.perf_counter() - t0
        size = f"{n_entries // 1000}k ({data.stat().st_size / 2**20:.1f} MB)"
        add_s = timed([*JOURNAL, "add", "Bench visit", "-c", contact, "-s", "测试 summary"], env,
                      args.runs)
        list_s = timed([*JOURNAL, "list", "--contact", contact], env, args.runs)
        print(f"{size}: import {import_s:.1f} s, add {add_s:.3f} s, list {list_s:.3f} s",
              file=sys.stderr, flush=True)
        jrnl_add = jrnl_list = "n/a"
        if args.jrnl and n_entries <= args.jrnl_max:
            home = work / "home"
            home.mkdir()
            build_jrnl(csv_path, home)
            jenv = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
            tag = "@" + contact.split(" (")[0].replace(" ", "_")
            jrnl_add = f"{timed([args.jrnl, 'Bench visit. 测试 summary ' + tag], jenv, args.jrnl_runs):.2f} s"
            jrnl_list = f"{timed([args.jrnl, tag], jenv, args.jrnl_runs):.2f} s"
            print(f"{size}: jrnl add {jrnl_add}, list {jrnl_list}", file=sys.stderr, flush=True)
        return [(size, f"import {n_entries // 1000}k-row CSV", f"{import_s:.1f} s", "–"),
                (size, "`add` one entry", f"{add_s:.3f} s", jrnl_add),
                (size, "`list --contact X`", f"{list_s:.3f} s", jrnl_list)]
    finally:
        shutil.rmtree(work, ignore_errors=True)


def bench_file(source: Path, args: argparse.Namespace) -> list[tuple[str, ...]]:
    """add/list on a copy of an existing journal, for its busiest contact with a unique name."""
    import orjson

    from journal.text import fold

    work = Path(tempfile.mkdtemp(prefix="journal-bench-"))
    try:
        data = work / "journal.json"
        shutil.copyfile(source, data)
        tables = orjson.loads(data.read_bytes())
        names = Counter(fold(d["name"]) for d in tables.get("contacts", {}).values())
        links = Counter(i for e in tables.get("entries", {}).values() for i in e.get("contact_ids", ()))
        contact = next(tables["contacts"][i]["name"] for i, _ in links.most_common()
                       if names[fold(tables["contacts"][i]["name"])] == 1)
        size = f"{len(tables['entries']) // 1000}k ({data.stat().st_size / 2**20:.1f} MB, {source.name})"
        del tables
        env = {**os.environ, "JOURNAL_FILE": str(data)}
        subprocess.run([*JOURNAL, "doctor"], env=env, capture_output=True)  # full check, as a first use
        add_s = timed([*JOURNAL, "add", "Bench visit", "-c", contact], env, args.runs)
        list_s = timed([*JOURNAL, "list", "--contact", contact], env, args.runs)
        return [(size, "`add` one entry", f"{add_s:.3f} s", "n/a"),
                (size, "`list --contact X`", f"{list_s:.3f} s", "n/a")]
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="25000:2500,100000:10000",
                        help="entries:contacts pairs, comma-separated")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--jrnl", default=shutil.which("jrnl"))
    parser.add_argument("--jrnl-runs", type=int, default=3)
    parser.add_argument("--jrnl-max", type=int, default=25_000,
                        help="run jrnl only on journals up to this many entries")
    parser.add_argument("--file", type=Path, help="also time add/list on a copy of this journal")
    args = parser.parse_args()
    before = load()
    rows: list[tuple[str, ...]] = []
    for pair in args.sizes.split(","):
        entries, _, contacts = pair.partition(":")
        rows += bench_size(int(entries), int(contacts or int(entries) // 10), args)
    if args.file:
        rows += bench_file(args.file, args)
    bytecode = "off (PYTHONDONTWRITEBYTECODE)" if sys.flags.dont_write_bytecode else "on"
    print(f"median of {args.runs} runs (jrnl: {args.jrnl_runs}) after a warm-up run, whole processes; "
          f"load average {before} before, {load()} after; {os.cpu_count()} CPUs; "
          f"Python bytecode cache {bytecode}\n")
    print("| journal size | operation | journal | jrnl |\n|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
