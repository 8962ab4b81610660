"""`journal sync` end to end: the real git binary, a bare remote and two clones (A and B) in tmp_path.

No mocks: the key steps run the real CLI as a separate process, and git runs the merge driver exactly
as it is registered (``sys.executable -P -m journal merge-driver %O %A %B %P``). Git's global and
system config are replaced by a file in tmp_path so the machine's own settings cannot leak in.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest

from journal.service import Journal, LinkRequest
from journal.storage import dump_canonical, load_file
from journal.sync import git as sync

DAY = "2026-11-20"


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, f"git {' '.join(args)}: {proc.stderr}"
    return proc.stdout


def journal(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real program, as a user (or git) runs it."""
    return subprocess.run([sys.executable, "-m", "journal", "--file", str(path), *args],
                          capture_output=True, text=True, timeout=120)


def identify(repo: Path, name: str) -> None:
    git(repo, "config", "user.name", name)
    git(repo, "config", "user.email", f"{name.lower()}@example.com")


@pytest.fixture
def git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Hermetic git: a private global config, no system config, no discovery above tmp_path."""
    config = tmp_path / "gitconfig"
    config.write_text("[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.delenv("JOURNAL_FILE", raising=False)
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)
    return config


@dataclass
class Pair:
    remote: Path
    a: Path  # A's data file
    b: Path  # B's data file
    x: str  # the id of an entry both have

    def entries(self, path: Path) -> dict[str, dict]:
        return load_file(path)["entries"]


@pytest.fixture
def pair(tmp_path: Path, git_env: Path) -> Pair:
    """A started the journal (entry X with one contact) and ran `journal sync --init URL`; B cloned
    the remote and registered the driver."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    repo_a = tmp_path / "A"
    git(tmp_path, "init", "-q", str(repo_a))
    identify(repo_a, "A")
    a = repo_a / "journal.json"
    entry, _ = Journal(a).add_entry(event="Visit ACME", date=DAY, time="09:00", summary="first notes",
                                    links=LinkRequest(contacts=["Wang Fang"]))
    done = journal(a, "sync", "--init", str(remote))
    assert done.returncode == 0, done.stderr
    git(tmp_path, "clone", "-q", str(remote), "B")
    identify(tmp_path / "B", "B")
    b = tmp_path / "B" / "journal.json"
    assert sync.setup(b).ok
    return Pair(remote, a, b, entry.id)


def synced(path: Path) -> str:
    """`journal sync` as a separate process; returns its one line of output."""
    done = journal(path, "sync")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1 and "Traceback" not in done.stderr
    return done.stdout


def assert_settled(p: Pair) -> None:
    """Both clones hold the same bytes, committed, with nothing left to merge."""
    assert p.a.read_bytes() == p.b.read_bytes()
    for path in (p.a, p.b):
        assert git(path.parent, "status", "--porcelain") == ""
        assert dump_canonical(orjson.loads(path.read_bytes())) == path.read_bytes()


def test_init_sets_the_repository_up(pair: Pair) -> None:
    root = pair.a.parent
    assert (root / ".gitattributes").read_text() == "journal.json merge=journal\n"
    assert (root / ".gitignore").read_text().split() == ["*.lock", "*.tmp-*", ".journal-cache/",
                                                         ".journal-backups/"]
    driver = git(root, "config", "merge.journal.driver").strip()
    assert driver.startswith(sys.executable) and driver.endswith("merge-driver %O %A %B %P")
    assert git(root, "config", "merge.journal.name").strip()
    assert git(root, "ls-files").split() == [".gitattributes", ".gitignore", "journal.json"]
    assert git(root, "rev-parse", "HEAD") == git(pair.remote, "rev-parse", "main")
    again = journal(pair.a, "sync", "--init", str(pair.remote))  # idempotent
    assert again.returncode == 0, again.stderr
    assert (root / ".gitattributes").read_text() == "journal.json merge=journal\n"
    assert len((root / ".gitignore").read_text().split()) == 4


