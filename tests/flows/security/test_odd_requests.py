"""Every endpoint of the proxy and of pix_core, sent odd requests: never a 5xx.

The endpoints come from the applications themselves (SATOSA's module router, the probes
and ``/metrics`` for the proxy; the Werkzeug URL map, static files, probes and ``/metrics``
for pix_core), so a new endpoint is covered without touching this file, and a route
argument without a sample value fails the test. Each endpoint gets wrong methods, empty
bodies without a Content-Type, bodies of odd types, junk query strings, malformed
lengths, huge and malformed headers, as an anonymous visitor and with the credentials a
real caller holds (a login's state cookie, a client's secret, an access token, a pupil's
or a teacher's session). Then the parameters each endpoint reads (the OAuth ones, and
the fields of every form pix_core shows) are dropped, duplicated, emptied, stretched
and mis-encoded one at a time.

Every answer must be below 500; every 4xx one of our French pages (the error page with
its reference, or a form shown again with its message) or the OAuth error JSON; a method
an endpoint does not serve, a 4xx. All failures of a
group are reported together (method, path, variant, status).
"""

from __future__ import annotations

import base64
import contextlib
import io
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import pytest
from werkzeug.routing import Rule
from werkzeug.test import EnvironBuilder, run_wsgi_app

from gar_sim.users import SCHOOL_UAI
from kernel.metrics_endpoint import METRICS_PATH
from pix_core.app import URL_MAP
from pix_core.campaigns.adapters.target_catalog import ContentCatalog
from pix_core.evaluation.adapters.content_bank import default_content
from pixgar.cli import main as pixgar
from proxy.observability.health import HEALTH_PATHS
from tests.flows.conftest import Browser, make_stack
from tests.flows.security.conftest import PYSAML2_TMPFILE_LEAK
from tests.support.browsing import forms_of
from tests.support.oidc_client import OidcClient
from tests.support.wsgi_transport import routed_session

pytestmark = PYSAML2_TMPFILE_LEAK

TEACHER = "prof.odd@exemple.fr"
HUGE = 16 * 1024
SHOW = 60  # wrong answers printed per failing test
PROBES = [*sorted(HEALTH_PATHS), METRICS_PATH]
PROBE_METHODS = frozenset({"GET", "HEAD"})
EXPECTED_FORMS = {"teacher": {f"/orga/{SCHOOL_UAI}/campagnes", f"/orga/{SCHOOL_UAI}/membres",
                              f"/orga/{SCHOOL_UAI}/import", "/deconnexion"},
                  "pupil": {"/parcours", "/deconnexion"}}
UNKNOWN_PATHS = ["/", "/nothing-here", "/gar", "/gar/", "/pix/", "/.well-known/", "//",
                 "/%ff%fe", "/static/../pix_core/app.py", "/" + "a" * 4000]


# -- odd requests ------------------------------------------------------------------------

@dataclass(frozen=True)
class Odd:
    """One odd request, applicable to any path; ``environ`` overrides the built environ."""

    name: str
    method: str = "GET"
    query: str = ""
    body: bytes = b""
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    environ: tuple[tuple[str, str], ...] = ()


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


FORM = "application/x-www-form-urlencoded"
METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND",
           "FOO"]
