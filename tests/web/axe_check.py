"""axe-core (npm, ``node_modules/axe-core``) run in the page by Playwright: the serious and
critical accessibility violations of a page, for the browser tests to assert there are none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.settings import PROJECT_ROOT
from tests.conftest import IN_CI

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"


def require_axe() -> Path:
    if not AXE.is_file():
        reason = f"{AXE} is missing (make setup runs npm install, package.json has axe-core)"
        if IN_CI:
            pytest.fail(f"{reason}, and CI requires it")
        pytest.skip(reason)
    return AXE


def serious_violations(page: Any) -> list[str]:
    """``impact: node`` lines for each serious or critical violation axe finds in ``page``."""
    page.add_script_tag(path=str(require_axe()))
    result = page.evaluate(
        """async () => {
          const found = await axe.run(document, { resultTypes: ['violations'] });
          return found.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' -- ' +
                 v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(' | '));
        }"""
    )
    return list(result)
