"""Start the installed app headless on a journal and check its day view and help screen.

Run by scripts/smoke_wheel.sh with the Python of a fresh environment that has only the built wheel
installed, from a folder outside the checkout (and with -I), so that nothing can come from the
source tree: a stylesheet or data file missing from the wheel makes this fail.

    python -I smoke_app.py JOURNAL_FILE YYYY-MM-DD EXPECTED_TEXT
"""

from __future__ import annotations

import asyncio
import sys
from datetime import date
from pathlib import Path


async def check(path: Path, day: date, expected: str) -> None:
    import journal
    from journal.app import JournalApp
    from journal.screens.day import DayScreen
    from journal.screens.dialogs import HelpScreen

    print(f"app: journal {journal.__version__} from {Path(journal.__file__).parent}")
    app = JournalApp(path, today=day)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(200):
            if app.ready and isinstance(app.screen, DayScreen):
                break
            await pilot.pause(0.05)
        else:
            raise SystemExit(f"app: no day view after 10 s (screen: {app.screen!r})")
        await pilot.pause()
        shown = app.export_screenshot()
        if expected.replace(" ", "&#160;") not in shown:
            raise SystemExit(f"app: the day view does not show {expected!r}")
        if not app.stylesheet.rules:
            raise SystemExit("app: no stylesheet rules loaded")
        await pilot.press("question_mark")
        await pilot.pause()
        if not isinstance(app.screen, HelpScreen):
            raise SystemExit("app: ? did not open the help screen")
        if f"journal&#160;{journal.__version__}" not in app.export_screenshot():
            raise SystemExit("app: the help screen does not show the version")
        await pilot.press("escape", "q")
    print("app: day view and help screen shown")


if __name__ == "__main__":
    asyncio.run(check(Path(sys.argv[1]), date.fromisoformat(sys.argv[2]), sys.argv[3]))
