"""`python -m eightbyeight_async`: the `eightbyeight` command-line program."""

from ._cli import main

main()