ODD_REQUESTS = [
    *(Odd(f"method {m}", m) for m in METHODS),
    # bodies
    Odd("empty POST, no Content-Type", "POST"),
    Odd("empty POST, form", "POST", content_type=FORM),
    Odd("empty POST, JSON", "POST", content_type="application/json"),
    Odd("form body, no Content-Type", "POST", body=b"a=1&b=2"),
    Odd("text/plain body", "POST", body=b"hello", content_type="text/plain"),
    Odd("XML body", "POST", body=b"<x/>", content_type="application/xml"),
    Odd("JSON array", "POST", body=b"[]", content_type="application/json"),
    Odd("JSON string", "POST", body=b'"x"', content_type="application/json"),
    Odd("JSON number value", "POST", body=b'{"a": 1}', content_type="application/json"),
    Odd("JSON nested", "POST", body=b'{"a": {"b": "c"}}', content_type="application/json"),
    Odd("JSON invalid", "POST", body=b"{bad", content_type="application/json"),
    Odd("form not UTF-8", "POST", body=b"\xff\xfe=\xfd", content_type=FORM),
    Odd("form percent-encoded non-UTF-8", "POST", body=b"%ff%fe=%fd", content_type=FORM),
    Odd("form junk separators", "POST", body=b"=&&==&%&;", content_type=FORM),
    Odd("form 5000 fields", "POST", body="&".join(f"f{i}=1" for i in range(5000)).encode(),
        content_type=FORM),
    Odd("form UTF-16 charset", "POST", body="a=é".encode("utf-16"),
        content_type=FORM + "; charset=utf-16"),
    Odd("form 600 KB", "POST", body=b"a=" + b"x" * 600_000, content_type=FORM),
    Odd("multipart without boundary", "POST", body=b"junk", content_type="multipart/form-data"),
    Odd("multipart junk", "POST", body=b"--x\r\njunk", content_type="multipart/form-data; "
                                                                    "boundary=x"),
    Odd("multipart file", "POST", body=b'--x\r\nContent-Disposition: form-data; name="file";'
        b' filename="a.csv"\r\n\r\nx;y\r\n--x--\r\n', content_type="multipart/form-data; "
                                                                  "boundary=x"),
    Odd("odd Content-Type", "POST", body=b"a=1", content_type="a/b/c;;=;"),
    Odd("gzip body that is not gzip", "POST", body=b"a=1", content_type=FORM,
        headers=(("Content-Encoding", "gzip"),)),
    # lengths
    *(Odd(f"Content-Length {v!r}", "POST", body=b"a=1", content_type=FORM,
          environ=(("CONTENT_LENGTH", v),))
      for v in ("abc", "-1", "1e3", " 3 ", "100", "", "٣")),
    Odd("chunked, no length", "POST", body=b"a=1", content_type=FORM,
        headers=(("Transfer-Encoding", "chunked"),), environ=(("CONTENT_LENGTH", ""),)),
    # query strings
    *(Odd(f"query {q[:24]!r}", "GET", query=q) for q in (
        "%", "%zz", "%ff%fe=%fd", "a=1&a=2", "=&&==&", ";;;", "%00=%00", "a[]=1&a[b]=2",
        "a=%E9", "q=" + "x" * HUGE, "&".join(f"f{i}=1" for i in range(5000)))),
    Odd("junk query on a POST", "POST", query="%ff&&=", body=b"a=1", content_type=FORM),
    # headers
    Odd("huge Cookie", headers=(("Cookie", "c=" + "x" * HUGE),)),
    Odd("junk Cookie", headers=(("Cookie", '=; ;;; a=b=c; "x; \x7f=\x01'),)),
    *(Odd(f"Authorization {v[:20]!r}", "POST", content_type=FORM, body=b"a=1",
          headers=(("Authorization", v),)) for v in (
        "Bearer", "Bearer ", "Bearer a b c", "Basic !!!", "Basic " + _b64(b"nocolon"),
        "Basic " + _b64(b":"), "Basic " + _b64(b"\xff:\xfe"), "Basic " + _b64(b"%zz:%"),
        "Negotiate abc", "Bearer \xe9\xff", "x" * HUGE)),
    Odd("huge header", headers=(("X-Junk", "x" * HUGE),)),
    Odd("odd Host", headers=(("Host", "evil.example:99999"),)),
    Odd("junk forwarding headers", headers=(("X-Forwarded-For", "not an address, ,"),
                                            ("X-Forwarded-Proto", "gopher"))),
    Odd("junk X-Request-Id", headers=(("X-Request-Id", "\x01" + "r" * 300),)),
    Odd("junk conditional and range headers", headers=(
        ("If-Modified-Since", "yesterday"), ("If-None-Match", '"'), ("Range", "bytes=junk"),
        ("Accept", "*/*;q=x"), ("Accept-Language", ";;q=é"), ("Accept-Encoding", "x;q=2"))),
    Odd("odd Origin and Referer", headers=(("Origin", "null"), ("Referer", "::"))),
]


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes


