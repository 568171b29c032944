"""Crawlers may read the public pages, and are asked to leave the pages for signed-in people
and the forms alone."""

import urllib.robotparser

import pytest

from tests.test_addresses import PAGES

pytestmark = pytest.mark.django_db


def test_robots_txt_lets_crawlers_read_public_pages_only(client, plan):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    rules = response.content.decode()
    assert rules.startswith("User-agent: *\n")
    # Python's parser knows no wildcards: the rules that name a folder under every language
    # are read as Google and Bing read them.
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(line for line in rules.splitlines() if "*/" not in line)
    for page in PAGES:
        if page != "REPORT":
            assert parser.can_fetch("*", f"/es{page}"), page
    assert not parser.can_fetch("*", "/admin/")
    for folder in ("accounts", "my-state", "review", "follow"):
        assert f"Disallow: /*/{folder}/" in rules
