"""Week / month summaries: built as data (:mod:`.summary`), rendered to Markdown, text or JSON
(:mod:`.render`)."""
