"""Data flows one way: no two stage packages import each other (directly or round a loop)."""

from __future__ import annotations

import ast
from pathlib import Path

import enclave

ROOT = Path(enclave.__file__).parent


def _package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).parts
        pkg = rel[0].removesuffix(".py")
        deps = graph.setdefault(pkg, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == "enclave" and len(parts) > 1 and parts[1] != pkg:
                    deps.add(parts[1])
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}

    def visit(n: str, path: list[str]) -> list[str] | None:
        state[n] = 1
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return path + [n, m]
            if m not in state and (found := visit(m, path + [n])):
                return found
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state and (found := visit(n, [])):
            return found
    return None


def test_stage_packages_form_no_cycle():
    graph = _package_graph()
    graph.pop("cli", None)  # the thin CLI registers every stage's command
    graph.pop("__init__", None)  # enclave.run_case is a lazy alias of the pipeline's
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_check_sees_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) is not None
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
