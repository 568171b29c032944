from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


class AnonThrottle(AnonRateThrottle):
    """DRF's anonymous rate limit, read from the settings when a request comes rather than
    once at import, so that a change of ``REST_FRAMEWORK`` (tests) applies."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