def test_fifty_entries_each_offline_then_sync(pair: Pair) -> None:
    added = {}
    for side, path in (("A", pair.a), ("B", pair.b)):
        journal_ = Journal(path)
        for i in range(50):
            entry, _ = journal_.add_entry(event=f"{side} visit {i}", date=DAY)
            added[entry.id] = side
    assert "pushed" in synced(pair.a)
    out_b = synced(pair.b)
    assert "50 added" in out_b and "pushed" in out_b
    synced(pair.a)
    assert_settled(pair)
    entries = pair.entries(pair.a)
    assert set(added) <= set(entries) and len(entries) == 101
    assert sorted(entries[i]["event"].split()[0] for i in added) == ["A"] * 50 + ["B"] * 50


def test_edit_on_one_side_links_and_time_on_the_other(pair: Pair) -> None:
    Journal(pair.a).edit_entry(pair.x, {"summary": "A's summary"},
                               add=LinkRequest(contacts=["Zhang San"]))
    Journal(pair.b).edit_entry(pair.x, {"time": "14:30"}, add=LinkRequest(contacts=["Li Lei"]))
    synced(pair.a)
    synced(pair.b)
    synced(pair.a)
    assert_settled(pair)
    data = load_file(pair.a)
    x = data["entries"][pair.x]
    names = sorted(data["contacts"][i]["name"] for i in x["contact_ids"])
    assert (x["summary"], x["time"], names) == ("A's summary", "14:30", ["Li Lei", "Wang Fang", "Zhang San"])
    assert "conflicts" not in x


def test_both_edit_the_summary_later_edit_wins_and_conflict_is_recorded(pair: Pair) -> None:
    Journal(pair.b).edit_entry(pair.x, {"summary": "B wrote this first"})
    Journal(pair.a).edit_entry(pair.x, {"summary": "A wrote this later"})
    synced(pair.a)
    assert "1 conflict recorded" in synced(pair.b)  # B merges; A's later edit wins on B too
    synced(pair.a)
    assert_settled(pair)
    x = pair.entries(pair.b)[pair.x]
    assert x["summary"] == "A wrote this later"
    assert [(c["field"], c["value"]) for c in x["conflicts"]] == [("summary", "B wrote this first")]

    shown = journal(pair.b, "conflicts")
    assert shown.returncode == 0 and pair.x in shown.stdout
    assert "A wrote this later" in shown.stdout and "B wrote this first" in shown.stdout
    as_json = orjson.loads(journal(pair.b, "conflicts", "--format", "json").stdout)
    assert [(c["id"], c["field"], c["current"]) for c in as_json] == [(pair.x, "summary", "A wrote this later")]

    resolved = journal(pair.b, "conflicts", "resolve", pair.x[-6:])
    assert resolved.returncode == 0, resolved.stderr
    assert journal(pair.b, "conflicts").stdout.strip() == "no recorded conflicts"
    synced(pair.b)
    synced(pair.a)  # the dismissal travels: the record stays cleared after the merge
    assert_settled(pair)
    x = pair.entries(pair.a)[pair.x]
    assert x["summary"] == "A wrote this later" and "conflicts" not in x


def test_delete_on_one_side_edit_on_the_other_keeps_the_edit(pair: Pair) -> None:
    Journal(pair.a).delete_entry(pair.x)
    Journal(pair.b).edit_entry(pair.x, {"summary": "B kept working on it"})
    synced(pair.a)
    assert "kept despite a deletion" in synced(pair.b)
    synced(pair.a)
    assert_settled(pair)
    assert pair.entries(pair.a)[pair.x]["summary"] == "B kept working on it"


def test_plain_git_pull_merges_through_the_driver(pair: Pair) -> None:
    a_entry, _ = Journal(pair.a).add_entry(event="from A", date=DAY)
    synced(pair.a)
    b_entry, _ = Journal(pair.b).add_entry(event="from B", date=DAY)
    repo_b = pair.b.parent
    git(repo_b, "commit", "-qam", "B by hand")
    pulled = subprocess.run(["git", "pull"], cwd=repo_b, capture_output=True, text=True, timeout=60)
    assert pulled.returncode == 0, pulled.stderr
    assert "journal: merged journal.json: 1 added" in pulled.stderr
    assert git(repo_b, "status", "--porcelain") == ""
    assert {pair.x, a_entry.id, b_entry.id} <= set(pair.entries(pair.b))
    assert dump_canonical(orjson.loads(pair.b.read_bytes())) == pair.b.read_bytes()


