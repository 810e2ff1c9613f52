"""Templates shipped in the package (``templates/`` in the repository), rendered with a typed context."""

from __future__ import annotations

from importlib import resources

from realisasi_cli.present import safe_text


def template_text(name: str) -> str:
    """A template shipped with the package (``templates/`` in the repository)."""
    return (resources.files("realisasi_cli.templates") / name).read_text(encoding="utf-8")


def _markdown_text(value: object) -> object:
    """Text for Markdown output: one line, no controls, and nothing that opens an HTML tag or
    entity, a link or an image ("< 57%" stays); a chart for a code block keeps its lines."""
    if isinstance(value, safe_text.Verbatim):
        return safe_text.markdown_code(value)
    if isinstance(value, str):
        return safe_text.markdown(value)
    return value


def md_cell(value: object) -> str:
    """Text as one cell of a Markdown table: its ``|`` escaped, its lines joined with `` · ``."""
    lines = [line.strip() for line in str(value or "").splitlines()]
    return " · ".join(line for line in lines if line).replace("|", "\\|")


def _html_text(value: object) -> object:
    """Text for HTML, escaped after this by autoescape: no controls (an HTML brief printed to a
    terminal must not act on it either); markup made here (the SVG charts) as it is."""
    from markupsafe import Markup

    if isinstance(value, str) and not isinstance(value, Markup):
        return safe_text.plain(value)
    return value


def _plain_text(value: object) -> object:
    """Text for a plain-text output (the e-mail): one line per value, no controls."""
    if isinstance(value, safe_text.Verbatim):
        return safe_text.plain(value)
    if isinstance(value, str):
        return safe_text.plain(value, one_line=True)
    return value


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
        # Markdown viewers render inline HTML and links: a unit named "<script>" or "[x](…)" must
        # stay text there too; HTML is escaped by autoescape; none keeps a control character
        finalize=_markdown_text if markdown else _html_text if html else _plain_text,
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
