from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    """``?page=N`` (from 1) and ``?page_size=`` up to 500; a page past the last is a 404.
    Links in ``next`` and ``previous`` are absolute and keep the other parameters."""

    page_size_query_param = "page_size"
    max_page_size = 500
    page_size_query_description = "How many results a page holds (1 to 500; default 50)."
    page_query_description = "The page, from 1."
