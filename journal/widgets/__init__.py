"""Reusable widgets of the TUI: the paged entry table, the name picker, the document form."""
