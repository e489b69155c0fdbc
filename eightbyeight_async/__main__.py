"""`python -m eightbyeight_async`: the `eightbyeight` command-line program."""

from .cli import main

main()
