"""Templates shipped in the package (``templates/`` in the repository), rendered with a typed context."""

from __future__ import annotations

import re
from importlib import resources


def template_text(name: str) -> str:
    """A template shipped with the package (``templates/`` in the repository)."""
    return (resources.files("realisasi_cli.templates") / name).read_text(encoding="utf-8")


def _markdown_text(value: object) -> object:
    """Text for Markdown output where nothing can open an HTML tag or entity ("< 57%" stays)."""
    if isinstance(value, str):
        return _TAG_START.sub("&lt;", _ENTITY_START.sub("&amp;", value))
    return value


def md_cell(value: object) -> str:
    """Text as one cell of a Markdown table: its ``|`` escaped, its lines joined with `` · ``."""
    lines = [line.strip() for line in str(value or "").splitlines()]
    return " · ".join(line for line in lines if line).replace("|", "\\|")


_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY_START = re.compile(r"&(?=#?\w+;)")


def render(name: str, context: object, *, html: bool = False, source: str | None = None) -> str:
    """Render a shipped template (or ``source``) with a typed context; undefined names fail."""
    from jinja2 import Environment, StrictUndefined

    from realisasi_cli.present import fmt

    markdown = not html and name.endswith((".md.j2", ".markdown.j2", ".md"))
    env = Environment(
        undefined=StrictUndefined,
        autoescape=html,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Markdown viewers render inline HTML: a unit named "<script>" must stay text there too
        finalize=_markdown_text if markdown else None,
    )
    env.filters.update(
        rupiah=fmt.rupiah,
        percent=fmt.percent,
        points=fmt.points,
        long_date=fmt.long_date,
        full_date=fmt.full_date,
        md_cell=md_cell,
    )
    template = env.from_string(source if source is not None else template_text(name))
    return template.render(ctx=context)
