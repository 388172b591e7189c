"""Browser tests: Debian Chromium driven by Playwright (sync API) against pytest-django's live server.

Without Chromium or Playwright these tests are skipped with the reason shown in the summary;
with ATENSI_REQUIRE_BROWSER=1 (CI) that is a failure instead, so CI cannot skip them silently.
Chromium is /usr/bin/chromium unless ATENSI_CHROMIUM names another binary; Playwright never
downloads a browser here.

The live server answers from its own thread and database connection, so these tests use a
transactional database, which Django empties after each test. Two things follow:
- the audit log refuses DELETE and TRUNCATE (database triggers, common migration 0002), so the
  triggers are dropped just before that flush and put back right after it;
- the master data that tests/conftest.py loads once per session (regions, units, rules) is gone
  after the flush: each browser test loads what it needs (regions without the 83k villages,
  units), and the browser tests are moved to the end of the run so no other test follows them.
"""

import importlib
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

try:
    from playwright.sync_api import expect
except ImportError:  # the tests are then skipped (or failed) with the reason, never run

    def expect(*args, **kwargs):
        raise RuntimeError("Playwright is not installed")


# Playwright's sync API runs an asyncio loop in this thread; Django would otherwise refuse ORM
# calls made from the test (fixtures, assertions) while that loop exists.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

HERE = Path(__file__).resolve().parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 15_000
_state: dict = {}


def chromium_path() -> str:
    return os.environ.get("ATENSI_CHROMIUM") or "/usr/bin/chromium"


def browser_required() -> bool:
    return os.environ.get("ATENSI_REQUIRE_BROWSER", "").strip().lower() in {
        "1",
        "true",
        "yes",
        "on",
    }


def browser_missing() -> str | None:
    """Returns why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"Playwright is not installed ({exc})"
    path = chromium_path()
    if not (os.access(path, os.X_OK) or shutil.which(path)):
        return f"Chromium not found at {path} (install Debian chromium or set ATENSI_CHROMIUM)"
    return None


def _in_this_folder(item) -> bool:
    return item is not None and Path(str(item.path)).resolve().is_relative_to(HERE)


def pytest_collection_modifyitems(config, items):
    # The browser tests run last: the flush after each of them empties the tables the rest of
    # the suite expects filled once per session (see the module docstring).
    items[:] = [i for i in items if not _in_this_folder(i)] + [
        i for i in items if _in_this_folder(i)
    ]
    # Decided before any fixture runs, so a skipped browser test costs no database set-up.
    reason = browser_missing()
    if reason is None or browser_required():
        return
    skip = pytest.mark.skip(reason=f"browser tests skipped: {reason}")
    for item in items:
        if _in_this_folder(item):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session."""
    reason = browser_missing()
    if reason:
        if browser_required():
            pytest.fail(f"ATENSI_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import Error, sync_playwright

    manager = sync_playwright().start()
    try:
        chromium = manager.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
    except Error as exc:
        manager.stop()
        message = f"Chromium at {chromium_path()} did not start: {exc}"
        if browser_required():
            pytest.fail(message, pytrace=False)
        pytest.skip(f"browser tests skipped: {message}")
    yield chromium
    chromium.close()
    manager.stop()


# ---------------------------------------------------------------------------------------------
# The database around a live-server test


def _audit_trigger_sql(vendor: str) -> tuple[list[str], list[str]]:
    migration = importlib.import_module("atensi.common.migrations.0002_audit_log_append_only")
    if vendor == "sqlite":
        return migration.SQLITE, migration.SQLITE_REVERSE
    if vendor == "postgresql":
        return migration.POSTGRES, migration.POSTGRES_REVERSE
    return [], []


def _run(statements: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


@pytest.fixture(scope="session", autouse=True)
def _keep_db_blocker(django_db_blocker):
    # The hook below works after the test's fixtures are gone and needs database access.
    _state["blocker"] = django_db_blocker


@pytest.fixture(autouse=True)
def _browser_master_data(transactional_db):
    """Loads the regions (no villages) and units a browser test needs, if a flush removed them."""
    from django.db import connection

    from atensi.organisation.models import Unit
    from tests.conftest import load_master_data

    if not Unit.objects.exists():
        load_master_data(include_villages=False)
    yield
    # Django flushes every table after this test; the audit log would refuse that.
    _run(_audit_trigger_sql(connection.vendor)[1])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    # After the session's last test the test database is already gone.
    if nextitem is None or not _in_this_folder(item) or "blocker" not in _state:
        return result
    from django.db import connection

    with _state["blocker"].unblock():
        _run(_audit_trigger_sql(connection.vendor)[0])
        if not _in_this_folder(nextitem):
            # Only when another plugin reordered the tests after us: put back what
            # tests/conftest.py loads for the session (its load_master_data() when it has one).
            from tests.conftest import load_master_data

            load_master_data()
    return result


# ---------------------------------------------------------------------------------------------
# Pages


@pytest.fixture
def new_page(browser, live_server):
    """Opens pages in fresh browser contexts (separate cookies) on the live server."""
    contexts = []

    def open_page(width: int = 1280, height: int = 900):
        context = browser.new_context(
            base_url=live_server.url,
            locale="id-ID",
            timezone_id="Asia/Jakarta",
            viewport={"width": width, "height": height},
            accept_downloads=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def login(page, username: str, password: str = PASSWORD, next_path: str = "") -> None:
    """Signs in through the login page like a person would."""
    page.goto(f"/akun/masuk/?next={next_path}" if next_path else "/akun/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()
