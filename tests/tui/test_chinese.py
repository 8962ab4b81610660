"""The app in Chinese: keys, lists in pinyin order, filters that match pinyin, and a journal file
the language never changes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Static

from journal.i18n import set_language
from journal.screens.dialogs import HelpScreen

from .support import make_app, ready, until
from .test_day import text_of
from .test_documents import docs_screen, listed


@pytest.fixture
def zh() -> Iterator[None]:
    set_language("zh")
    yield
    set_language("en")


@pytest.mark.usefixtures("zh")
async def test_contacts_in_pinyin_order_and_found_by_initials(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        screen = docs_screen(app)
        names = [label.split(" (")[0] for label in listed(screen)]
        assert names == ["陈静", "David Wong", "Emily Chen", "李娜", "刘洋", "Tom Baker", "王芳",
                         "张伟", "张伟"]  # chen, david, emily, li, liu, tom, wang, zhang
        shown = {b.binding.description for b in screen.active_bindings.values()}
        assert {"新建", "编辑", "删除", "合并"} <= shown  # what the footer shows
        await pilot.press("f", *"zw")
        await until(pilot, lambda: len(listed(screen)) == 2)
        assert [label.split(" (")[0] for label in listed(screen)] == ["张伟", "张伟"]
        assert "联系人：2 / 9" in text_of(screen.query_one("#docs-count", Static))


@pytest.mark.usefixtures("zh")
async def test_help_lists_the_keys_in_chinese(sample_file: Path) -> None:
    app = make_app(sample_file)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(pilot)
        await pilot.press("c", "question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        rows = dict((d, k) for k, d in app.screen._rows(app.screen.bindings))
        assert "按名称新建" in rows and "编辑各字段" in rows  # the screen's own keys, translated


async def test_the_language_never_changes_the_file(sample_file: Path) -> None:
    """Browsing the same journal in Chinese and in English leaves its bytes as they were."""
    before = hashlib.sha256(sample_file.read_bytes()).hexdigest()
    for language in ("zh", "en"):
        set_language(language)
        try:
            app = make_app(sample_file)
            async with app.run_test(size=(120, 36)) as pilot:
                await ready(pilot)
                for key in ("c", "down", "o", "w", "j", "question_mark", "escape"):
                    await pilot.press(key)
                await pilot.pause(0.2)
        finally:
            set_language("en")
        assert hashlib.sha256(sample_file.read_bytes()).hexdigest() == before
