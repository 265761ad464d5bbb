"""Personas and shared fixtures (see STYLE.md: secretary, office head, department head,
responsible person, outsider)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection

from accounts.models import Role
from tests.factories import make_group, make_user

PORTFOLIO_GROUP = "Руководители управленческих портфелей департамента образования"


def pytest_configure(config):
    from django.conf import settings

    # Hashing demo passwords properly costs ~0.1 s per user; tests need no such strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Login rate limiting (django-axes) is off by default in tests: it refuses Client.login(),
    # which passes no request. tests/security/test_login_rate_limit.py turns it on.
    settings.AXES_ENABLED = False
    # The cache holds rate-limit counters (password reset): each test process gets its own, in
    # memory, emptied before every test (``_empty_cache``), so no count leaks between tests or
    # runs. Processes sharing the configured cache: tests/security/test_password_reset_rate_limit.py.
    # The API's rendered bodies (revisions.responses) get a memory cache of their own, emptied too.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        settings.API_CACHE: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "api-bodies"},
    }
    # The SQLite test database is recreated on every run, but Django removes only its main file:
    # a write-ahead log left by a run that was killed would be replayed into the new database.
    test_name = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    recreated = not config.getoption("reuse_db", default=False)
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") and test_name and recreated:
        for suffix in ("-wal", "-shm"):
            Path(f"{test_name}{suffix}").unlink(missing_ok=True)


def pytest_collection_modifyitems(config, items):
    """Skip ``@pytest.mark.postgres`` tests when the suite runs on SQLite, and
    ``@pytest.mark.sqlite`` tests when it runs on PostgreSQL."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        marker, skip = "sqlite", pytest.mark.skip(reason="proves the embedded default: run on SQLite (no DATABASE_URL)")
    else:
        marker, skip = "postgres", pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL=postgres://...)")
    for item in items:
        if marker in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _empty_cache():
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def secretary(db):
    return make_user("secretary", role=Role.SECRETARY, short_name="Иванова И.И.",
                     full_name="Иванова Ирина Ивановна", position="секретарь Проектного офиса")


@pytest.fixture
def office_head(db):
    return make_user("office_head", role=Role.OFFICE_HEAD, short_name="Сергеева О.А.",
                     full_name="Сергеева Ольга Александровна", position="руководитель Проектного офиса")


@pytest.fixture
def department_head(db):
    return make_user("department_head", role=Role.DEPARTMENT_HEAD, short_name="Лебедева Л.М.",
                     full_name="Лебедева Людмила Михайловна",
                     position="руководитель департамента образования, координатор проектного управления")


@pytest.fixture
def portfolio_group(db):
    return make_group(PORTFOLIO_GROUP)


@pytest.fixture
def responsible(db, portfolio_group):
    user = make_user("portfolio1", role=Role.RESPONSIBLE, short_name="Петров П.П.",
                     full_name="Петров Пётр Петрович", position="руководитель управленческого портфеля")
    portfolio_group.members.add(user)
    return user


@pytest.fixture
def responsible2(db, portfolio_group):
    user = make_user("portfolio2", role=Role.RESPONSIBLE, short_name="Смирнова А.В.",
                     full_name="Смирнова Анна Викторовна", position="руководитель управленческого портфеля")
    portfolio_group.members.add(user)
    return user


@pytest.fixture
def outsider(db):
    return make_user("outsider", role=Role.NONE, short_name="Посторонний П.П.")


@pytest.fixture
def personas(secretary, office_head, department_head, responsible, outsider):
    return {
        "secretary": secretary,
        "office_head": office_head,
        "department_head": department_head,
        "responsible": responsible,
        "outsider": outsider,
    }


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


SEED_PATH = Path(__file__).resolve().parent.parent / "documents" / "fixtures" / "plan-2023.txt"


@pytest.fixture
def seed_bytes() -> bytes:
    return SEED_PATH.read_bytes()


@pytest.fixture
def seed_plan(db, personas, responsible2, seed_bytes):
    """The 2023 seed imported as a draft plan, with the personas in place (office head =
    «Сергеева О.А.», responsible persons members of the portfolio group)."""
    from documents.importing import plan_import_file

    return plan_import_file(content=seed_bytes, filename="plan-2023.txt").plan


@pytest.fixture
def approved_plan(seed_plan, secretary, office_head, department_head):
    """The seed plan taken through submit → agree → approve."""
    from lifecycle.kernel import fire

    for name, by in (("submit", secretary), ("agree", office_head), ("approve", department_head)):
        fire(obj=seed_plan, name=name, by=by)
    return seed_plan
