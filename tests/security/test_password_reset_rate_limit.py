"""Password reset by e-mail is rate-limited per address and per client (``PASSWORD_RESET_LIMIT_*``):
ten requests for one address send at most the limit of e-mails, many addresses from one client
too, and the answer is the same page every time — limited or not, known address or not. The
counters live in the configured cache, which separate processes share."""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.test import Client

from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[2]
PER_ADDRESS = 3
PER_CLIENT = 10
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.fixture(autouse=True)
def limits(settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = PER_ADDRESS
    settings.PASSWORD_RESET_LIMIT_PER_CLIENT = PER_CLIENT
    settings.PASSWORD_RESET_LIMIT_WINDOW_SECONDS = 3600


def _reset(email: str, *, client_ip: str = "10.1.0.1"):
    """POST the reset form and follow to the page the person sees: (status, location, page)."""
    client = Client(REMOTE_ADDR=client_ip)
    answer = client.post("/accounts/password/reset/", {"email": email})
    page = client.get(answer["Location"]).content.decode()
    return answer.status_code, answer["Location"], CSRF_TOKEN.sub("", page)  # a new token on every page


def test_ten_requests_for_one_address_send_at_most_the_limit(responsible, mailoutbox):
    answers = {_reset(responsible.email) for _request in range(10)}
    assert len(mailoutbox) == PER_ADDRESS
    assert all(mail.to == [responsible.email] for mail in mailoutbox)
    # Every answer was the same redirect to the same page, the limited ones included.
    assert len(answers) == 1
    status, location, page = answers.pop()
    assert status == 302 and location == "/accounts/password/reset/sent/" and "Проверьте почту" in page
    # Another client asking for the same address gets nothing more either (the address is counted).
    assert _reset(responsible.email, client_ip="10.1.0.2")[:2] == (302, location)
    assert len(mailoutbox) == PER_ADDRESS
    # The next window allows the address again.
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(hours=1, minutes=1)):
        _reset(responsible.email, client_ip="10.1.0.2")
    assert len(mailoutbox) == PER_ADDRESS + 1
    print(f"proved: 10 reset requests for one address sent {PER_ADDRESS} e-mails, every answer the same page")


def test_the_answer_does_not_tell_whether_an_address_exists_or_was_limited(responsible, mailoutbox):
    known_first = _reset(responsible.email, client_ip="10.1.0.3")
    unknown_first = _reset("nobody@example.test", client_ip="10.1.0.4")
    for _request in range(PER_ADDRESS + 2):
        known_last = _reset(responsible.email, client_ip="10.1.0.3")
        unknown_last = _reset("nobody@example.test", client_ip="10.1.0.4")
    assert known_first == unknown_first == known_last == unknown_last
    assert len(mailoutbox) == PER_ADDRESS


def test_many_addresses_from_one_client_are_limited(db, mailoutbox):
    people = [make_user(f"person{number}") for number in range(PER_CLIENT + 5)]
    answers = {_reset(person.email, client_ip="10.1.0.5") for person in people}
    assert len(answers) == 1
    assert len(mailoutbox) == PER_CLIENT
    # The limit is the client's, not everybody's: another client still gets its e-mail.
    _reset(people[-1].email, client_ip="10.1.0.6")
    assert len(mailoutbox) == PER_CLIENT + 1
    assert mailoutbox[-1].to == [people[-1].email]
    print(f"proved: {len(people)} addresses from one client sent {PER_CLIENT} e-mails; another client is unaffected")


_COUNT_IN_A_PROCESS = """
import django
django.setup()
from accounts.ratelimit import password_reset_allowed
print([password_reset_allowed(email="someone@example.test", client=f"10.2.0.{n}") for n in range({n})])
"""


def test_processes_share_the_counters(tmp_path):
    """The settings' own cache (not the tests' in-memory one): what one web process counted,
    the next one sees."""
    env = {**os.environ, "VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    for name in ("CACHE_URL", "PASSWORD_RESET_LIMIT_PER_ADDRESS", "PASSWORD_RESET_LIMIT_PER_CLIENT"):
        env.pop(name, None)

    def run(count: int) -> str:
        done = subprocess.run(
            [sys.executable, "-c", _COUNT_IN_A_PROCESS.replace("{n}", str(count))],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert run(3) == "[True, True, True]"
    assert run(1) == "[False]"
    assert (tmp_path / "cache").is_dir()