def test_fresh_clone_warns_until_setup(pair: Pair, tmp_path: Path) -> None:
    git(tmp_path, "clone", "-q", str(pair.remote), "C")
    c = tmp_path / "C" / "journal.json"
    listed = journal(c, "list")
    assert listed.returncode == 0 and "Visit ACME" in listed.stdout
    warning = listed.stderr.splitlines()
    assert len(warning) == 1 and "journal sync --setup" in warning[0]
    assert warning[0].startswith("journal: warning:")

    setup = journal(c, "sync", "--setup")
    assert setup.returncode == 0 and "registered" in setup.stdout and setup.stderr == ""
    again = journal(c, "list")
    assert again.returncode == 0 and again.stderr == ""


def _pull_without_driver(pair: Pair, tmp_path: Path) -> Path:
    """A clone C that pulled before registering the driver: conflict markers in its journal."""
    git(tmp_path, "clone", "-q", str(pair.remote), "C")
    repo_c, c = tmp_path / "C", tmp_path / "C" / "journal.json"
    identify(repo_c, "C")
    Journal(pair.a).add_entry(event="from A", date=DAY)
    synced(pair.a)
    Journal(c).add_entry(event="from C", date=DAY)
    git(repo_c, "commit", "-qam", "C by hand")
    pulled = subprocess.run(["git", "-c", "pull.rebase=false", "pull"], cwd=repo_c,
                            capture_output=True, text=True, timeout=60)
    assert pulled.returncode != 0 and b"<<<<<<<" in c.read_bytes()
    assert journal(c, "list").returncode != 0  # unreadable until repaired
    return c


def test_pull_without_driver_is_repaired_by_setup(pair: Pair, tmp_path: Path) -> None:
    """--setup redoes the conflicted file's merge and the next sync finishes it."""
    c = _pull_without_driver(pair, tmp_path)
    done = sync.setup(c)
    assert done.ok and "redid the merge" in done.summary
    assert sync.sync(c).ok
    events = sorted(e["event"] for e in load_file(c)["entries"].values())
    assert events == ["Visit ACME", "from A", "from C"]
    assert git(c.parent, "status", "--porcelain") == ""


def test_pull_without_driver_is_repaired_by_the_next_sync(pair: Pair, tmp_path: Path) -> None:
    """The unfinished merge (MERGE_HEAD, the file conflicted) is found and finished by sync."""
    c = _pull_without_driver(pair, tmp_path)
    done = sync.sync(c)
    assert done.ok and done.pushed and "finished a git merge" in done.summary, done
    events = sorted(e["event"] for e in load_file(c)["entries"].values())
    assert events == ["Visit ACME", "from A", "from C"]
    assert not (c.parent / ".git" / "MERGE_HEAD").exists()
    assert git(c.parent, "status", "--porcelain") == ""
    on_remote = orjson.loads(git(pair.remote, "show", "main:journal.json"))
    assert sorted(e["event"] for e in on_remote["entries"].values()) == events


def test_offline_commits_locally_and_pushes_later(pair: Pair, tmp_path: Path) -> None:
    repo_a = pair.a.parent
    git(repo_a, "remote", "set-url", "origin", str(tmp_path / "missing.git"))
    Journal(pair.a).add_entry(event="on the train", date=DAY)
    offline = journal(pair.a, "sync")
    assert offline.returncode == 0, offline.stderr
    assert "offline" in offline.stdout and "will be pushed on the next `journal sync`" in offline.stdout
    assert git(repo_a, "status", "--porcelain") == ""
    assert "on the train" in git(repo_a, "show", "HEAD:journal.json")
    git(repo_a, "remote", "set-url", "origin", str(pair.remote))
    assert "pushed" in synced(pair.a)
    assert "on the train" in git(pair.remote, "show", "main:journal.json")


