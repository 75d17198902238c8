"""The review pages of ``jixiao serve``: a Starlette app over one database and its decision file.

* The main database is opened **read-only, for one request at a time** (``reading``), so
  ``jixiao run`` can write it between requests (a writer waits for a reader: pipeline/load.py).
  While a run holds it, every page answers 503 with a page that says so, never a traceback.
* Decisions go to the decision file (pipeline/serve/decisions.py), never to the database.
* Every page is rendered with autoescape on; report text is data. A Content-Security-Policy
  allows only the app's own script file, so markup that slipped through would still not run.
* State changes are POST only, with the process's CSRF token in the form; the Host header must
  be one the server was started for (a page of another site cannot reach it by DNS rebinding).
* No SQL is built from a request: pipeline/serve/queries.py takes every value as a parameter.
"""
from __future__ import annotations

import hmac
import re
import secrets
from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlencode

import duckdb
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from ..errors import DatabaseInUse, JixiaoError
from ..load import connect
from ..report import SEVERITIES, environment, load_labels
from ..resources import TEMPLATES_DIR
from ..rules import load_rules
from . import queries
from .decisions import ACTIONS, STATUSES, DecisionStore, Review, review_path
from .marks import Span, cut
from .review import KeyedFinding, keyed_findings
from .workpaper import WORKPAPER_NAME, workpaper

