"""A1-style cell references: column letters and their 0-based indices."""

from __future__ import annotations


def column_index(letters: str) -> int:
    """A → 0, AB → 27."""
    value = 0
    for ch in letters.upper():
        value = value * 26 + ord(ch) - 64
    return value - 1


def column_letter(index: int) -> str:
    """0 → A, 27 → AB."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
