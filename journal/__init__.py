"""journal: a terminal work-journal and personal CRM."""

__version__ = "0.1.0"
