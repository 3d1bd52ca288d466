"""`python -m audiobook` runs the command line."""

from audiobook.cli import main

main()
