"""One representation per address.

The API's responses are public pages (``celac_ppt.http``): kept and revalidated under a tag
made of the data versions, the release and the address, not the request's headers. So an
address must give the same bytes whatever ``Accept`` says: the view's first renderer always
answers (JSON for the API; the schema views list their own), never a 406 or the browsable
API.
"""

from rest_framework.negotiation import BaseContentNegotiation


class AlwaysJSON(BaseContentNegotiation):
    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
