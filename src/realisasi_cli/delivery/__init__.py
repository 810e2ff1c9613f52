"""Delivery: the weekly summary by SMTP, at most once per run and once per summary (``smtp``)."""
