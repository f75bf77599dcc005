"""The CSP middleware that keeps the settings' headers sets what django-csp's own one sets."""

from __future__ import annotations

from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, SimpleTestCase, override_settings

from motcua.core.middleware import ContentSecurityPolicyMiddleware

POLICY = {"DIRECTIVES": {"default-src": ["'self'"], "script-src": ["'self'", NONCE]}}
REPORT_ONLY = {
    "DIRECTIVES": {"default-src": ["'none'"], "report-uri": ["/csp/"]},
    "EXCLUDE_URL_PREFIXES": ["/quiet/"],
}


def answer(**attributes: object) -> HttpResponse:
    response = HttpResponse("x")
    for name, value in attributes.items():
        setattr(response, name, value)
    return response


class ContentSecurityPolicyTests(SimpleTestCase):
    def headers(self, middleware_class, path="/", nonce=False, preset=None, **attributes):
        request = RequestFactory().get(path)
        middleware = middleware_class(lambda _request: answer(**attributes))
        middleware.process_request(request)
        if nonce:
            str(request.csp_nonce)
        response = answer(**attributes)
        for header, value in (preset or {}).items():
            response[header] = value
        response = middleware.process_response(request, response)
        shown = {h: response.get(h) for h in (HEADER, HEADER_REPORT_ONLY)}
        if nonce:
            nonce_value = request._csp_nonce
            shown = {h: v.replace(nonce_value, "N") if v else v for h, v in shown.items()}
        return shown

    def assertSameHeaders(self, **case):
        with self.subTest(**case):
            mine = self.headers(ContentSecurityPolicyMiddleware, **case)
            theirs = self.headers(CSPMiddleware, **case)
            self.assertEqual(mine, theirs)

    def every_case(self):
        self.assertSameHeaders()
        self.assertSameHeaders(path="/quiet/page")
        self.assertSameHeaders(nonce=True)
        self.assertSameHeaders(_csp_exempt=True)
        self.assertSameHeaders(_csp_exempt_ro=True)
        self.assertSameHeaders(_csp_update={"img-src": ["data:"]})
        self.assertSameHeaders(_csp_replace={"script-src": ["'none'"]})
        self.assertSameHeaders(_csp_config={"default-src": ["https:"]})
        self.assertSameHeaders(_csp_update_ro={"img-src": ["data:"]})
        self.assertSameHeaders(preset={HEADER: "default-src 'none'"})

    def test_the_projects_policy(self):
        self.every_case()
        self.assertIn("default-src 'self'", self.headers(ContentSecurityPolicyMiddleware)[HEADER])

    @override_settings(
        CONTENT_SECURITY_POLICY=POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY=REPORT_ONLY
    )
    def test_other_policies_once_the_settings_change(self):
        self.every_case()
        shown = self.headers(ContentSecurityPolicyMiddleware)
        # django-csp orders the directives by a set's iteration: per process.
        directives = set(shown[HEADER].split("; "))
        self.assertEqual(directives, {"default-src 'self'", "script-src 'self'"})
        self.assertIn("report-uri /csp/", shown[HEADER_REPORT_ONLY])

    @override_settings(CONTENT_SECURITY_POLICY=None)
    def test_no_policy_no_header(self):
        self.every_case()
        self.assertIsNone(self.headers(ContentSecurityPolicyMiddleware)[HEADER])

    def test_a_nonce_asked_for_after_the_headers_is_an_error(self):
        request = RequestFactory().get("/")
        middleware = ContentSecurityPolicyMiddleware(lambda _request: answer())
        middleware.process_request(request)
        middleware.process_response(request, answer())
        with self.assertRaises(CSPNonceError):
            str(request.csp_nonce)
