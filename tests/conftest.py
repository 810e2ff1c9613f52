"""Shared fixtures: paths to the bundled samples and to the real exports (when present)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_data"
REAL = ROOT.parent / "shared" / "real_data"


@pytest.fixture(scope="session")
def expected() -> dict[str, Any]:
    """Right answers written by scripts/make_sample_data.py from its own source numbers."""
    return json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The real exports beside the repository; tests using them skip when absent."""
    if not REAL.is_dir():
        pytest.skip("../shared/real_data is not present")
    return REAL


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update-golden``: rewrite the golden files in tests/golden/ instead of comparing with them."""
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/ from the current output (also: REALISASI_UPDATE_GOLDEN=1)",
    )


@pytest.fixture(autouse=True)
def _language_of_a_fresh_run() -> None:
    """Each test starts in the language a new process would: one test's ``--lang`` stays in it."""
    from realisasi_cli import messages
    from realisasi_cli.cli.handler import state
    from realisasi_cli.present.words import language, use_domain

    state.lang = None
    messages.use(language(None, None))
    use_domain("belanja")


@pytest.fixture(autouse=True)
def _no_facts_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file read afresh: a test that changes a limit must not get an earlier test's facts
    of the same bytes (tests/test_facts_cache.py turns the cache on where it is the subject)."""
    monkeypatch.setenv("REALISASI_CACHE", "off")


@pytest.fixture
def english_messages() -> None:
    """The messages in English, for tests that read which check spoke from its words."""
    from realisasi_cli import messages

    messages.use("en")
