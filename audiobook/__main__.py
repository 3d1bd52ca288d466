"""`python -m audiobook` runs the command line."""

from .cli import main

main()