CSP = ("default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
MAX_TEXT = 2_000  # characters kept of a reviewer's name, comment or note
HEX64 = re.compile(r"[0-9a-f]{64}")
KEY = re.compile(r"[0-9a-f]{64}(?:-[0-9]+)?")  # review_key.assign_keys


class Unavailable(Exception):
    """The database cannot be read now: ``reason`` is a key of labels.yaml review.errors."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class ListedFinding:
    """A finding row with its keys and review, as the list and the finding page use it."""

    row: queries.FindingRow
    keyed: KeyedFinding
    review: Review

    @property
    def key(self) -> str:
        return self.keyed.key


class ReviewApp:
    """The state of one server: the database path, the decision file, labels, rules, CSRF token."""

    def __init__(self, db: Path | str, review_file: Path | str | None = None, rules_dir: Path | str | None = None,
                 secret: str | None = None):
        self.db = Path(db)
        self.store = DecisionStore(review_file or review_path(self.db))
        ruleset = load_rules(rules_dir)
        self.metrics, self.names = ruleset.metrics, ruleset.metric_names
        self.labels = load_labels()
        self.env = environment()
        self.csrf = hmac.new((secret or secrets.token_urlsafe(32)).encode(), b"jixiao-serve-csrf",
                             "sha256").hexdigest()

    # database ---------------------------------------------------------------------------

    @contextmanager
    def reading(self):
        """A read-only connection for one request; Unavailable when the database cannot be read now."""
        if not self.db.exists():
            raise Unavailable("missing")
        try:
            con = connect(self.db, read_only=True)
        except DatabaseInUse as exc:
            raise Unavailable("busy") from exc
        except JixiaoError as exc:
            raise Unavailable("broken") from exc
        try:
            yield con
        except duckdb.CatalogException as exc:
            raise Unavailable("broken") from exc
        finally:
            con.close()

    def listed(self, con) -> list[ListedFinding]:
        """Every finding with its keys and review, in list order."""
        keyed = {k.id: k for k in keyed_findings(con)}
        rows = queries.findings(con)
        reviews = self.store.reviews((k.key, k.content_key, k.evidence_hash) for k in keyed.values())
        return [ListedFinding(r, keyed[r.id], reviews[keyed[r.id].key]) for r in rows]

    # rendering --------------------------------------------------------------------------

    def render(self, template: str, status_code: int = 200, **context) -> HTMLResponse:
        html = self.env.get_template(template).render(labels=self.labels, severities=SEVERITIES,
                                                      csrf=self.csrf, **context)
        return HTMLResponse(html, status_code=status_code)

    def error(self, reason: str, status_code: int) -> HTMLResponse:
        response = self.render("serve_error.html", status_code, reason=reason,
                               message=self.labels["review"]["errors"][reason])
        if reason == "busy":
            response.headers["Retry-After"] = "5"
        return response

    # pages ------------------------------------------------------------------------------

    def page_list(self, request: Request) -> Response:
        params = request.query_params
        chosen = {name: params.get(name, "") for name in ("unit", "year", "check", "severity", "status")}
        with self.reading() as con:
            everything = self.listed(con)
        units = sorted({(f.row.unit_key, f.row.unit or f.row.unit_key) for f in everything}, key=lambda u: u[1])
        years = sorted({f.row.year for f in everything if f.row.year is not None})
        checks = sorted({f.row.check for f in everything})
        before_status = [f for f in everything if _matches(f, chosen, skip="status")]
        counts = Counter(f.review.status for f in before_status)
        shown = [f for f in before_status if not chosen["status"] or f.review.status == chosen["status"]]
        query = {k: v for k, v in chosen.items() if v}
        return self.render("serve_list.html", findings=shown, total=len(everything), counts=counts,
                           statuses=STATUSES, chosen=chosen, units=units, years=years, checks=checks,
                           status_link=lambda s: "/?" + urlencode({**query, "status": s} if s else
                                                                  {k: v for k, v in query.items() if k != "status"}),
                           export_link="/export.xlsx" + ("?" + urlencode(query) if query else ""))

    def _find(self, everything: list[ListedFinding], key: str) -> ListedFinding:
        found = next((f for f in everything if f.key == key or f.row.id == key), None)
        if found is None:
            raise HTTPException(404)
        return found

    def page_finding(self, request: Request) -> Response:
        key = request.path_params["key"]
        with self.reading() as con:
            everything = self.listed(con)
            f = self._find(everything, key)
            evidence = queries.evidence(con, f.row.id, self.metrics, self.names)
            texts = []
            for doc, spans in queries.evidence_spans(con, f.row.id).items():
                d = queries.document(con, doc)
                if d is None:
                    continue
                marks = [Span(s, e, "ev", [pos], f"ev-{pos}") for s, e, pos in spans]
                texts.append((d, cut(d.text, marks)))
        position = next(i for i, x in enumerate(everything) if x is f)
        following = everything[position + 1:] + everything[:position]
        next_open = next((x for x in following if x.review.status in ("new", "recheck")), None)
        return self.render("serve_finding.html", f=f, evidence=evidence, texts=texts, next_open=next_open,
                           reviewer=unquote(request.cookies.get("jixiao_reviewer", "")),
                           error=request.query_params.get("error", ""))

    def page_doc(self, request: Request) -> Response:
        doc = request.path_params["doc"]
        with self.reading() as con:
            d = queries.document(con, doc)
            if d is None:
                raise HTTPException(404)
            facts = queries.fact_marks(con, doc, self.metrics, self.names)
            loose = queries.unattributed_marks(con, doc)
            evaluation = queries.self_evaluation(con, doc)
            findings = [f for f in self.listed(con) if doc in {e.doc for e in f.keyed.facts.evidence} or f.row.doc == doc]
        spans = [Span(s, e, "fact", [m]) for s, e, m in facts] + [Span(s, e, "unattr", [m]) for s, e, m in loose]
        return self.render("serve_doc.html", d=d, pieces=cut(d.text, spans), facts=len(facts), loose=len(loose),
                           findings=findings, evaluation=evaluation)

    def page_unit(self, request: Request) -> Response:
        unit_key = request.query_params.get("key", "")
        with self.reading() as con:
            name, years, rows, docs = queries.unit_figures(con, unit_key, self.metrics, self.names)
        if not docs:
            raise HTTPException(404)
        return self.render("serve_unit.html", unit_key=unit_key, name=name, years=years, rows=rows, docs=docs)

    def export(self, request: Request) -> Response:
        params = request.query_params
        chosen = {name: params.get(name, "") for name in ("unit", "year", "check", "severity", "status")}
        with self.reading() as con:
            everything = self.listed(con)
            chosen_findings = [f for f in everything if _matches(f, chosen)
                               and (chosen["status"] or f.review.status != "new")]
            evidence = {f.row.id: queries.evidence(con, f.row.id, self.metrics, self.names) for f in chosen_findings}
        body = workpaper(chosen_findings, evidence, self.labels, self.metrics)
        return Response(body, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="{WORKPAPER_NAME}"'})

    # decisions --------------------------------------------------------------------------

    def decide(self, key: str, form: dict[str, str]) -> str:
        """Validate and store one decision; return "" or the labels key of what was wrong.

        The decision is stored with the evidence hash of the page the reviewer saw (a hidden
        field): should a run have changed the evidence since, the finding shows "needs another
        look" at once. While a run holds the database, the decision is still stored (the key and
        the hashes are in the form); only the record's copy of the unit, year and message is
        left empty then."""
        action = form.get("action", "")
        reviewer = form.get("reviewer", "").strip()[:200]
        reason = form.get("reason", "").strip()
        comment = form.get("comment", "").strip()[:MAX_TEXT] or None
        seen, content = form.get("seen", ""), form.get("content_key", "")
        if action not in ACTIONS:
            return "action"
        if not (HEX64.fullmatch(seen) and HEX64.fullmatch(content)):
            return "form"
        if not reviewer:
            return "reviewer"
        if action == "dismiss":
            if reason not in self.labels["review"]["reasons"]:
                return "reason"
            if reason == "other" and not comment:
                return "other_text"
        else:
            reason = ""
        if action == "note" and not comment:
            return "note_text"
        snapshot: dict = {}
        try:
            with self.reading() as con:
                f = self._find(self.listed(con), key)
            key, content = f.key, f.keyed.content_key
            snapshot = dict(doc=f.keyed.facts.doc, doc_sha256=f.keyed.facts.sha256, unit=f.row.unit, year=f.row.year,
                            check=f.row.check, message=f.row.message)
        except Unavailable as exc:
            if exc.reason != "busy" or not KEY.fullmatch(key):
                raise
        self.store.record(key=key, content_key=content, action=action, reviewer=reviewer, evidence_hash=seen,
                          reason=reason or None, comment=comment, **snapshot)
        return ""

    async def post_decision(self, request: Request) -> Response:
        key = request.path_params["key"]
        form = await request.form()
        token = str(form.get("csrf", ""))
        if not hmac.compare_digest(token.encode(), self.csrf.encode()):
            return self.error("csrf", 403)
        fields = {name: str(form.get(name, ""))
                  for name in ("action", "reviewer", "reason", "comment", "seen", "content_key")}
        problem = await run_in_threadpool(self.decide, key, fields)
        target = f"/finding/{key}"
        if problem:
            response = self.render("serve_error.html", 400, reason=problem,
                                   message=self.labels["review"]["errors"][problem], back=target)
        else:
            response = RedirectResponse(target, status_code=303)
        if fields["reviewer"].strip():
            response.set_cookie("jixiao_reviewer", quote(fields["reviewer"].strip()[:200]), max_age=365 * 86400,
                                httponly=True, samesite="strict")
        return response


def _matches(f: ListedFinding, chosen: dict[str, str], skip: str = "") -> bool:
    """Whether a finding passes the list's filters (``skip``: one filter left out, for counts)."""
    tests = {
        "unit": lambda v: f.row.unit_key == v,
        "year": lambda v: str(f.row.year) == v,
        "check": lambda v: f.row.check == v,
        "severity": lambda v: f.row.severity == v,
        "status": lambda v: f.review.status == v,
    }
    return all(tests[name](value) for name, value in chosen.items() if value and name != skip)


