"""``python -m journal.i18n``: bring every catalog in step with the code (see
:mod:`journal.i18n.extract`) and say what is left to translate."""

from __future__ import annotations

import sys

from journal.i18n import CATALOGS
from journal.i18n.extract import MarkError, update_catalog


def main() -> int:
    try:
        for code, catalog in CATALOGS.items():
            added, dropped, untranslated = update_catalog(catalog)
            print(f"{catalog.name} ({code}): {added} added, {dropped} dropped, "
                  f"{untranslated} to translate")
    except MarkError as exc:
        print(f"journal.i18n: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
