from django.test import RequestFactory, SimpleTestCase

from motcua.core import landing


class LandingRegistryTests(SimpleTestCase):
    def setUp(self):
        self.saved = dict(landing._LANDINGS)
        landing._LANDINGS.clear()
        self.addCleanup(self._restore)
        self.request = RequestFactory().get("/")

    def _restore(self):
        landing._LANDINGS.clear()
        landing._LANDINGS.update(self.saved)

    def test_no_registered_page_means_none(self):
        self.assertIsNone(landing.landing_for(self.request))

    def test_the_highest_priority_that_applies_wins(self):
        landing.register_landing("healthz", lambda r: True, priority=10)
        landing.register_landing("home", lambda r: True, priority=20)
        landing.register_landing("login", lambda r: False, priority=99)
        self.assertEqual(landing.landing_for(self.request), "/")
