"""Core benchmark: import a 25k-entry CSV, then time `journal add` and `journal list --contact X`
as whole processes, next to jrnl doing the same on the same entries.

    .venv/bin/python bench/bench_core.py [--entries 25000] [--contacts 2500] [--jrnl PATH]

jrnl is optional (`pip install jrnl` into any venv and pass --jrnl path/to/jrnl, or have it on
PATH). Prints a Markdown table. Targets (issue 2): add < 0.5 s, list < 0.5 s, import < 15 s.
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
    """Median wall time of ``runs`` runs of a whole process."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = subprocess.run(cmd, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
        if result.returncode != 0:
            raise SystemExit(f"{cmd[:3]} failed: {result.stderr.strip()[:300]}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=25_000)
    parser.add_argument("--contacts", type=int, default=2_500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jrnl", default=shutil.which("jrnl"))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="journal-bench-"))
    csv_path = work / "corpus.csv"
    contact = build_csv(csv_path, args.entries, args.contacts)
    data = work / "journal.json"
    env = {**os.environ, "JOURNAL_FILE": str(data)}
    journal = [sys.executable, "-m", "journal"]
    t0 = time.perf_counter()
    subprocess.run([*journal, "import", str(csv_path)], env=env, check=True, capture_output=True)
    import_s = time.perf_counter() - t0
    size_mb = data.stat().st_size / 2**20
    add_s = timed([*journal, "add", "Bench visit", "-c", contact, "-s", "测试 summary"], env, args.runs)
    list_s = timed([*journal, "list", "--contact", contact], env, args.runs)
    rows = [("import 25k-row CSV", f"{import_s:.2f} s", "–"),
            ("`add` one entry", f"{add_s:.3f} s", ""), ("`list --contact X`", f"{list_s:.3f} s", "")]
    if args.jrnl:
        home = work / "home"
        home.mkdir()
        build_jrnl(csv_path, home)
        jenv = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
        tag = "@" + contact.split(" (")[0].replace(" ", "_")
        jrnl_add = timed([args.jrnl, "Bench visit. 测试 summary " + tag], jenv, args.runs)
        jrnl_list = timed([args.jrnl, tag], jenv, args.runs)
        rows[1] = (rows[1][0], rows[1][1], f"{jrnl_add:.3f} s")
        rows[2] = (rows[2][0], rows[2][1], f"{jrnl_list:.3f} s")
    print(f"{args.entries} entries, {args.contacts} contacts, file {size_mb:.1f} MB, "
          f"median of {args.runs} runs, whole processes\n")
    print("| operation | journal | jrnl |\n|---|---|---|")
    for name, ours, theirs in rows:
        print(f"| {name} | {ours} | {theirs or 'n/a'} |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
