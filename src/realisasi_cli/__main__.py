"""Allow ``python -m realisasi_cli``."""

from realisasi_cli.cli import main

main()
