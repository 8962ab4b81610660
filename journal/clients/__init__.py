"""Client files: tiers and visit cadence, who is due, birthdays, complaints, owners and hand-overs,
the dossier, and merging a client recorded twice.

Pure computations over the raw tables (lean documents: a missing key is empty) and the
configuration, plus the use cases the service exposes (:mod:`journal.clients.usecases`). Headless:
nothing here imports textual.
"""
