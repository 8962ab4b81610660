"""Contacts, projects, organisations: filtering, the cross-index, editing fields, paging."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Input, Static, TabbedContent

from journal.screens.day import DayScreen
from journal.screens.dialogs import ConfirmScreen, PromptScreen
from journal.screens.documents import DocumentsScreen
from journal.screens.editor import EditorScreen
from journal.screens.search import FIRST_RESULTS
from journal.service import Journal, LinkRequest
from journal.storage import dump_canonical, new_id
from journal.widgets.doc_form import DocForm
from journal.widgets.entry_list import EntryList
from journal.widgets.name_list import NameList

from .support import TODAY, make_app, ready, until
from .test_day import text_of


def docs_screen(app) -> DocumentsScreen:  # noqa: ANN001
    screen = app.main_screen()
    assert isinstance(screen, DocumentsScreen)
    return screen


def listed(screen: DocumentsScreen) -> list[str]:
    return [item.label for item in screen.query_one("#docs-list", NameList).items]


async def test_contacts_filter_and_cross_index(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        screen = docs_screen(app)
        assert len(listed(screen)) == 9
        await pilot.press("f", *"张伟")
        assert listed(screen) == ["张伟 (上海星海物流有限公司)", "张伟 (华辰精密机械有限公司)"]
        await pilot.press("enter", "down")  # to the list, second 张伟
        await until(pilot, lambda: "华辰" in text_of(screen.query_one("#doc-facts", Static)))
        facts = text_of(screen.query_one("#doc-facts", Static))
        assert "财务总监" in facts and "every 14 days" in facts and "next 2026-11-26" in facts
        table = screen.query_one("#doc-entries", EntryList)
        events = [Journal(sample_file).tables["entries"][i]["event"] for i in table.entry_ids]
        assert events[0] == "华辰精密 签约" and events[-1] == "拜访华辰精密机械"  # newest first
        dates = [Journal(sample_file).tables["entries"][i]["date"] for i in table.entry_ids]
        assert dates == sorted(dates, reverse=True)
        # enter on an entry opens it in the day view
        await pilot.press("enter")  # list -> entries table
        assert table.has_focus
        await pilot.press("down", "enter")
        day = app.main_screen()
        assert isinstance(day, DayScreen)
        assert day.selected_entry() == table.entry_ids[1]
        assert day.day.isoformat() == dates[1]


def filter_box(screen: DocumentsScreen) -> Input:
    return screen.query_one("#docs-filter", Input)


def keys_at_once(app, *keys: str) -> None:  # noqa: ANN001
    """Queue key events before the app handles any (typed very fast, an input method's text):
    characters, or names of keys without one (``escape``)."""
    for key in keys:
        if len(key) == 1:
            app.post_message(events.Key({" ": "space", "/": "slash"}.get(key, key), key))
        else:
            app.post_message(events.Key(key, None))


async def test_typing_a_name_filters_at_once(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        screen = docs_screen(app)
        names, box = screen.query_one("#docs-list", NameList), filter_box(screen)
        assert names.has_focus and len(listed(screen)) == 9
        await pilot.press(*"张伟")  # no f: the first character moves into the filter box
        assert box.has_focus and box.value == "张伟"
        assert listed(screen) == ["张伟 (上海星海物流有限公司)", "张伟 (华辰精密机械有限公司)"]
        await pilot.press("down")  # from the box into the list, as on the search screen
        assert names.has_focus and box.value == "张伟"
        await pilot.press(*"tom")  # t is bound to nothing: a new filter; o goes on in the box
        assert box.has_focus and box.value == "tom"
        assert listed(screen) == ["Tom Baker (Acme Robotics)"]
        await until(pilot, lambda: "Tom Baker" in text_of(screen.query_one("#doc-facts", Static)))
        await pilot.press("escape")  # clears the filter, back on the whole list
        assert names.has_focus and box.value == "" and len(listed(screen)) == 9
        keys_at_once(app, "王", "芳")  # an input method's text: two keys before either is handled
        await until(pilot, lambda: [label.split(" ")[0] for label in listed(screen)] == ["王芳"])
        assert box.has_focus and box.value == "王芳"
        await pilot.press("enter")  # into the list; a digit or a paste starts a new filter too
        await pilot.press("2")
        assert box.value == "2" and box.has_focus
        await pilot.press("escape")
        app.post_message(events.Paste("刘洋\n"))
        await until(pilot, lambda: [label.split(" ")[0] for label in listed(screen)] == ["刘洋"])
        assert box.has_focus and box.value == "刘洋"
        # f still moves into the box, where typing replaces the old filter
        await pilot.press("escape", "f", *"陈")
        assert box.value == "陈" and [label.split(" ")[0] for label in listed(screen)] == ["陈静"]
        # a whole name at once: its bound letters (o, a, e) and spaces follow the first key into
        # the box, and enter, queued behind them, takes the focus back to the list
        await pilot.press("escape")
        keys_at_once(app, *"Tom Baker", "enter")
        await until(pilot, lambda: listed(screen) == ["Tom Baker (Acme Robotics)"])
        await until(pilot, lambda: names.has_focus)
        assert box.value == "Tom Baker" and app.current_mode == "contacts"
        await pilot.press("x", "y")  # no such name: said so, rather than "no contact yet"
        assert box.value == "xy" and listed(screen) == []
        await until(pilot, lambda: "No contact matches “xy”" in text_of(
            screen.query_one("#doc-facts", Static)))


async def test_bound_letters_keep_their_action_on_a_documents_screen(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        screen = docs_screen(app)
        box = filter_box(screen)
        await until(pilot, lambda: screen.doc_id is not None)
        await pilot.press("a")
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("escape", "d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape", "n")
        assert isinstance(app.screen, EditorScreen)
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("r")  # bound (resolve) even where nothing has a conflict: no filter
        await pilot.press("e")
        assert screen.query_one("#doc-tabs", TabbedContent).active == "tab-details"
        assert screen.query_one("#doc-form").has_focus_within
        await pilot.press("escape")
        assert box.value == "" and len(listed(screen)) == 9
        for key, mode in (("o", "organisations"), ("p", "projects"), ("w", "week"),
                          ("j", "journal"), ("c", "contacts")):
            await pilot.press(key)
            assert app.current_mode == mode
        assert app.main_screen() is screen and box.value == "" and len(listed(screen)) == 9
        await pilot.press("f")
        assert box.has_focus


async def test_c_then_p_typed_at_once_switches_and_leaks_nothing(sample_file: Path) -> None:
    """Both keys queued before the contacts screen (built by c) is up: p switches to projects
    and types nothing in the contacts filter; a name typed right after c filters."""
    app = make_app(sample_file)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        keys_at_once(app, "c", "p")
        await until(pilot, lambda: app.current_mode == "projects")
        await pilot.pause()
        projects = docs_screen(app)
        assert filter_box(projects).value == "" and len(listed(projects)) == 5
        keys_at_once(app, "c", "o", "c")
        await until(pilot, lambda: app.current_mode == "contacts")
        await pilot.pause()
        contacts = docs_screen(app)
        assert filter_box(contacts).value == "" and len(listed(contacts)) == 9
        await pilot.press("o")
        organisations = docs_screen(app)
        assert filter_box(organisations).value == ""
        keys_at_once(app, "c", "刘")  # 刘 typed after c: for the contacts screen's filter
        await until(pilot, lambda: [label.split(" ")[0] for label in listed(contacts)] == ["刘洋"])
        assert app.main_screen() is contacts and filter_box(contacts).value == "刘"
        assert filter_box(organisations).value == "" and filter_box(projects).value == ""
        await pilot.press("escape")
        keys_at_once(app, "/", *"张伟")  # typed right after /: searched, not filtered here
        await until(pilot, lambda: app.current_mode == "search")
        query = app.main_screen().query_one("#search-query", Input)
        await until(pilot, lambda: query.value == "张伟")
        assert filter_box(contacts).value == ""


async def test_organisation_cross_index_includes_its_contacts_and_projects(
        sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("o", "f", *"华辰", "enter")
        screen = docs_screen(app)
        await until(pilot, lambda: screen.doc_id is not None and "华辰" in text_of(
            screen.query_one("#doc-facts", Static)))
        tables = Journal(sample_file).tables
        ids = screen.query_one("#doc-entries", EntryList).entry_ids
        events = {tables["entries"][i]["event"] for i in ids}
        # linked only through 张伟/李娜 or the loan project, never directly to the organisation
        assert {"拜访华辰精密机械", "Call with 李娜 about the 2000万 facility",
                "授信审批会 Credit committee"} <= events


async def test_edit_contact_fields(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("c", "f", *"王芳", "enter")
        screen = docs_screen(app)
        await until(pilot, lambda: "王芳" in text_of(screen.query_one("#doc-facts", Static)))
        await pilot.press("e")
        form = screen.query_one("#doc-form")
        form.query_one("#f-title", Input).value = "CFO & 副总裁"
        form.query_one("#f-phones", Input).value = "+86 139 0000 0000, +86 571 8888 8888"
        form.query_one("#f-cadence_days", Input).value = "21"
        form.query_one("#f-organisation", Input).value = "Acme Robotics"
        form.query_one("#f-birthday", Input).value = "05-17"  # the year unknown, as people say
        await pilot.press("ctrl+s")
        await pilot.pause()
        contact = next(c for c in Journal(sample_file).tables["contacts"].values()
                       if c["name"] == "王芳")
        orgs = Journal(sample_file).tables["organisations"]
        assert contact["birthday"] == "--05-17"
        assert form.query_one("#f-birthday", Input).value == "05-17"
        assert contact["title"] == "CFO & 副总裁"
        assert contact["phones"] == ["+86 139 0000 0000", "+86 571 8888 8888"]
        assert contact["cadence_days"] == 21
        assert orgs[contact["organisation_id"]]["name"] == "Acme Robotics"
        form.query_one("#f-cadence_days", Input).value = "often"
        await pilot.press("ctrl+s")  # refused with a message, not a crash
        await pilot.pause()
        contact = next(c for c in Journal(sample_file).tables["contacts"].values()
                       if c["name"] == "王芳")
        assert contact["cadence_days"] == 21


async def test_add_and_delete_a_project(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("p", "a")
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"绿源 现金管理", "enter")
        screen = docs_screen(app)
        await pilot.pause()
        names = {p["name"] for p in Journal(sample_file).tables["projects"].values()}
        assert "绿源 现金管理" in names
        assert "绿源 现金管理" in text_of(screen.query_one("#doc-facts", Static))
        await pilot.press("escape", "d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        names = {p["name"] for p in Journal(sample_file).tables["projects"].values()}
        assert "绿源 现金管理" not in names


async def test_long_lists_draw_only_what_is_on_screen(tmp_path: Path) -> None:
    """450 linked entries and 450 contacts: the lists hold ids, paint the visible rows, and the
    keys reach the end."""
    path = tmp_path / "big.json"
    stamp = "2026-01-01T00:00:00.000000Z"
    contact = new_id()
    entries = {new_id(): {"date": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}", "event": f"Visit {i}",
                          "status": "done", "contact_ids": [contact], "created_at": stamp,
                          "updated_at": stamp} for i in range(450)}
    contacts = {contact: {"name": "Busy Client", "created_at": stamp, "updated_at": stamp}}
    contacts.update({new_id(): {"name": f"Contact {i:04d}", "created_at": stamp,
                                "updated_at": stamp} for i in range(450)})
    path.write_bytes(dump_canonical({"entries": entries, "contacts": contacts,
                                     "meta": {"schema": {"schema_version": 1}}}))
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        screen = docs_screen(app)
        names = screen.query_one("#docs-list", NameList)
        assert names.count == 451
        painted: list[int] = []
        original = names.row_segments
        names.row_segments = lambda i, w: painted.append(i) or original(i, w)  # type: ignore
        await pilot.press("end")
        await pilot.pause()
        assert names.cursor == 450 and 0 < len(painted) < 40
        await until(pilot, lambda: screen.doc_id == names.items[450].id)
        await pilot.press("home", "enter")
        await until(pilot, lambda: screen.doc_id == contact)
        table = screen.query_one("#doc-entries", EntryList)
        assert len(table.entry_ids) == 450 and table.has_focus
        await pilot.press("end", "enter")
        day = app.main_screen()
        assert isinstance(day, DayScreen)
        assert day.selected_entry() == table.entry_ids[-1]


async def test_search_results_beyond_the_first_batch(tmp_path: Path) -> None:
    """A search with more hits than the first batch fetches more when the user scrolls down."""
    path = tmp_path / "many.json"
    stamp = "2026-01-01T00:00:00.000000Z"
    entries = {new_id(): {"date": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}", "event": f"Call {i}",
                          "status": "done", "created_at": stamp, "updated_at": stamp}
               for i in range(FIRST_RESULTS + 300)}
    path.write_bytes(dump_canonical({"entries": entries,
                                     "meta": {"schema": {"schema_version": 1}}}))
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"call", "enter")
        results = app.main_screen().query_one("#search-results", EntryList)
        await until(pilot, lambda: len(results.entry_ids) == FIRST_RESULTS)
        await pilot.press("end")
        await until(pilot, lambda: len(results.entry_ids) == FIRST_RESULTS + 300)
    assert TODAY  # the fixture date is unrelated to this file's dates


async def test_header_names_a_document_once(sample_file: Path) -> None:
    """An organisation made from the editor has no industry, a contact may have no title or
    tier: the header still shows the name once (it was ``王芳王芳``)."""
    journal = Journal(sample_file)
    journal.add_document("organisation", "Northwind Trading")
    journal.add_document("contact", "王芳")  # no organisation, no title, no tier
    app = make_app(sample_file)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("o", "f", *"Northwind Trading", "enter")
        screen = docs_screen(app)
        facts = screen.query_one("#doc-facts", Static)
        await until(pilot, lambda: text_of(facts).startswith("Northwind Trading"))
        assert text_of(facts).splitlines()[0] == "Northwind Trading"
        await pilot.press("c", "f", *"王芳", "enter")
        screen = docs_screen(app)
        facts = screen.query_one("#doc-facts", Static)
        await until(pilot, lambda: text_of(facts).startswith("王芳"))
        assert text_of(facts).splitlines()[0] == "王芳"
        await pilot.press("down")  # the namesake at 绿源, with a tier: "name  ·  A"
        await until(pilot, lambda: "绿源" in text_of(facts))
        assert text_of(facts).splitlines()[0] == "王芳 (绿源食品集团)  ·  CFO"  # the tier is on the line below


async def test_list_filter_takes_pinyin_initials_and_parts(sample_file: Path) -> None:
    """The filter finds what ``contact:`` finds: ``zw`` both 张伟, ``wangf`` 王芳, ``chen`` both
    Emily Chen (a part) and 陈静 (pinyin), the name first."""
    app = make_app(sample_file)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("c", "f", *"zw")
        screen = docs_screen(app)
        assert listed(screen) == ["张伟 (上海星海物流有限公司)", "张伟 (华辰精密机械有限公司)"]
        assert "2 of 9 contacts" in text_of(screen.query_one("#docs-count", Static))
        filter_box(screen).value = ""
        await pilot.press(*"wangf")
        assert listed(screen) == ["王芳 (绿源食品集团)"]
        filter_box(screen).value = ""
        await pilot.press(*"chen")
        assert listed(screen) == ["Emily Chen (Northwind Trading Ltd)", "陈静 (Acme Robotics)"]
        await pilot.press("escape", "escape", "o", "f", *"hcjm")  # 华辰精密… by its initials
        assert listed(docs_screen(app)) == ["华辰精密机械有限公司"]


async def test_form_checks_fields_as_the_cli_does_with_the_reason_under_the_field(
        sample_file: Path) -> None:
    """An e-mail ``12-08``, a phone ``abc``, a birthday ``13-45``, a cadence ``0``: each one's
    reason shows under its field as it is typed, and saving is refused until it is fixed."""
    app = make_app(sample_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("c", "f", *"Emily", "enter")
        screen = docs_screen(app)
        await until(pilot, lambda: "Emily" in text_of(screen.query_one("#doc-facts", Static)))
        await pilot.press("e")
        form = screen.query_one("#doc-form", DocForm)
        before = Journal(sample_file).tables["contacts"]
        emails = form.query_one("#f-emails", Input)
        emails.focus()
        emails.value = "12-08"
        await pilot.pause()
        message = form.query_one("#e-emails", Static)
        assert message.display and "invalid e-mail '12-08'" in text_of(message)
        assert emails.has_class("-invalid")
        form.query_one("#f-phones", Input).value = "abc"
        form.query_one("#f-birthday", Input).value = "13-45"
        form.query_one("#f-cadence_days", Input).value = "0"
        await pilot.pause()
        assert set(form.problems()) == {"emails", "phones", "birthday", "cadence_days"}
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert Journal(sample_file).tables["contacts"] == before  # nothing saved
        assert form.query_one("#f-phones", Input).has_focus  # the first field with a problem
        emails.value = "emily@northwind.example, 陈 <x>"
        await pilot.pause()
        assert "invalid e-mail" in text_of(message)
        emails.value = "emily@northwind.example; e.chen@northwind.example"
        form.query_one("#f-phones", Input).value = "+852 2111 2222, (021) 5555-1234 ext 12"
        form.query_one("#f-birthday", Input).value = "02-29"
        form.query_one("#f-cadence_days", Input).value = "１４"  # full-width, from an IME
        await pilot.pause()
        assert form.problems() == {} and not message.display
        await pilot.press("ctrl+s")
        await pilot.pause()
        emily = next(c for c in Journal(sample_file).tables["contacts"].values()
                     if c["name"] == "Emily Chen")
        assert emily["emails"] == ["e.chen@northwind.example", "emily@northwind.example"]
        assert emily["phones"] == ["(021) 5555-1234 ext 12", "+852 2111 2222"]
        assert emily["birthday"] == "--02-29" and emily["cadence_days"] == 14


async def test_adding_a_name_that_exists_shows_it_and_counts_read_right(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        before = Journal(sample_file).tables["organisations"]
        await pilot.press("o", "a", *"Acme Robotics", "enter")
        screen = docs_screen(app)
        await until(pilot, lambda: "Acme Robotics" in text_of(
            screen.query_one("#doc-facts", Static)))
        assert Journal(sample_file).tables["organisations"] == before  # shown, not doubled
        assert app.screen is screen  # no error dialog, no form half-filled for a twin
        await pilot.press("c")
        Journal(sample_file).add_entry(event="Met Solo", date="2026-11-23",
                                       links=LinkRequest(contacts=["Solo Person"]))
        screen = docs_screen(app)
        screen.sync(force=True)
        screen.show_document(next(i for i, d in Journal(sample_file).tables["contacts"].items()
                                  if d["name"] == "Solo Person"))
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        question = " ".join(text_of(w) for w in app.screen.query(Static))
        assert "linked to 1 entry;" in question
