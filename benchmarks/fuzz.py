"""Fuzzing the two entries that take hostile bytes: the SIECLE reader and the proxy's ACS.

    .venv/bin/python benchmarks/fuzz.py [--seconds 60] [--target siecle|acs|all]
                                        [--redis-url redis://127.0.0.1:6379/9]

- ``siecle``: ``read_roster_file`` on mutated and generated XML, zipped XML, CSV and
  random bytes (seekable or streamed). It must return a roster or raise the domain
  ``SiecleImportError``; any other exception is a crash.
- ``acs``: POSTs to the proxy's assertion consumer service, in-process (the real WSGI
  app, real signatures, real Redis or an in-process stand-in): mutated base64 of genuine
  signed responses (SP-initiated, with the login's state cookie, and unsolicited), mutated
  XML re-encoded, random text, huge values, odd bodies and content types, mutated
  RelayState. Each genuine response is first used once (accepted), so every fuzzed POST
  must be refused with a 4xx French page carrying an error reference: a 5xx, a page
  without a reference or a redirect (a login) is a crash.

Hypothesis generates and shrinks the inputs (no example database is written). The time
is split between the targets; the script prints the inputs tried per target and the
crashes found (each minimal failing input, shortened), and exits 1 if there is any.
``tests/flows/security/test_fuzz_smoke.py`` runs the same targets for a few hundred
inputs in CI. Not a timed unit test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import io
import logging
import os
import re
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from roster.domain.errors import SiecleImportError  # noqa: E402
from roster.reading import read_roster_file  # noqa: E402
from roster.reading.synthetic import (  # noqa: E402
    siecle_csv,
    siecle_xml,
    synthetic_pupils,
)

# -- byte mutations --------------------------------------------------------------------

TOKENS = [
    b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>", b"&e;", b"&amp;", b"&#0;",
    b"<![CDATA[", b"]]>", b"<?xml version='1.0' encoding='utf-16'?>", b"encoding=\"x\"",
    b"encoding='UTF-7'", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\xc3", b"\xe9", b"PK\x03\x04",
    b";", b'"', b"\r\n", b"\n", b"<", b">", b"/>", b"</ELEVE>", b"<ELEVE ELEVE_ID=\"1\">",
    b"<DATE_NAISS>31/02/2010</DATE_NAISS>", b"<ID_NATIONAL></ID_NATIONAL>", b"9" * 40,
    b"=", b"==", b"+", b"/", b"%", b"<ds:Signature>", b"ID=\"x\"", b"xmlns:x=\"y\"",
]


@st.composite
def mutated(draw: st.DrawFn, seed: bytes, max_ops: int = 8) -> bytes:
    """``seed`` with 1 to ``max_ops`` mutations: flips, inserts, deletions, splices, cuts."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, max_ops))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["flip", "insert", "token", "delete", "duplicate", "cut"]))
        if op == "flip" and data:
            at = min(at, len(data) - 1)
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif op == "token":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 64))]
        elif op == "duplicate":
            data[at:at] = data[at:at + draw(st.integers(1, 256))]
        elif op == "cut":
            del data[at:]
    return bytes(data)


# -- target 1: the SIECLE reader -------------------------------------------------------

PUPILS = synthetic_pupils(3)
XML_SEEDS = [siecle_xml(PUPILS), siecle_xml(PUPILS, encoding="UTF-8"),
             siecle_xml(PUPILS[:1], encoding="UTF-16")]
CSV_SEEDS = [siecle_csv(PUPILS), siecle_csv(PUPILS, bom=True)]
MEMBER_NAMES = ["ElevesSansAdresses.xml", "a.xml", "b.XML", "__MACOSX/._a.xml", ".hidden.xml",
                "dir/", "dir/ElevesSansAdresses.xml", "../../evil.xml", "notes.txt", "",
                "/abs.xml", "x\\y.xml"]
