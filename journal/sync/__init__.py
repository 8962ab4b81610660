"""Keeping one journal file in step across machines with git: the steps of ``journal sync``
(:mod:`.git`), over the repository checks (:mod:`.guard`) and the merge applied under the
journal's lock (:mod:`.locked_merge`), over the repository and running git in it (:mod:`.repo`);
the three-way merge of two versions of the journal (:mod:`.merge`) and the git merge driver that
applies it (:mod:`.driver`)."""
