"""The portal's settings with Django's model backend alone, for seeding the benchmark's
databases only.

``seed_demo`` submits demo reports, which notifies whoever may review them; that lookup
(``User.objects.with_perm``) refuses to run while several authentication backends are
configured (django-axes adds one). Seeding logs nobody in, so one backend changes nothing
else. ``bench/run.py`` falls back to these settings only when ``seed_demo`` fails that way.
"""

from celac_ppt.settings import *  # noqa: F403

AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