FILENAMES = ["ElevesSansAdresses.xml", "export.zip", "eleves.csv", "export", "x.XML", "x.ZiP",
             "x.txt", "", ".csv", "a\\b.xml", "../x.zip"]


def _zip(members: list[tuple[str, bytes]], compression: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in members:
            archive.writestr(name or "unnamed", content)
    return buffer.getvalue()


ZIP_SEED = _zip([("ElevesSansAdresses.xml", XML_SEEDS[0])], zipfile.ZIP_DEFLATED)


@st.composite
def siecle_files(draw: st.DrawFn) -> tuple[bytes, str, bool]:
    """(content, filename, seekable) of a would-be SIECLE export."""
    kind = draw(st.sampled_from(["xml", "csv", "zip_of_mutated", "mutated_zip", "random"]))
    if kind == "xml":
        data = draw(mutated(draw(st.sampled_from(XML_SEEDS))))
        name = draw(st.sampled_from(["ElevesSansAdresses.xml", "export", "x.XML"]))
    elif kind == "csv":
        data = draw(mutated(draw(st.sampled_from(CSV_SEEDS))))
        name = "eleves.csv"
    elif kind == "zip_of_mutated":
        members = draw(st.lists(st.tuples(st.sampled_from(MEMBER_NAMES),
                                          mutated(draw(st.sampled_from(XML_SEEDS)), 3)),
                                min_size=0, max_size=3, unique_by=lambda m: m[0]))
        compression = draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED,
                                            zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]))
        data = _zip(members, compression)
        name = draw(st.sampled_from(["export.zip", "export", "export.xml"]))
    elif kind == "mutated_zip":
        data = draw(mutated(ZIP_SEED))
        name = draw(st.sampled_from(["export.zip", "export"]))
    else:
        data = draw(st.binary(max_size=2048))
        name = draw(st.sampled_from(FILENAMES) | st.text(max_size=20))
    return data, name, draw(st.booleans())


class _Stream(io.RawIOBase):
    """An upload that can only be read (a request body): not seekable."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self._data.read(len(buffer))
        buffer[:len(chunk)] = chunk
        return len(chunk)


def check_siecle(data: bytes, filename: str, seekable: bool) -> None:
    """A roster or ``SiecleImportError``: any other exception propagates (a crash)."""
    stream: Any = io.BytesIO(data) if seekable else _Stream(data)
    with contextlib.suppress(SiecleImportError):
        read_roster_file(stream, filename)


# -- target 2: the proxy's ACS ----------------------------------------------------------

USERS = ("lea-lefevre", "chloe-benoit", "noe-garcon")
HUGE = [70_000, 600_000]  # over the response limit; over the request body limit
RELAY_STATES = ["", "https://evil.example/", "https://localhost:8444/../x", "javascript:1",
                "%00", "é" * 100]


class AcsCrash(AssertionError):
    """The proxy's answer to a fuzzed POST is not a 4xx French page with a reference."""


@dataclass
class GenuineResponse:
    session: Any  # the browser that started the login (its state cookie), or a bare one
    saml_response: str
    relay_state: str