class SecurityHeaders:
    """ASGI middleware: CSP and friends on every response; requests for a foreign Host refused."""

    def __init__(self, app, allowed_hosts: Iterable[str], refuse):
        self.app = app
        self.allowed = {h.lower() for h in allowed_hosts}
        self.refuse = refuse

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        host = dict(scope["headers"]).get(b"host", b"").decode("latin-1").lower()
        name = host.rpartition("]")[0].lstrip("[") if host.startswith("[") else host.partition(":")[0]
        if "*" not in self.allowed and name not in self.allowed:
            return await self.refuse(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                            (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
                            (b"cache-control", b"no-store")]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(db: Path | str, *, review_file: Path | str | None = None, rules_dir: Path | str | None = None,
               secret: str | None = None, allowed_hosts: Iterable[str] = ("127.0.0.1", "localhost", "::1")):
    """The ASGI app serving the review pages of database ``db`` (decisions in ``review_file``,
    default ``<db>.review.sqlite``). ``allowed_hosts``: the Host names accepted ("*": any)."""
    state = ReviewApp(db, review_file, rules_dir, secret)
    script = (TEMPLATES_DIR / "serve.js").read_text(encoding="utf-8")

    def static_js(request: Request) -> Response:
        return Response(script, media_type="text/javascript")

    async def unavailable(request: Request, exc: Unavailable) -> Response:
        return state.error(exc.reason, 503)

    async def not_found(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 404:
            return state.error("not_found", 404)
        return HTMLResponse(str(exc.detail), status_code=exc.status_code)

    routes = [
        Route("/", state.page_list),
        Route("/finding/{key}", state.page_finding),
        Route("/finding/{key}/decide", state.post_decision, methods=["POST"]),
        Route("/doc/{doc}", state.page_doc),
        Route("/unit", state.page_unit),
        Route("/export.xlsx", state.export),
        Route("/static/serve.js", static_js),
    ]
    app = Starlette(routes=routes, exception_handlers={Unavailable: unavailable, HTTPException: not_found})
    app.state.review = state

    async def refuse(scope, receive, send):
        await state.error("host", 400)(scope, receive, send)

    return SecurityHeaders(app, allowed_hosts, refuse)
