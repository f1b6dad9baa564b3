"""The load test's journeys: executives, managers and reviewers at work.

Each simulated person signs in through the real sign-in page (a reviewer then
types the code of the authenticator app set up with the public demo secret),
then walks their pages with a few seconds between clicks:

- an executive reads the portfolio dashboard, a partner's and a partnership's;
- a manager opens their home page, their partnerships and one of them, the
  partner list, searches partners as in a picker, and their inbox;
- a reviewer opens the review queue, a scorecard in it and the assessments.

Run by `python -m tooling.loadtest` (`make loadtest`) against the portfolio
and people `tooling.loadtest.prepare` made. This file runs inside Locust,
without Django: what it needs comes in environment variables.

    LOADTEST_PASSWORD       everyone's password
    LOADTEST_PARTNERSHIPS   how many partnerships (ids 1…N, as the builder gives them)
    LOADTEST_MANAGERS       how many managers (bench-manager-01…), owning the
                            partnerships round robin
    LOADTEST_REVIEWERS      how many reviewers (load-reviewer-1…): each signs in
                            once, as an authenticator code is accepted once per person
    LOADTEST_MAX_REQUESTS   stop the whole run after this many requests (0: no cap)
    LOADTEST_SIGN_IN_JSON   where to write the figures of the sign-in burst (below)

The run has two parts, reported apart. While people sign in (all within a few
seconds, each password check a fifth of a second of CPU), everything queues
behind the password checks; once the last person has signed in and reached
their first page, the figures so far are written to LOADTEST_SIGN_IN_JSON and
Locust's statistics start again, so its summary and CSV are the steady state
of people at work.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

import gevent
from locust import HttpUser, between, events, task

# A sibling module (Locust puts this file's folder on the path): importing this
# file would import Locust, which patches the standard library for gevent.
from totp import DEMO_TOTP_SECRET, seconds_to_a_fresh_code, totp_code

PASSWORD = os.environ.get("LOADTEST_PASSWORD", "accord-load-test")
PARTNERSHIPS = int(os.environ.get("LOADTEST_PARTNERSHIPS", "10000"))
MANAGERS = int(os.environ.get("LOADTEST_MANAGERS", "20"))
REVIEWERS = int(os.environ.get("LOADTEST_REVIEWERS", "5"))
MAX_REQUESTS = int(os.environ.get("LOADTEST_MAX_REQUESTS", "0"))
SIGN_IN_JSON = os.environ.get("LOADTEST_SIGN_IN_JSON", "")
EXECUTIVE = "load-executive"
SCORECARD_LINK = re.compile(r'href="/evaluation/scorecards/(\d+)/"')

_requests = itertools.count(1)
_signed_in = itertools.count(1)
_managers = itertools.cycle(range(1, MANAGERS + 1))
_reviewers = itertools.cycle(range(1, REVIEWERS + 1))


_environment = None


@events.init.add_listener
def _remember(environment, **kwargs):
    global _environment
    _environment = environment


@events.request.add_listener
def _stop_at_the_cap(**kwargs):
    """The run is bounded by its time and, with LOADTEST_MAX_REQUESTS, its requests."""
    if MAX_REQUESTS and next(_requests) == MAX_REQUESTS and _environment.runner is not None:
        gevent.spawn(_environment.runner.quit)


def stats_rows(stats) -> list[dict]:
    """Locust's figures per request name, and all together, as the CSV names them."""

    def row(name, entry):
        return {
            "Name": name,
            "Request Count": entry.num_requests,
            "Failure Count": entry.num_failures,
            "50%": round(entry.median_response_time or 0),
            "95%": round(entry.get_response_time_percentile(0.95) or 0),
            "Requests/s": entry.total_rps,
        }

    entries = sorted(stats.entries.values(), key=lambda entry: entry.name)
    return [*(row(e.name, e) for e in entries), row("Aggregated", stats.total)]