@dataclass
class AcsTarget:
    """Genuine signed responses, each used once, then fuzzed POSTs to the ACS."""

    stack: Any
    bases: list[GenuineResponse] = field(default_factory=list)

    @property
    def acs_url(self) -> str:
        return f"{self.stack.env['PROXY_BASE_URL']}/gar/acs/post"

    def prepare(self) -> AcsTarget:
        from gar_sim.idp import SimulatedGar
        from gar_sim.settings import settings_from_env
        from proxy.metadata.service_provider import sp_entity_id
        from proxy.settings import ProxySettings
        from tests.support.browsing import forms_of
        from tests.support.wsgi_transport import routed_session

        gar = SimulatedGar(settings_from_env(self.stack.env))
        entity = sp_entity_id(ProxySettings.from_env(self.stack.env))
        for user in USERS:
            session, _ = routed_session(dict(self.stack.apps))
            ent = self.stack.env["ENT_BASE_URL"]
            page = session.post(f"{ent}/connexion", data={"user": user, "next": "mediacentre"})
            link = re.findall(r'href="([^"]*?/gar/acces/pix[^"]*)"', page.text)[0]
            form = forms_of(session.get(link.replace("&amp;", "&")).text)[0]["fields"]
            self._use_once(GenuineResponse(session, form["SAMLResponse"], form["RelayState"]))
            _, response, relay = gar.unsolicited_response(user, entity,
                                                          self.stack.env["PIX_BASE_URL"] + "/")
            bare, _ = routed_session(dict(self.stack.apps))
            self._use_once(GenuineResponse(bare, response, relay))
        return self

    def _use_once(self, base: GenuineResponse) -> None:
        answer = base.session.post(self.acs_url, data={"SAMLResponse": base.saml_response,
                                                       "RelayState": base.relay_state},
                                   allow_redirects=False)
        if answer.status_code != 303:
            raise RuntimeError(f"a genuine response was not accepted: {answer.status_code}")
        self.bases.append(base)

    def inputs(self) -> st.SearchStrategy[dict[str, Any]]:
        """One fuzzed POST: which browser, which body, which content type."""
        @st.composite
        def strategy(draw: st.DrawFn) -> dict[str, Any]:
            base = draw(st.sampled_from(self.bases))
            xml = base64.b64decode(base.saml_response)
            kind = draw(st.sampled_from(["b64", "xml", "text", "random_b64", "huge", "absent",
                                         "genuine", "raw_body"]))
            response: str | None
            if kind == "b64":
                response = draw(mutated(base.saml_response.encode())).decode("latin-1")
            elif kind == "xml":
                response = base64.b64encode(draw(mutated(xml, 4))).decode()
            elif kind == "text":
                response = draw(st.text(max_size=300))
            elif kind == "random_b64":
                response = base64.b64encode(draw(st.binary(max_size=2000))).decode()
            elif kind == "huge":
                response = draw(st.sampled_from("A=<%")) * draw(st.sampled_from(HUGE))
            elif kind == "absent":
                response = None
            else:
                response = base.saml_response  # already used: must be refused as a replay
            relay = draw(st.sampled_from([base.relay_state, None]) | st.sampled_from(RELAY_STATES)
                         | st.text(max_size=200)
                         | st.sampled_from(HUGE).map(lambda n: "R" * n))
            fields = {k: v for k, v in (("SAMLResponse", response), ("RelayState", relay))
                      if v is not None}
            post: dict[str, Any] = {"data": fields}
            if kind == "raw_body":
                post = {"data": draw(st.binary(max_size=600)),
                        "headers": {"Content-Type": draw(st.sampled_from([
                            "application/x-www-form-urlencoded", "application/json",
                            "multipart/form-data; boundary=x", "text/plain",
                            "application/x-www-form-urlencoded; charset=latin-1"]))}}
            session = base.session if draw(st.booleans()) else self._bare_session()
            cookie = draw(st.sampled_from([None, "SATOSA_STATE=x", "a" * 5000,
                                           "SATOSA_STATE=" + base.saml_response[:200]]))
            if cookie:
                post.setdefault("headers", {})["Cookie"] = cookie
            return {"session": session, "post": post}
        return strategy()

    def _bare_session(self) -> Any:
        from tests.support.wsgi_transport import routed_session
        return routed_session(dict(self.stack.apps))[0]

    def check(self, attempt: dict[str, Any]) -> None:
        answer = attempt["session"].post(self.acs_url, allow_redirects=False, **attempt["post"])
        text = answer.text
        if not 400 <= answer.status_code < 500:
            raise AcsCrash(f"status {answer.status_code}")
        if '<html lang="fr">' not in text or "Référence de l'erreur" not in text:
            raise AcsCrash("not the French error page with a reference")
        if "Location" in answer.headers:
            raise AcsCrash("a redirect: the fuzzed response led somewhere")


