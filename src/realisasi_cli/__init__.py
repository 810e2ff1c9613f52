"""realisasi: rank Indonesian regional government units by budget absorption."""

__version__ = "0.1.0"
