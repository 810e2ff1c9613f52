"""Shape results for output: the JSON contract, table rows, and rendered templates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

from realisasi_cli.load import Dataset
from realisasi_cli.metrics import Ranking


@dataclass(frozen=True)
class Selection:
    """Which ranked units to show: the bottom N (default), the top N, or all."""

    bottom: int = 10
    top: int | None = None
    all: bool = False


def _num(value: Any, digits: int = 2) -> float | None:
    return None if value is None else round(float(value), digits)


def selected_units(ranking: Ranking, selection: Selection) -> list[dict[str, Any]]:
    """The ranked units to show, lowest first (or highest first with ``top``)."""
    units = ranking.units
    if selection.all:
        chosen = units
    elif selection.top is not None:
        chosen = units.reverse().head(selection.top)
    else:
        chosen = units.head(selection.bottom)
    return chosen.to_dicts()


def rank_json(ranking: Ranking, dataset: Dataset, selection: Selection) -> dict[str, Any]:
    """The ``rank --format json`` document, exactly as DESIGN.md's contract."""
    categories: dict[str, dict[str, dict[str, float | None]]] = {}
    if ranking.categories is not None:
        for row in ranking.categories.iter_rows(named=True):
            categories.setdefault(row["unit"], {})[row["top"]] = {
                "budget": _num(row["budget"]),
                "realized": _num(row["realized"]),
                "absorption_pct": _num(row["absorption_pct"], 4),
            }
    units = []
    for u in selected_units(ranking, selection):
        entry: dict[str, Any] = {
            "rank": u["rank"],
            "code": u["code"],
            "name": u["name"],
            "budget": _num(u["budget"]),
            "realized": _num(u["realized"]),
            "absorption_pct": _num(u["absorption_pct"], 4),
            "below_threshold": bool(u["below_threshold"]),
        }
        if ranking.categories is not None:
            entry["categories"] = categories.get(u["unit"], {})
        units.append(entry)
    return {
        "as_of": ranking.as_of.isoformat() if isinstance(ranking.as_of, date) else None,
        "category": ranking.category,
        "total": {
            "budget": _num(ranking.total_budget),
            "realized": _num(ranking.total_realized),
            "absorption_pct": _num(ranking.total_pct, 4),
        },
        "threshold_pct": ranking.threshold,
        "units": units,
        "unranked": [
            {"code": u["code"], "name": u["name"], "reason": u["reason"]} for u in ranking.unranked.to_dicts()
        ],
        "warnings": [w.as_dict() for w in dataset.warnings],
    }


RANK_COLUMNS = ["rank", "code", "name", "budget", "realized", "absorption_pct", "below_threshold"]


def rank_rows(ranking: Ranking, selection: Selection) -> list[list[Any]]:
    """Rows for CSV/XLSX output, in ``RANK_COLUMNS`` order."""
    return [[u[c] for c in RANK_COLUMNS] for u in selected_units(ranking, selection)]


def template_text(name: str) -> str:
    """A template shipped with the package (``templates/`` in the repository)."""
    return (resources.files("realisasi_cli.templates") / name).read_text(encoding="utf-8")


def render(name: str, context: object, *, html: bool = False, source: str | None = None) -> str:
    """Render a shipped template (or ``source``) with a typed context; undefined names fail."""
    from jinja2 import Environment, StrictUndefined

    from realisasi_cli import fmt

    env = Environment(
        undefined=StrictUndefined,
        autoescape=html,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        rupiah=fmt.rupiah,
        percent=fmt.percent,
        points=fmt.points,
        long_date=fmt.long_date,
        full_date=fmt.full_date,
    )
    template = env.from_string(source if source is not None else template_text(name))
    return template.render(ctx=context)
