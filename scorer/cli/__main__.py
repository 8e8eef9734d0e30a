"""python -m scorer.cli, as before the command line became a package."""

from . import main

main()