def build_fuzz_stack(redis_url: str, data_dir: Path) -> Any:
    """A development stack (SQLite, generated keys) whose back channel stays in-process."""
    from pixgar.stack import build_stack, stack_environment
    from tests.support.wsgi_transport import WsgiAdapter, routed_session

    env = stack_environment({"PIXGAR_DATA_DIR": str(data_dir), "REDIS_URL": redis_url})
    back_channel, _ = routed_session({})
    stack = build_stack(env, pix_http_session=back_channel)
    back_channel.mount(env["PROXY_BASE_URL"], WsgiAdapter(stack.apps[env["PROXY_BASE_URL"]]))
    return stack


# -- running a target within a time budget ----------------------------------------------

@dataclass
class Outcome:
    target: str
    tried: int = 0
    crashes: list[str] = field(default_factory=list)


def fuzz(name: str, strategy: st.SearchStrategy[Any], check: Callable[[Any], None],
         seconds: float | None = None, examples: int | None = None,
         batch: int = 100) -> Outcome:
    """Run ``check`` on inputs from ``strategy`` for ``seconds`` or ``examples`` inputs.

    Inputs come in batches of ``batch`` Hypothesis examples; a failing batch is shrunk to
    its minimal input, recorded as a crash, and fuzzing goes on with the next batch.
    """
    outcome = Outcome(name)
    deadline = time.monotonic() + seconds if seconds is not None else None

    def done() -> bool:
        if deadline is not None:
            return time.monotonic() >= deadline
        return outcome.tried >= (examples or 0)

    while not done():
        size = batch if examples is None else min(batch, examples - outcome.tried)

        @settings(max_examples=size, deadline=None, database=None, derandomize=False,
                  suppress_health_check=list(HealthCheck),
                  phases=[Phase.generate, Phase.shrink], report_multiple_bugs=False)
        @given(strategy)
        def run(value: Any) -> None:
            if done() and deadline is not None:
                return  # out of time: let the batch finish quickly
            outcome.tried += 1
            check(value)

        try:
            run()
        except Exception as error:  # a crash: Hypothesis re-raised it on the minimal input
            outcome.crashes.append(f"{type(error).__name__}: {str(error)[:300]}")
            if len(outcome.crashes) >= 20:
                break
    return outcome


def fuzz_siecle(seconds: float | None = None, examples: int | None = None) -> Outcome:
    return fuzz("siecle", siecle_files(), lambda v: check_siecle(*v), seconds, examples)


def fuzz_acs(stack: Any, seconds: float | None = None, examples: int | None = None) -> Outcome:
    target = AcsTarget(stack).prepare()
    return fuzz("acs", target.inputs(), target.check, seconds, examples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="total time (default 60)")
    parser.add_argument("--target", choices=["siecle", "acs", "all"], default="all")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"),
                        help="default: $REDIS_URL, else an in-process stand-in (fakeredis)")
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)  # the proxy logs every refusal: thousands of lines
    targets = ["siecle", "acs"] if args.target == "all" else [args.target]
    share = args.seconds / len(targets)
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="pixgar-fuzz-") as data_dir:
        for name in targets:
            if name == "siecle":
                outcomes.append(fuzz_siecle(seconds=share))
                continue
            redis_url = args.redis_url
            if not redis_url:
                from pixgar.demo import start_redis_stand_in
                redis_url, _server = start_redis_stand_in()
            started = time.monotonic()
            stack = build_fuzz_stack(redis_url, Path(data_dir))
            outcomes.append(fuzz_acs(stack, seconds=max(1.0, share - (time.monotonic()
                                                                       - started))))
    for outcome in outcomes:
        print(f"{outcome.target:7} inputs tried: {outcome.tried:7}   "
              f"crashes found: {len(outcome.crashes)}")
        for crash in outcome.crashes:
            print(f"    crash: {crash}")
    return 1 if any(o.crashes for o in outcomes) else 0


if __name__ == "__main__":
    raise SystemExit(main())
