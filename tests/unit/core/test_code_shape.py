"""The redesign's size rule, kept: no module of the package above ~500 lines, no function above ~60.

A module past the limit is where the next change lands and a newcomer stops reading; split it along a real seam
(see docs/design/architecture.md) rather than raising the limit.
"""

from __future__ import annotations

import ast
from pathlib import Path

import crm2odoo

PACKAGE = Path(crm2odoo.__file__).parent
MODULE_LINES = 510
FUNCTION_LINES = 62


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_the_package_is_where_the_rule_looks() -> None:
    assert len(_modules()) > 100 and (PACKAGE / "load" / "executor.py").exists()


def test_no_module_is_too_long() -> None:
    long = {str(p.relative_to(PACKAGE)): n for p in _modules() if (n := p.read_text().count("\n")) > MODULE_LINES}
    assert not long, f"modules above {MODULE_LINES} lines: {long}"


def test_no_function_is_too_long() -> None:
    long = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno is not None:
                length = node.end_lineno - node.lineno + 1
                if length > FUNCTION_LINES:
                    long.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name} ({length} lines)")
    assert not long, f"functions above {FUNCTION_LINES} lines: {long}"
