"""Imports inside functions are only for heavy or optional libraries, each with its reason.

A function-level import hides a dependency (and once hid three import cycles), so every one
must follow a ``# heavy: ...`` or ``# optional: ...`` comment (the lines of a block share one).
:data:`NOT_YET_REASONED` lists the ones left; the list may only shrink.
"""

from __future__ import annotations

import ast

from bot.settings import PROJECT_ROOT

#: Function-level imports without a reason yet: "path:module".
NOT_YET_REASONED: frozenset[str] = frozenset(
    {
        "bot/web/ratelimit.py:redis.asyncio",
    }
)


def unreasoned_local_imports() -> set[str]:
    found: set[str] = set()
    for path in sorted((PROJECT_ROOT / "bot").rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        tree = ast.parse("\n".join(lines), filename=str(path))
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                if not isinstance(node, (ast.Import, ast.ImportFrom)):
                    continue
                above = node.lineno - 2
                while above >= 0 and lines[above].strip() and not lines[above].strip().startswith(
                    "#"
                ):
                    above -= 1  # the lines of one block share the comment above them
                comment = lines[above].strip() if above >= 0 else ""
                if not comment.startswith(("# heavy", "# optional")):
                    module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                    relative = path.relative_to(PROJECT_ROOT).as_posix()
                    found.add(f"{relative}:{module}")
    return found


def test_every_import_inside_a_function_says_why() -> None:
    unexpected = unreasoned_local_imports() - NOT_YET_REASONED
    assert not unexpected, f"import at the top, or say why not ('# heavy: ...'): {unexpected}"


def test_the_list_of_unreasoned_imports_only_shrinks() -> None:
    fixed = NOT_YET_REASONED - unreasoned_local_imports()
    assert not fixed, f"remove from NOT_YET_REASONED: {fixed}"
