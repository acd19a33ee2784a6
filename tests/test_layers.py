"""The layers are a contract the tools check: `lint-imports` (pyproject.toml) must pass."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_are_kept() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout


FRONT_DOOR_MODULES = {"core.usecases", "core.models", "core.errors", "core.config", "core.messages"}


def _core_imports(path: Path) -> set[str]:
    import ast

    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("core"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("core")}
    return found


def test_the_app_and_its_pages_use_only_the_application_layer() -> None:
    """app.py is not a package, so lint-imports cannot see it: the same rule, read here."""
    files = [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py")]
    used = set().union(*(_core_imports(f) for f in files))
    assert used <= FRONT_DOOR_MODULES, sorted(used - FRONT_DOOR_MODULES)
    assert "core.usecases" in used
