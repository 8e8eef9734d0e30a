"""python -m scorer."""

from .cli import main

main()
