"""A small Locust 2.x scenario: browse the home page, search, and check health."""

import random

from locust import HttpUser, between, task

SEARCH_TERMS = ["docker", "kubernetes", "helm", "locust"]


class WebsiteUser(HttpUser):
    """One simulated visitor; Locust starts as many of these as -u asks for."""

    # Each user waits 1-3 seconds between tasks, like a person reading a page.
    wait_time = between(1, 3)

    @task(3)
    def home(self):
        self.client.get("/")

    @task(2)
    def search(self):
        term = random.choice(SEARCH_TERMS)
        # Different query strings, one line in the statistics: name= groups them.
        self.client.get(f"/?q={term}", name="/?q=[term]")

    @task(1)
    def health(self):
        with self.client.get("/health", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"health check returned {response.status_code}")
