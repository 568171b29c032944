"""The WSGI application: Django, behind the server of kept public pages
(``celac_ppt.http.PublicPagesServer``), which answers a revalidation or a kept page itself.

    gunicorn -c celac_ppt/gunicorn.conf.py celac_ppt.wsgi
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "celac_ppt.settings")

django_application = get_wsgi_application()

from celac_ppt.http import PublicPagesServer  # noqa: E402  (needs the settings set up)

application = PublicPagesServer(django_application)
