"""CLI details: name forms in `list` filters, multi-line fields in `show`, counts in the right
number, and an organisation's "last seen" by the same rule as `org show`."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import orjson

from journal.cli.documents import _last_seen
from journal.search.index import entry_organisations
from journal.storage import load_file
from journal.text import counted


def _events(cli, *args: str) -> list[str]:
    result = cli("list", *args, "--format", "json")
    assert result.code == 0, result.err
    return [item["event"] for item in json.loads(result.out)]


def _write(jfile: Path, data: dict) -> None:
    jfile.write_bytes(orjson.dumps(data))


# -- 1. `journal list --contact/--project/--org` accepts what `contact:` in a search accepts -----

def test_list_filters_accept_pinyin_and_partial_names(cli) -> None:
    cli("add", "Visit", "-d", "2026-11-02", "-c", "张伟", "-o", "工商银行")
    cli("add", "Loan call", "-d", "2026-11-03", "-p", "贷款续期", "-c", "李娜")
    cli("add", "Other", "-d", "2026-11-04", "-c", "Alice Smith")
    for ref in ("张伟", "zhangwei", "zhang wei", "ZhangWei", "zw", "zhangw"):
        assert _events(cli, "--contact", ref) == ["Visit"], ref
    assert _events(cli, "-c", "ln") == ["Loan call"]
    assert _events(cli, "-c", "alice") == ["Other"]  # a prefix of the name
    assert _events(cli, "-c", "smith") == ["Other"]  # a part of it
    assert _events(cli, "--project", "dkxq") == ["Loan call"]
    assert _events(cli, "-p", "daikuan") == ["Loan call"]
    assert _events(cli, "--org", "gsyh") == ["Visit"]  # through 张伟, as for the exact name
    assert _events(cli, "--org", "gongshang") == _events(cli, "--org", "工商银行")
    text = cli("list", "-c", "zw")
    assert text.code == 0 and "Visit" in text.out and "张伟 (工商银行)" in text.out


def test_list_filter_by_pinyin_is_never_a_guess(cli, jfile: Path) -> None:
    cli("add", "At ICBC", "-c", "张伟 (工商银行)")
    cli("add", "At CCB", "-c", "张伟 (建设银行)")
    cli("add", "Zhou", "-c", "赵文")
    before = jfile.read_bytes()
    ambiguous = cli("list", "-c", "zhangwei")
    assert ambiguous.code == 1 and ambiguous.out == ""
    assert ambiguous.err.startswith("journal: ") and ambiguous.err.count("\n") == 1
    assert "张伟 (工商银行)" in ambiguous.err and "张伟 (建设银行)" in ambiguous.err
    initials = cli("list", "-c", "zw")  # 张伟, 张伟 and 赵文
    assert initials.code == 1 and "赵文" in initials.err and "ambiguous" in initials.err
    # an exact name that several documents share stays an ambiguity, not a pinyin lookup
    exact = cli("list", "-c", "张伟")
    assert exact.code == 1 and "建设银行" in exact.err and "赵文" not in exact.err
    assert _events(cli, "-c", "张伟 (建设银行)") == ["At CCB"]
    assert _events(cli, "-c", "zhaowen") == ["Zhou"]
    missing = cli("list", "-c", "nobody")
    assert missing.code == 1 and "no contact" in missing.err and "nobody" in missing.err
    assert cli("list", "-p", "zw").code == 1  # there are no projects at all
    assert jfile.read_bytes() == before  # listing never writes


def test_show_and_export_accept_the_same_name_forms_but_edits_do_not(cli, jfile: Path) -> None:
    """Reading commands take pinyin and parts of names, as `list` does; a command that changes
    the journal takes only what `add` takes, so a loose name never edits the wrong document."""
    cli("add", "Visit", "-c", "欧阳娜娜 (工商银行)")
    cli("add", "Call", "-c", "张伟")
    shown = cli("contact", "show", "oynn")
    assert shown.code == 0 and "欧阳娜娜" in shown.out and "Visit" in shown.out
    assert cli("org", "show", "gsyh").code == 0
    exported = cli("export", "contact", "ouyang", "--format", "json")
    assert exported.code == 0 and "欧阳娜娜" in exported.out
    before = jfile.read_bytes()
    edited = cli("contact", "edit", "oynn", "--title", "经理")
    assert edited.code == 1 and edited.err.startswith("journal: ")
    assert jfile.read_bytes() == before


def test_add_still_creates_a_contact_for_an_unknown_name(cli, jfile: Path) -> None:
    cli("add", "Visit", "-c", "张伟")
    result = cli("add", "Call", "-c", "zw")  # `add` matches exactly, else creates
    assert result.code == 0 and "created contact zw" in result.err
    assert sorted(c["name"] for c in load_file(jfile)["contacts"].values()) == ["zw", "张伟"]
    assert _events(cli, "-c", "zw") == ["Call"]  # now an exact name: that contact


def test_list_imports_the_pinyin_matcher_only_when_needed(jfile: Path, cli) -> None:
    cli("add", "Visit", "-c", "张伟")
    script = (
        "import sys\n"
        "from journal.cli import main\n"
        f"path = {str(jfile)!r}\n"
        "assert main(['--file', path, 'list', '-c', '张伟']) == 0\n"
        "print('journal.names.matching' in sys.modules)\n"
        "assert main(['--file', path, 'list', '-c', 'zw']) == 0\n"
        "print('journal.names.matching' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    flags = [line for line in result.stdout.splitlines() if line in ("True", "False")]
    assert flags == ["False", "True"], result.stdout


# -- 2. multi-line fields print as lines; control characters stay escaped ----------------------------

def test_contact_notes_print_on_aligned_lines(cli) -> None:
    assert cli("contact", "add", "Li", "--org", "ACME",
               "--notes", "likes tea\\nprefers mornings\\n\\nwife: Mei").code == 0
    out = cli("contact", "show", "Li").out
    assert "\\x0a" not in out
    lines = out.splitlines()
    start = lines.index("notes:        likes tea")
    assert lines[start:start + 4] == ["notes:        likes tea", "              prefers mornings",
                                      "", "              wife: Mei"]
    # the fields after the notes keep their own lines
    assert lines[start + 4].startswith("organisation: ")


def test_multi_line_values_keep_control_characters_escaped(cli, jfile: Path) -> None:
    cli("contact", "add", "Li")
    data = load_file(jfile)
    contact = next(iter(data["contacts"].values()))
    contact["notes"] = "red \x1b[31malert\x1b[0m\r\nsecond\tline\nthird\rfourth\x07"
    _write(jfile, data)
    out = cli("contact", "show", "Li").out
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out and "\t" not in out
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("notes:"))
    assert lines[start:start + 4] == [
        "notes:        red \\x1b[31malert\\x1b[0m",
        "              second\\x09line",  # tabs stay escaped, as in every other field
        "              third",  # a lone carriage return is a line break too, never a rewind
        "              fourth\\x07"]


def test_project_and_org_fields_of_several_lines(cli) -> None:
    assert cli("org", "add", "ACME", "--address", "1 Road", "--notes", "HQ\\nbranch in Pudong").code == 0
    assert cli("project", "add", "Loan", "--org", "ACME", "--notes", "phase 1\\nphase 2").code == 0
    project = cli("project", "show", "Loan").out.splitlines()
    assert "notes:        phase 1" in project and "              phase 2" in project
    org = cli("org", "show", "ACME").out.splitlines()
    assert "notes:        HQ" in org and "              branch in Pudong" in org
    assert "address:      1 Road" in org and "projects:     Loan (ACME)" in org


def test_entry_show_summary_lines(cli) -> None:
    entry_id = cli("add", "Visit", "-s", "first\\nsecond \x1b[2Jline\\n\tindented").out.strip()
    out = cli("show", entry_id).out
    assert "\x1b" not in out and "\\x0a" not in out
    assert out.splitlines()[-3:] == ["first", "second \\x1b[2Jline", "\\x09indented"]
    # the one-line listing shows the first line only
    listed = cli("list").out
    assert "Visit — first" in listed and "second" not in listed


# -- 3. counts in the right number --------------------------------------------------------------------

def test_counted() -> None:
    assert counted(1, "entries") == "1 entry" and counted(2, "entries") == "2 entries"
    assert counted(0, "entries") == "0 entries"
    assert counted(1, "contacts") == "1 contact" and counted(1, "days") == "1 day"
    assert counted(1, "organisations") == "1 organisation" and counted(3, "rows") == "3 rows"
    assert counted(1, "contacts/projects/organisations",
                   "contact/project/organisation") == "1 contact/project/organisation"
    # a phrase is never mangled into a wrong singular: it needs one given
    assert counted(1, "documents and entries") == "1 documents and entries"
    assert counted(1, "documents and entries", "document or entry") == "1 document or entry"


def test_document_show_and_delete_counts(cli) -> None:
    cli("add", "Met Li", "-d", "2026-11-01", "-c", "Li")
    assert "\n1 entry, newest first:\n" in cli("contact", "show", "Li").out
    cli("add", "Met Li again", "-d", "2026-11-02", "-c", "Li")
    assert "\n2 entries, newest first:\n" in cli("contact", "show", "Li").out
    cli("contact", "add", "Wang")
    assert cli("contact", "show", "Wang").out.rstrip().endswith("\nno entries yet")
    cli("add", "Project work", "-p", "Loan")
    deleted = cli("project", "delete", "Loan", "--force")
    assert deleted.code == 0 and deleted.err.rstrip().endswith("unlinked from 1 document")
    deleted = cli("contact", "delete", "Li", "--force")
    assert deleted.err.rstrip().endswith("unlinked from 2 documents")


def test_doctor_counts(cli, jfile: Path) -> None:
    cli("add", "x", "-c", "Li", "-o", "ACME")
    out = cli("doctor").out
    assert "note: 1 entry, 1 contact, 0 projects, 1 organisation, 0 days" in out
    assert out.rstrip().endswith(": sound")
    data = load_file(jfile)
    data["contacts"] = {}
    data["entries"][next(iter(data["entries"]))]["conflicts"] = [{"field": "event", "value": "y"}]
    _write(jfile, data)
    result = cli("doctor")
    assert result.code == 1 and result.out.rstrip().endswith(": 1 problem")
    assert "merge conflicts recorded in 1 document (see `journal conflicts`)" in result.out
    assert "1 document with conflicts" in cli("conflicts").err


def test_import_export_restore_counts(cli, tmp_path: Path, jfile: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("date,time,event,summary,projects,contacts,organisations\n"
                      "2026-11-02,09:30,Visit,,,Li,ACME\n"
                      "2026-02-30,10:00,Bad date,,,,\n", encoding="utf-8")
    imported = cli("import", str(source))
    assert imported.out.startswith("imported 1 entry, rejected 1 row, skipped 0 already present; "
                                   "created 2 contacts/projects/organisations"), imported.out
    out = tmp_path / "li.md"
    exported = cli("export", "contact", "Li", "-o", str(out))
    assert exported.code == 0 and f"with 1 entry to {out}" in exported.err
    backup = tmp_path / "backup.json"
    backup.write_bytes(jfile.read_bytes())
    refused = cli("restore", str(backup))
    assert refused.code == 1 and "(1 entry)" in refused.err
    restored = cli("restore", str(backup), "--yes")
    assert restored.code == 0 and restored.out.startswith("restored 1 entry from ")
    bundle = tmp_path / "idle.json"
    assert cli("org", "add", "Idle").code == 0
    assert cli("export", "org", "Idle", "--format", "json", "-o", str(bundle)).code == 0
    other = cli("import", str(bundle), file=tmp_path / "other.json")
    assert other.code == 0 and other.out.startswith("imported 1 document or entry, merged 0, ")


# -- 4. an organisation's "last seen": directly or through its contacts and projects ----------------

def test_org_list_last_seen_counts_contacts_and_projects(cli) -> None:
    cli("org", "add", "ACME")
    cli("org", "add", "Beta")
    cli("org", "add", "Gamma")
    cli("org", "add", "Idle")
    cli("contact", "add", "Li", "--org", "ACME")
    cli("project", "add", "Loan", "--org", "Beta")
    cli("add", "Direct", "-d", "2026-11-01", "-o", "ACME")
    cli("add", "Met Li", "-d", "2026-11-05", "-c", "Li")
    cli("add", "Planned with Li", "-d", "2026-12-01", "-c", "Li", "--status", "planned")
    cli("add", "Loan work", "-d", "2026-11-07", "-p", "Loan")
    cli("add", "Gamma direct", "-d", "2026-10-01", "-o", "Gamma", "-c", "Li")
    listing = {item["name"]: item["last_seen"]
               for item in json.loads(cli("org", "list", "--format", "json").out)}
    # ACME: its contact's 2026-11-05 visit is later than its own entry; planned ones do not count
    assert listing == {"ACME": "2026-11-05", "Beta": "2026-11-07", "Gamma": "2026-10-01",
                       "Idle": None}
    text = cli("org", "list").out
    assert "ACME  last 2026-11-05" in text and "Beta  last 2026-11-07" in text
    assert "Idle  never seen" in text
    # contacts and projects still count their own entries only
    contacts = {i["name"]: i["last_seen"] for i in
                json.loads(cli("contact", "list", "--format", "json").out)}
    assert contacts == {"Li": "2026-11-05"}
    # the same entries `org show` lists
    shown = json.loads(cli("org", "show", "ACME", "--format", "json").out)[0]["entries"]
    assert max(e["date"] for e in shown if e["status"] == "done") == listing["ACME"]


def _ulid(table: int, n: int) -> str:
    return f"01K{table}{n:022d}"


def test_org_last_seen_agrees_with_entry_organisations(cli, jfile: Path) -> None:
    rng = random.Random(7)
    cli("contact", "add", "seed")  # creates the file
    data = load_file(jfile)
    stamp = {"created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}
    orgs = {_ulid(1, i): {"name": f"Org {i}", **stamp} for i in range(6)}
    org_ids = [*orgs, None]
    contacts = {_ulid(2, i): {"name": f"C{i}", **stamp} |
                ({"organisation_id": o} if (o := rng.choice(org_ids)) else {}) for i in range(12)}
    projects = {_ulid(3, i): {"name": f"P{i}", **stamp} |
                ({"organisation_id": o} if (o := rng.choice(org_ids)) else {}) for i in range(5)}
    entries = {}
    for n in range(200):
        doc = {"date": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "event": f"e{n}",
               "status": rng.choice(["done", "done", "planned", "cancelled"]), **stamp}
        for field, pool, most in (("contact_ids", contacts, 2), ("project_ids", projects, 1),
                                  ("organisation_ids", orgs, 1)):
            picked = rng.sample(sorted(pool), rng.randint(0, most))
            if picked:
                doc[field] = picked
        entries[_ulid(4, n)] = doc
    data |= {"organisations": orgs, "contacts": contacts, "projects": projects, "entries": entries}
    _write(jfile, data)
    assert cli("doctor").code == 0
    expected: dict[str, str] = {}
    for doc in entries.values():
        if doc["status"] == "done":
            for org in entry_organisations(doc, contacts, projects):
                expected[org] = max(expected.get(org, ""), doc["date"])
    listed = {item["id"]: item["last_seen"]
              for item in json.loads(cli("org", "list", "--format", "json").out)}
    assert listed == {o: expected.get(o) for o in orgs}
    assert any(v is None for v in listed.values()) or len(set(listed.values())) > 1


class _CountingTable(dict):
    """A table that counts the passes made over its documents."""

    passes = 0

    def values(self):  # noqa: ANN201
        type(self).passes += 1
        return super().values()

    def items(self):  # noqa: ANN201
        type(self).passes += 1
        return super().items()

    def __iter__(self):  # noqa: ANN204
        type(self).passes += 1
        return super().__iter__()


def test_org_last_seen_reads_the_entries_once() -> None:
    entries = _CountingTable({
        "E1": {"date": "2026-11-01", "status": "done", "contact_ids": ["C1"]},
        "E2": {"date": "2026-11-03", "status": "done", "project_ids": ["P1", "P9"]},
        "E3": {"date": "2026-11-09", "status": "planned", "organisation_ids": ["O2"]},
        "E4": {"date": "2026-10-01", "status": "done", "organisation_ids": ["O2"]}})
    tables = {"entries": entries, "contacts": {"C1": {"organisation_id": "O1"}},
              "projects": {"P1": {"organisation_id": "O2"}}}
    assert _last_seen(tables, "organisation") == {"O1": "2026-11-01", "O2": "2026-11-03"}
    assert _CountingTable.passes == 1


def test_a_new_name_that_looks_like_an_existing_one_is_pointed_out(cli) -> None:
    """`add` links exact names only and creates a document otherwise; when the new name is part of
    an existing one ("Zed New" for "Zed New Person"), stderr says so, with the id to use."""
    person = cli("contact", "add", "Zed New Person", "--org", "Umbrella Ltd")
    person_id = person.out.strip()
    added = cli("add", "Lunch with Zed", "-c", "Zed New")
    assert added.code == 0
    line = next(x for x in added.err.splitlines() if "created contact Zed New " in x)
    assert f"similar contact already there: Zed New Person (Umbrella Ltd) [{person_id}]" in line
    fresh = cli("add", "Met someone", "-c", "Brand New Guy", "-p", "贷款")
    assert fresh.code == 0 and "similar" not in fresh.err and "created contact Brand New Guy" in fresh.err
    again = cli("add", "Again", "-p", "贷")  # part of the project created just before: a hint
    assert "similar project already there: 贷款" in again.err