def test_not_a_repository_and_no_remote(tmp_path: Path, git_env: Path) -> None:
    solo = tmp_path / "solo" / "journal.json"
    Journal(solo).add_entry(event="alone", date=DAY)
    done = journal(solo, "sync")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "journal sync --init [REMOTE_URL]" in done.stderr

    git(solo.parent, "init", "-q")
    identify(solo.parent, "Solo")
    done = journal(solo, "sync")
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert "no remote" in done.stderr and "journal sync --init REMOTE_URL" in done.stderr
    assert "alone" in git(solo.parent, "show", "HEAD:journal.json")  # committed all the same


def test_init_creates_the_repository_but_not_in_home(tmp_path: Path, git_env: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in (("NAME", "New"), ("EMAIL", "new@example.com")):
        monkeypatch.setenv(f"GIT_AUTHOR_{key}", value)
        monkeypatch.setenv(f"GIT_COMMITTER_{key}", value)
    path = tmp_path / "fresh" / "journal.json"
    result = sync.init(path)
    assert result.ok, result.summary
    assert "add a remote" in result.summary
    assert git(path.parent, "ls-files").split() == [".gitattributes", ".gitignore", "journal.json"]
    assert load_file(path)["entries"] == {}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    refused = sync.init(tmp_path / "home" / "journal.json")
    assert not refused.ok and "refusing" in refused.summary
    assert not (tmp_path / "home" / ".git").exists()


def test_push_race_is_merged_and_retried(pair: Pair, tmp_path: Path) -> None:
    """Someone else pushes between our fetch and our push: the push is rejected, sync fetches,
    merges and pushes again. A reference-transaction hook in B makes C push right when B's fetch
    updates origin/main."""
    Journal(pair.a).add_entry(event="from A", date=DAY)
    synced(pair.a)  # so that B's fetch moves origin/main
    git(tmp_path, "clone", "-q", str(pair.remote), "C")
    repo_c, c = tmp_path / "C", tmp_path / "C" / "journal.json"
    identify(repo_c, "C")
    Journal(c).add_entry(event="from C", date=DAY)
    git(repo_c, "commit", "-qam", "C")
    hook = pair.b.parent / ".git" / "hooks" / "reference-transaction"
    hook.write_text(f"""#!/bin/sh
refs=$(cat)
[ "$1" = committed ] || exit 0
case "$refs" in *refs/remotes/origin/main*) ;; *) exit 0 ;; esac
[ -e "{tmp_path}/raced" ] && exit 0
touch "{tmp_path}/raced"
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
git -C "{repo_c}" push -q origin HEAD:refs/heads/main
""")
    hook.chmod(0o755)
    Journal(pair.b).add_entry(event="from B", date=DAY)
    result = sync.sync(pair.b)
    assert result.ok and result.pushed, result
    assert (tmp_path / "raced").exists()
    assert any("push rejected" in d for d in result.details), result.details
    on_remote = orjson.loads(git(pair.remote, "show", "main:journal.json"))
    assert sorted(e["event"] for e in on_remote["entries"].values()) == [
        "Visit ACME", "from A", "from B", "from C"]


def test_unreadable_incoming_file_undoes_the_merge(pair: Pair) -> None:
    """The other side committed a file the driver cannot parse: the merge is undone and the user is
    told what happened; the local journal is untouched."""
    repo_b = pair.b.parent
    pair.b.write_text('{"entries": {"broken"')
    git(repo_b, "commit", "-qam", "broken by hand")
    git(repo_b, "push", "-q")
    Journal(pair.a).add_entry(event="mine", date=DAY)
    before = pair.a.read_bytes()
    result = sync.sync(pair.a)
    assert not result.ok and result.needs_user
    assert "the incoming version of journal.json" in result.summary
    assert "your journal is unchanged" in result.summary, result.summary
    assert pair.a.read_bytes() == before
    assert not (pair.a.parent / ".git" / "MERGE_HEAD").exists()
    assert git(pair.a.parent, "status", "--porcelain") == ""


def test_up_to_date_and_environment(pair: Pair) -> None:
    result = sync.sync(pair.b)
    assert result.ok and result.summary == "already up to date with origin/main"
    assert not result.committed and not result.pushed
    assert os.environ.get("GIT_CONFIG_NOSYSTEM") == "1"


def test_sync_brings_the_search_cache_up_to_date(pair: Pair) -> None:
    """The first search after another machine's changes is as quick as any: the sync refreshed
    the cache already, or made it where there was none (a fresh clone)."""
    from journal.search.cache.reader import cache_paths, open_journal, read_note

    Journal(pair.b).add_entry(event="From B 来自乙", date=DAY)
    synced(pair.b)
    assert not cache_paths(pair.a)[0].exists()
    synced(pair.a)
    note = read_note(cache_paths(pair.a)[1])
    st = pair.a.stat()
    assert note is not None and note.stat == (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    assert len(open_journal(pair.a).index.search("来自乙")) == 1
    Journal(pair.b).add_entry(event="Second from B 第二", date=DAY)
    synced(pair.b)
    synced(pair.a)
    note = read_note(cache_paths(pair.a)[1])
    st = pair.a.stat()
    assert note is not None and note.stat == (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    assert len(open_journal(pair.a).index.search("第二")) == 1


def test_an_unfinished_merge_is_announced_at_start_and_finished_by_sync(pair: Pair) -> None:
    """A hand-typed `git pull` stopped on another file's conflict (MERGE_HEAD left behind): every
    command says so in one line; sync says what to resolve, then finishes the merge and pushes."""
    repo_a, repo_b = pair.a.parent, pair.b.parent
    for repo, text in ((repo_b, "B\n"), (repo_a, "A\n")):
        (repo / "notes.txt").write_text(text)
        git(repo, "add", "notes.txt")
        git(repo, "commit", "-qm", f"notes {text.strip()}")
    git(repo_b, "push", "-q")
    Journal(pair.b).add_entry(event="from B", date=DAY)
    synced(pair.b)
    pulled = subprocess.run(["git", "pull", "--no-rebase"], cwd=repo_a, capture_output=True,
                            text=True, timeout=60)
    assert pulled.returncode != 0 and (repo_a / ".git" / "MERGE_HEAD").exists()

    listed = journal(pair.a, "list")
    assert listed.returncode == 0 and "Visit ACME" in listed.stdout
    assert listed.stderr.count("\n") == 1 and "left unfinished" in listed.stderr
    assert "run `journal sync` to finish it" in listed.stderr
    added, _ = Journal(pair.a).add_entry(event="written meanwhile", date=DAY)

    stuck = sync.sync(pair.a)
    assert not stuck.ok and stuck.needs_user and "notes.txt" in stuck.summary
    (repo_a / "notes.txt").write_text("A and B\n")
    git(repo_a, "add", "notes.txt")
    done = sync.sync(pair.a)
    assert done.ok and done.pushed and "finished a git merge" in done.summary, done
    assert journal(pair.a, "list").stderr == ""
    events = {e["event"] for e in pair.entries(pair.a).values()}
    assert {"from B", "written meanwhile"} <= events and added.id in pair.entries(pair.a)
    synced(pair.b)
    assert_settled(pair)


def test_a_conflict_left_by_git_stash_pop_is_merged_again_by_sync(pair: Pair) -> None:
    """Not only a merge leaves the file conflicted: a `git stash pop` (here with a driver that
    fails) does too, without MERGE_HEAD. The next sync merges the file again and goes on."""
    repo_b = pair.b.parent
    stashed, _ = Journal(pair.b).add_entry(event="stashed away", date=DAY)
    git(repo_b, "stash", "-q")
    kept, _ = Journal(pair.b).add_entry(event="committed meanwhile", date=DAY)
    git(repo_b, "commit", "-qam", "by hand")
    popped = subprocess.run(["git", "-c", "merge.journal.driver=false", "stash", "pop"], cwd=repo_b,
                            capture_output=True, text=True, timeout=60)
    assert popped.returncode != 0 and "journal.json" in git(repo_b, "diff", "--name-only",
                                                            "--diff-filter=U")
    done = sync.sync(pair.b)
    assert done.ok and done.pushed, done
    assert {stashed.id, kept.id} <= set(pair.entries(pair.b))
    assert git(repo_b, "diff", "--name-only", "--diff-filter=U") == ""
    synced(pair.a)
    assert {stashed.id, kept.id} <= set(pair.entries(pair.a))
