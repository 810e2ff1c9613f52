"""Detect: find the table in a grid, its header rows, the role of each column, the context above it.

One mechanism for every layout: header candidates are read against the vocabulary and the
best wins (``header``); code columns are classified by their values (``codes``); the rows
above give the context (``context``). The result is a ``Layout`` (``layout``); ``sheet.detect``
runs them on one grid.

The package imports none of them: reading a file's facts back from the cache needs ``layout``
alone, not the detectors and their compiled vocabulary.
"""
