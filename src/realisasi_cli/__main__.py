"""Allow ``python -m realisasi_cli``."""

from realisasi_cli.entry import main

main()
