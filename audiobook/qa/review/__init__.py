"""`audiobook review`: the book as a static site of chapter pages (views.py builds, html.py writes, pages.py is what
they share).
"""