def _everyone_is_in():
    """The last person has signed in and reached their first page: keep the
    burst's figures apart and measure the steady state from here."""
    if SIGN_IN_JSON:
        with open(SIGN_IN_JSON, "w") as file:
            json.dump(stats_rows(_environment.stats), file)
    _environment.stats.reset_all()


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = ""

    def on_start(self):
        self.sign_in()
        self.landing()
        runner = _environment.runner if _environment is not None else None
        if runner is not None and next(_signed_in) == runner.target_user_count:
            _everyone_is_in()

    def landing(self):
        """The page each person starts from once signed in."""

    def _csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def sign_in(self):
        self.client.get("/accounts/login/", name="sign in page")
        with self.client.post(
            "/accounts/login/",
            {"login": self.username, "password": PASSWORD, "csrfmiddlewaretoken": self._csrf()},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="sign in",
            catch_response=True,
        ) as response:
            if "/2fa/authenticate/" in response.url:
                response.success()
                self.second_factor()
            elif "/accounts/login/" in response.url:
                response.failure(f"{self.username} could not sign in")

    def second_factor(self):
        gevent.sleep(seconds_to_a_fresh_code())
        with self.client.post(
            "/accounts/2fa/authenticate/",
            {"code": totp_code(DEMO_TOTP_SECRET), "csrfmiddlewaretoken": self._csrf()},
            headers={"Referer": f"{self.host}/accounts/2fa/authenticate/"},
            name="sign in: second factor",
            catch_response=True,
        ) as response:
            if "/2fa/authenticate/" in response.url:
                response.failure(f"{self.username}'s code was refused")

    def partnership_id(self) -> int:
        return random.randint(1, PARTNERSHIPS)


class Executive(Person):
    weight = 2
    username = EXECUTIVE

    def landing(self):
        self.portfolio()

    @task(3)
    def portfolio(self):
        self.client.get("/dashboards/", name="portfolio dashboard")

    @task(2)
    def partnership_dashboard(self):
        self.client.get(
            f"/dashboards/partnerships/{self.partnership_id()}/", name="partnership dashboard"
        )

    @task(2)
    def partner_dashboard(self):
        # Partner i is the lead member of partnership i.
        self.client.get(f"/dashboards/partners/{self.partnership_id()}/", name="partner dashboard")


class Manager(Person):
    weight = 3

    def on_start(self):
        self.number = next(_managers)
        self.username = f"bench-manager-{self.number:02d}"
        super().on_start()

    def own_partnership(self) -> int:
        # The builder gives partnership i to manager ((i - 1) % MANAGERS) + 1.
        rounds = max(1, (PARTNERSHIPS - self.number) // MANAGERS + 1)
        return self.number + MANAGERS * random.randrange(rounds)

    def landing(self):
        self.home()

    @task(2)
    def home(self):
        self.client.get("/", name="home")

    @task(2)
    def partnerships(self):
        self.client.get("/partnerships/?stage=active", name="partnership list")

    @task(3)
    def partnership(self):
        self.client.get(f"/partnerships/{self.own_partnership()}/", name="partnership")

    @task(1)
    def partners(self):
        self.client.get("/partners/?q=partner", name="partner list")

    @task(2)
    def picker(self):
        self.client.get(
            f"/partners/search/?q={random.randint(1, PARTNERSHIPS):06d}", name="partner search"
        )

    @task(1)
    def inbox(self):
        self.client.get("/inbox/", name="inbox")


class Reviewer(Person):
    weight = 1

    def on_start(self):
        self.username = f"load-reviewer-{next(_reviewers)}"
        super().on_start()

    def landing(self):
        self.queue()

    @task(3)
    def queue(self):
        response = self.client.get("/evaluation/review/", name="review queue")
        found = SCORECARD_LINK.findall(response.text or "")
        if found:
            self.client.get(f"/evaluation/scorecards/{random.choice(found)}/", name="scorecard")

    @task(1)
    def runs(self):
        self.client.get("/evaluation/assessments/", name="assessments")
