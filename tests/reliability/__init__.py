"""Reliability tests: crashes, concurrency, corruption, hostile input, byte-level format, privacy.

A package (not loose modules) so that helper imports are relative and test module names cannot clash
with other test folders. Long variants are marked ``slow``: ``pytest -m slow tests/reliability``.
"""
