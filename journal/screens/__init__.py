"""The screens of the TUI, one module per screen (dialogs share one)."""