def send(app, origin: str, path: str, odd: Odd, headers: Iterable[tuple[str, str]] = (),
         address: str = "127.0.0.1") -> Answer:
    """``odd`` sent to ``path`` of ``app`` (``headers``: the caller's own credentials)."""
    merged = dict(headers)
    merged.update(odd.headers)  # the odd request's own headers win
    builder = EnvironBuilder(method=odd.method, base_url=origin, query_string=odd.query,
                             headers=list(merged.items()), data=odd.body,
                             content_type=odd.content_type)
    environ = builder.get_environ()
    environ["PATH_INFO"] = path  # raw, as a server would hand it over (no re-quoting)
    environ["REMOTE_ADDR"] = address
    if odd.content_type is None:
        environ.pop("CONTENT_TYPE", None)
    environ.update(dict(odd.environ))
    app_iter, status, response_headers = run_wsgi_app(app, environ, buffered=True)
    body = b"".join(app_iter)
    return Answer(int(status.split()[0]), response_headers.get("Content-Type", ""), body)


def problem(answer: Answer, method: str, served: frozenset[str] | None) -> str | None:
    """Why ``answer`` is wrong, or None: 5xx, a 4xx that is neither page nor OAuth JSON."""
    if answer.status >= 500:
        return f"HTTP {answer.status}"
    if served is not None and method not in served and answer.status < 400:
        return f"HTTP {answer.status} to a method the endpoint does not serve"
    if answer.status < 400 or method == "HEAD":
        return None
    if answer.content_type.startswith("text/html"):
        # the error page, or a form shown again with its inline message: ours, in French
        if '<html lang="fr">' in answer.body.decode("utf-8", "replace"):
            return None
        return f"HTTP {answer.status}: an HTML page that is not one of ours"
    if answer.content_type.startswith("application/json"):
        with contextlib.suppress(ValueError):
            if isinstance(error := json.loads(answer.body).get("error"), str) and error:
                return None
    return f"HTTP {answer.status} {answer.content_type!r}: neither error page nor OAuth JSON"


class Findings:
    """Every wrong answer of a group of requests, reported at once."""

    def __init__(self) -> None:
        self.sent = 0
        self.wrong: list[str] = []
        self._addresses = itertools.count(1)

    def address(self) -> str:
        """A client address per request, so per-address attempt limits hide no code path."""
        return f"2001:db8::{next(self._addresses):x}"

    def check(self, answer: Answer, method: str, where: str, variant: str,
              served: frozenset[str] | None = None) -> None:
        self.sent += 1
        if (why := problem(answer, method, served)) is not None:
            self.wrong.append(f"{method} {where[:80]} [{variant}]: {why}")

    def report(self) -> str:
        shown = "\n".join(self.wrong[:SHOW])
        more = f"\n... and {len(self.wrong) - SHOW} more" if len(self.wrong) > SHOW else ""
        return f"{len(self.wrong)} wrong answers out of {self.sent}:\n{shown}{more}"


# -- the stack, its callers and its endpoints ---------------------------------------------

@dataclass
class Callers:
    """The stack and what its real callers hold, for requests to carry."""

    stack: object
    proxy: str
    pix: str
    proxy_identities: dict[str, list[tuple[str, str]]]
    pix_identities: dict[str, list[tuple[str, str]]]
    samples: dict[str, list[str]]
    oidc: OidcClient


def _cookie_header(session, origin: str) -> list[tuple[str, str]]:
    host = urlsplit(origin).hostname
    pairs = [f"{c.name}={c.value}" for c in session.cookies if host in (c.domain or host)]
    return [("Cookie", "; ".join(pairs))] if pairs else []


def _teacher_session(stack, pix: str):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert pixgar(["orga", "add-admin", "--uai", SCHOOL_UAI, "--email", TEACHER,
                       "--first-name", "Paule", "--last-name", "Prof"]) == 0
    password = re.search(r"temporary password \(shown once\): (\S+)", out.getvalue())
    assert password, "no temporary password printed"
    session, _ = routed_session(dict(stack.apps))
    login = session.get(f"{pix}/orga/connexion")
    fields = next(f for f in forms_of(login.text) if f["action"] == "/orga/connexion")["fields"]
    done = session.post(f"{pix}/orga/connexion",
                        data={**fields, "email": TEACHER, "password": password.group(1)})
    assert done.url == f"{pix}/orga", done.status_code
    return session


