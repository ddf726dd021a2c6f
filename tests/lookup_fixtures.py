"""Session fixtures over the hand-drawn tiny layer set of ``tiny_layers.py``.

Test modules load them with ``pytest_plugins = ["lookup_fixtures"]``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tiny_layers import build_tiny_layers

from geozone.catalog import Catalog, load_catalog
from geozone.rules import RuleTable, load_rules


@pytest.fixture(scope="session")
def tiny_layers_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny layer set written once per session."""
    return build_tiny_layers(tmp_path_factory.mktemp("tiny_layers"))


@pytest.fixture(scope="session")
def tiny_catalog(tiny_layers_dir: Path) -> Catalog:
    """The tiny layer set, loaded."""
    return load_catalog(tiny_layers_dir, check_shift=False)


@pytest.fixture(scope="session")
def tiny_rules(tiny_layers_dir: Path) -> RuleTable:
    """The tiny rule table, loaded."""
    return load_rules(tiny_layers_dir / "rules")
