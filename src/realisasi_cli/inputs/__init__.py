"""Inputs: which files are read, and the safety gate each one passes before a reader opens it.

calamine allocates a sheet's whole rectangle at once, and a failed allocation in Rust aborts
the process. So every workbook is checked first, by format: archives that inflate absurdly
(``archive``, ``zipgate``), sheets whose cells span an absurd or mostly empty rectangle
(``xlsx``, ``ods``, ``xlsb``, ``ole``), text that shared strings would copy into gigabytes
(``strings``), password-protected workbooks, and files that are not spreadsheets
(``sniff``). Which member is which sheet is decided as calamine decides it (``package``).
``gate.check_file`` is the one entry; ``discover.expand_inputs`` decides which files of a
folder are read at all.
"""
