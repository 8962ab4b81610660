"""Keeping one journal file in step across machines with git: the git plumbing of
``journal sync`` (:mod:`.git`), the three-way merge of two versions of the journal
(:mod:`.merge`) and the git merge driver that applies it (:mod:`.driver`)."""