def _post_form(session, page, action: str, **fields: str):
    found = next(f for f in forms_of(page.text) if f["action"].startswith(action))
    origin = page.url.split("/", 3)
    return session.post(f"{origin[0]}//{origin[2]}{found['action']}",
                        data={**found["fields"], **fields})


@pytest.fixture(scope="module")
def callers(tmp_path_factory, redis_url) -> Callers:
    """Its own stack (its attempt counters stay here), a teacher, a pupil, a client."""
    stack = make_stack(tmp_path_factory.mktemp("odd"), redis_url)
    proxy, pix = stack.env["PROXY_BASE_URL"], stack.env["PIX_BASE_URL"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", stack.env["DATABASE_URL"])
        teacher = _teacher_session(stack, pix)
    target = ContentCatalog(default_content()).choices()[0]
    listing = teacher.get(f"{pix}/orga/{SCHOOL_UAI}/campagnes")
    created = _post_form(teacher, listing, f"/orga/{SCHOOL_UAI}/campagnes", name="Odd",
                         target=target.key)
    campaign = created.url.rsplit("/", 1)[1]

    pupil = Browser(stack, *routed_session(dict(stack.apps)))
    profile = pupil.post_saml(pupil.click_pix(pupil.open_mediacentre("lea-lefevre")))
    assert profile.url == f"{pix}/profil"
    start = pupil.session.get(f"{pix}/competences/1.1/evaluation")
    evaluation = _post_form(pupil.session, start, "/competences/1.1/evaluation")
    assessment = evaluation.url.rsplit("/", 1)[1]
    assert assessment.isdigit(), evaluation.url

    oidc = OidcClient(routed_session(dict(stack.apps))[0], stack.env)
    _, tokens = oidc.login()
    in_progress = routed_session(dict(stack.apps))[0]
    query, _ = oidc.authorization_query()
    in_progress.get(f"{proxy}/gar/pix/authorization?{urlencode(query)}", allow_redirects=False)
    basic = _b64(f"{oidc.client_id}:{oidc.secret}".encode())
    return Callers(
        stack, proxy, pix,
        proxy_identities={
            "anonymous": [],
            "login in progress": _cookie_header(in_progress, proxy),
            "relying party": [("Authorization", f"Basic {basic}")],
            "access token": [("Authorization", f"Bearer {tokens['access_token']}")],
        },
        pix_identities={"anonymous": [], "pupil": _cookie_header(pupil.session, pix),
                        "teacher": _cookie_header(teacher, pix)},
        samples={"uai": [SCHOOL_UAI, "0000000A"], "code": [campaign, "1.1", "NOPE"],
                 "token": ["not-an-invitation"], "assessment_id": [assessment, "999999"],
                 "session_id": ["1", "999999"], "candidate_id": ["1", "999999"]},
        oidc=oidc,
    )


def proxy_paths(app) -> list[str]:
    """A concrete path for every endpoint SATOSA routes, then the probes and stray paths."""
    router = app.module_router
    regexes = [regex for kind in (router.frontends, router.backends, router.micro_services)
               for module in kind.values() for regex, _ in module["endpoints"]]
    paths = []
    for regex in regexes:
        path = "/" + regex.removeprefix("^").removesuffix("$").replace("\\.", ".")
        concrete = f"endpoint {regex!r}: give this test a concrete path for it"
        assert re.fullmatch(r"[\w/.-]+", path), concrete
        assert re.match(regex, path[1:]), concrete
        paths.append(path)
    return paths


def pix_paths(samples: dict[str, list[str]], *, every_sample: bool = True
              ) -> list[tuple[Rule, str]]:
    """Every rule of pix_core's URL map, with each sample value of its arguments (or the
    first only: a real organisation, campaign, assessment)."""
    adapter = URL_MAP.bind("localhost")
    found = []
    for rule in URL_MAP.iter_rules():
        names = sorted(rule.arguments)
        missing = [name for name in names if name not in samples]
        assert not missing, f"route {rule.rule}: add sample values for {missing}"
        combinations = list(itertools.product(*(samples[name] for name in names)))
        for values in combinations if every_sample else combinations[:1]:
            found.append((rule, adapter.build(rule.endpoint, dict(zip(names, values,
                                                                      strict=True)))))
    return found


def test_the_endpoints_are_enumerated(callers):
    proxy = proxy_paths(callers.stack.apps[callers.proxy])
    assert {"/pix/token", "/pix/userinfo", "/gar/pix/authorization", "/gar/acs/post",
            "/.well-known/openid-configuration", "/pix/jwks"} <= set(proxy)
    rules = {rule.rule for rule, _ in pix_paths(callers.samples)}
    assert {"/connexion/oidc/callback", "/orga/<uai>/import", "/evaluations/<int:assessment_id>",
            "/campagnes/<code>"} <= rules


# -- the generic matrix ------------------------------------------------------------------

def test_the_proxy_answers_every_odd_request_below_500(callers):
    app, findings = callers.stack.apps[callers.proxy], Findings()
    endpoints = [(p, None) for p in proxy_paths(app)] + [(p, PROBE_METHODS) for p in PROBES]
    for path, served in endpoints + [(p, None) for p in UNKNOWN_PATHS]:
        for who, headers in callers.proxy_identities.items():
            for odd in ODD_REQUESTS:
                answer = send(app, callers.proxy, path, odd, headers, findings.address())
                findings.check(answer, odd.method, path, f"{who}: {odd.name}", served)
    assert not findings.wrong, findings.report()


def test_pix_core_answers_every_odd_request_below_500(callers):
    app, findings = callers.stack.apps[callers.pix], Findings()
    endpoints = [(path, frozenset(rule.methods or ())) for rule, path in
                 pix_paths(callers.samples, every_sample=False)]
    endpoints += [(p, PROBE_METHODS) for p in PROBES] + [("/static/pix.css", PROBE_METHODS)]
    for path, served in endpoints + [(p, None) for p in UNKNOWN_PATHS]:
        for who, headers in callers.pix_identities.items():
            for odd in ODD_REQUESTS:
                answer = send(app, callers.pix, path, odd, headers, findings.address())
                findings.check(answer, odd.method, path, f"{who}: {odd.name}", served)
    assert not findings.wrong, findings.report()


def test_pix_core_answers_every_method_on_every_sample_route_below_500(callers):
    """Unknown organisations, campaigns, assessments, invitations: each method, each caller."""
    app, findings = callers.stack.apps[callers.pix], Findings()
    for rule, path in pix_paths(callers.samples):
        for who, headers in callers.pix_identities.items():
            for odd in ODD_REQUESTS[:len(METHODS)]:
                answer = send(app, callers.pix, path, odd, headers, findings.address())
                findings.check(answer, odd.method, path, f"{who}: {odd.name}",
                               frozenset(rule.methods or ()))
    assert not findings.wrong, findings.report()


# -- parameters: dropped, duplicated, emptied, stretched, mis-encoded ---------------------

def parameter_variants(fields: dict[str, str]) -> Iterator[tuple[str, bytes]]:
    """``fields`` as sent, then with one parameter changed at a time (url-encoded bytes)."""
    def encode(pairs: list[tuple[str, str]], raw: bytes = b"") -> bytes:
        return urlencode(pairs).encode("ascii") + raw

    pairs = list(fields.items())
    yield "as is", encode(pairs)
    yield "unknown extra", encode([*pairs, ("zz_unknown", "1")])
    for index, (name, value) in enumerate(pairs):
        others = pairs[:index] + pairs[index + 1:]
        yield f"{name} missing", encode(others)
        yield f"{name} twice", encode([*pairs, (name, value)])
        yield f"{name} twice, other value", encode([*pairs, (name, value + "x")])
        yield f"{name} empty", encode([*others, (name, "")])
        yield f"{name} huge", encode([*others, (name, "x" * HUGE)])
        yield f"{name} NUL", encode([*others, (name, "\x00")])
        yield f"{name} not UTF-8", encode(others, f"&{name}=%ff%fe".encode())
        yield f"{name} unpaired surrogate", encode(others, f"&{name}=%ed%a0%80".encode())


def send_parameters(app, origin: str, path: str, fields: dict[str, str], caller: str,
                    headers, findings: Findings, *, get: bool = True, post: bool = True
                    ) -> None:
    """Each variant of ``fields`` as a query (``get``) and as a form body (``post``)."""
    for variant, encoded in parameter_variants(fields):
        requests = ([Odd(variant, "GET", query=encoded.decode("ascii"))] if get else []) + (
            [Odd(variant, "POST", body=encoded, content_type=FORM)] if post else [])
        for odd in requests:
            answer = send(app, origin, path, odd, headers, findings.address())
            findings.check(answer, odd.method, path, f"{caller}: {variant}")


def test_the_proxy_oauth_parameters_one_at_a_time(callers):
    app, findings, oidc = callers.stack.apps[callers.proxy], Findings(), callers.oidc
    query, _ = oidc.authorization_query(  # with every parameter of OIDC Core §3.1.2.1
        login_hint="x", prompt="login", max_age="60", display="page", ui_locales="fr",
        claims_locales="fr", acr_values="x", id_token_hint="a.b.c", response_mode="query",
        claims='{"userinfo": {"given_name": null}}', registration="{}", request="a.b.c",
        request_uri="https://localhost:8444/r")
    for who, headers in callers.proxy_identities.items():
        send_parameters(app, callers.proxy, "/gar/pix/authorization", query, who, headers,
                        findings)
    authz = oidc.authorize()
    token = {"grant_type": "authorization_code", "code": authz.code,
             "redirect_uri": oidc.redirect_uri, "code_verifier": authz.verifier,
             "client_id": oidc.client_id, "client_secret": oidc.secret}
    send_parameters(app, callers.proxy, "/pix/token", token, "secret in the body", [],
                    findings)
    basic = callers.proxy_identities["relying party"]
    without_secret = {k: v for k, v in token.items() if k != "client_secret"}
    send_parameters(app, callers.proxy, "/pix/token", without_secret, "Basic", basic,
                    findings)
    access = callers.proxy_identities["access token"][0][1].removeprefix("Bearer ")
    for who, headers in callers.proxy_identities.items():
        send_parameters(app, callers.proxy, "/pix/userinfo", {"access_token": access}, who,
                        headers, findings)
        send_parameters(app, callers.proxy, "/gar/acs/post",
                        {"SAMLResponse": _b64(b"<samlp:Response/>"),
                         "RelayState": callers.pix}, who, headers, findings)
    assert not findings.wrong, findings.report()


def test_pix_core_callback_and_login_initiation_parameters(callers):
    """The two pages the OP and the GAR send a browser to, with their parameters odd."""
    app, findings = callers.stack.apps[callers.pix], Findings()
    callback = {"code": "abc", "state": "def", "iss": callers.proxy, "error": "access_denied",
                "error_description": "x"}
    initiation = {"iss": callers.proxy, "target_link_uri": callers.pix + "/profil",
                  "login_hint": "h"}
    for who, headers in callers.pix_identities.items():
        send_parameters(app, callers.pix, "/connexion/oidc/callback", callback, who, headers,
                        findings, post=False)
        send_parameters(app, callers.pix, "/connexion/gar/initier", initiation, who, headers,
                        findings)
    assert not findings.wrong, findings.report()


def test_pix_core_form_fields_one_at_a_time(callers):
    """Every form a pupil or a teacher is shown, each field changed in turn, as its user.

    Last of the module: the valid variant of the log-out form ends the callers' sessions.
    """
    app, findings, found = callers.stack.apps[callers.pix], Findings(), {}
    for who, headers in callers.pix_identities.items():
        forms = {}
        for rule, path in pix_paths(callers.samples):
            if "GET" not in (rule.methods or ()):
                continue
            page = send(app, callers.pix, path, Odd("page"), headers)
            for form in forms_of(page.body.decode("utf-8", "replace")):
                if form["action"].startswith("/"):
                    forms.setdefault((form["action"], form["method"]), form["fields"])
        # log-out last: its valid variant ends the session the other forms need
        for (action, method), fields in sorted(forms.items(),
                                               key=lambda item: item[0][0] == "/deconnexion"):
            send_parameters(app, callers.pix, action.partition("?")[0], fields, who, headers,
                            findings, get=method == "get", post=method == "post")
        found[who] = {action for action, _ in forms}
    assert EXPECTED_FORMS["teacher"] <= found["teacher"], found["teacher"]
    assert EXPECTED_FORMS["pupil"] <= found["pupil"], found["pupil"]
    assert not findings.wrong, findings.report()
