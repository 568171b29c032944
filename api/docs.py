"""The schema and its interactive documentation.

The schema is in English (its descriptions are for developers) whatever the reader's
language, so its address is one document for everyone, as the page cache expects.

Swagger UI's code and styles are served from static/ (drf-spectacular-sidecar), with its
start-up script as a file of its own (``SpectacularSwaggerSplitView``), so the site's
policy ``script-src 'self'`` holds on this page too. Its template carries one small inline
``<style>`` block: the page's policy allows that block by its hash, and nothing else inline.
"""

import base64
import hashlib
import re
from pathlib import Path

import drf_spectacular
from django.conf import settings
from django.utils import translation
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.views.decorators.csp import csp_override
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import (
    SpectacularJSONAPIView,
    SpectacularSwaggerSplitView,
    SpectacularYAMLAPIView,
)

TEMPLATE = (
    Path(drf_spectacular.__file__).parent / "templates" / "drf_spectacular" / "swagger_ui.html"
)


def _style_hashes():
    text = TEMPLATE.read_text()
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()}'"
        for block in re.findall(r"<style>(.*?)</style>", text, flags=re.S)
    ]


def docs_policy():
    return {**settings.SECURE_CSP, "style-src": [CSP.SELF, *_style_hashes()]}


@method_decorator(csp_override(docs_policy()), name="dispatch")
class Docs(SpectacularSwaggerSplitView):
    url_name = "api:schema-json"
    authentication_classes = []


class EnglishSchema:
    authentication_classes = []

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        with translation.override("en"):
            return self._get_schema_response(request)


class JSONSchema(EnglishSchema, SpectacularJSONAPIView):
    pass


class YAMLSchema(EnglishSchema, SpectacularYAMLAPIView):
    pass
