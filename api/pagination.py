from urllib.parse import urlsplit

from rest_framework.pagination import PageNumberPagination

from commitments.services.links import absolute


def at_site(url):
    """``url`` at the portal's public address (SITE_URL), whatever host it was asked by: a
    response is kept and revalidated for every reader alike."""
    if url is None:
        return None
    parts = urlsplit(url)
    return absolute(parts.path + (f"?{parts.query}" if parts.query else ""))


class Pages(PageNumberPagination):
    """``?page=N`` (from 1) and ``?page_size=`` up to 500; a page past the last is a 404.
    Links in ``next`` and ``previous`` are absolute and keep the other parameters."""

    page_size_query_param = "page_size"
    max_page_size = 500
    page_size_query_description = "How many results a page holds (1 to 500; default 50)."
    page_query_description = "The page, from 1."

    def get_next_link(self):
        return at_site(super().get_next_link())

    def get_previous_link(self):
        return at_site(super().get_previous_link())
