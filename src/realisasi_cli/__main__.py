"""Allow ``python -m realisasi_cli``."""

from realisasi_cli.cli.application import main

main()
