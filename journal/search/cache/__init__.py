"""The derived, git-ignored search cache: its file format (:mod:`.format`), a full build
(:mod:`.build`), a refresh from the blocks that changed (:mod:`.refresh`), the writer's changes laid
over it in memory (:mod:`.overlay`) and the reader that picks one of them (:mod:`.reader`).
"""
