"""The read stage: a book file (text in any encoding, Project Gutenberg, Markdown, EPUB) into text, chapters, parts and
metadata; `book.load_book` is its entry.
"""
