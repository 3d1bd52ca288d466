"""Quality checks on a book: `check` (a rendered book against its preset), `report` (attribution figures), `listing`
(segment output), `review/` (the static site).
"""
