"""The web page's server side: routing, sessions and logins, CSRF, security headers, errors.

Built on Werkzeug (Pallets, as Jinja2 is): the standard library has no multipart parser any
more (cgi left in Python 3.13) and wsgiref serves one request at a time over HTTP/1.0; Werkzeug
gives a streaming multipart parser with size, part and memory limits, routing, and a threaded
server, without the rest of a framework."""

from __future__ import annotations

import hmac
import secrets
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from werkzeug.exceptions import HTTPException, NotFound, RequestEntityTooLarge
from werkzeug.routing import Map, Rule
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from ..errors import ScorerError
from ..messages import Message, render, say, words

# The page fetches nothing from anywhere but this server: its own style sheet and script.
CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
}
STATIC = Path(__file__).resolve().parent / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
SESSION_COOKIE = "scorer_session"
LANG_COOKIE = "scorer_lang"

# Uploads: far above an office's returns (the 105 counties' workbook is 170 KB), far below what
# would fill a disk. The intake's own limits (zip bombs, oversized sheets) apply when read.
MAX_REQUEST_BYTES = 256 * 1024 * 1024
MAX_FILES = 500
MAX_FORM_PARTS = MAX_FILES + 50
MAX_FORM_MEMORY = 1024 * 1024  # fields that are not files


class LimitedRequest(Request):
    max_content_length = MAX_REQUEST_BYTES
    max_form_parts = MAX_FORM_PARTS
    max_form_memory_size = MAX_FORM_MEMORY


@dataclass
class Session:
    """A browser's login: its CSRF token, and when it expires."""

    csrf: str
    expires: float
    authenticated: bool = False  # False: with a token set, only the login form is open
    flash: list[tuple[str, Message]] = field(default_factory=list)  # (kind, message) to show


class PageError(Exception):
    """A request the page refuses, said to the user with an HTTP status."""

    def __init__(self, message: Message, status: int = 400):
        super().__init__(message.code)
        self.message, self.status = message, status


class Sessions:
    """Logins kept in memory: a random id in an HttpOnly, SameSite=Strict cookie."""

    def __init__(self, hours: float):
        self.seconds = hours * 3600
        self.lock = threading.Lock()
        self.open: dict[str, Session] = {}

    def new(self, authenticated: bool, seconds: float | None = None) -> tuple[str, Session]:
        sid = secrets.token_urlsafe(32)
        expires = time.time() + (self.seconds if seconds is None else seconds)
        session = Session(secrets.token_urlsafe(32), expires, authenticated)
        with self.lock:
            self.open = {k: s for k, s in self.open.items() if s.expires > time.time()}
            self.open[sid] = session
        return sid, session

    def get(self, sid: str | None) -> Session | None:
        if not sid:
            return None
        with self.lock:
            session = self.open.get(sid)
            if session is not None and session.expires <= time.time():
                del self.open[sid]
                return None
        return session

    def end(self, sid: str | None) -> None:
        with self.lock:
            self.open.pop(sid or "", None)


Handler = Callable[..., Response]


class App:
    """The WSGI application. ``token``: the password a browser must give first (None: the page
    is open to whoever can reach it, which on 127.0.0.1 is this machine's user)."""

    def __init__(
        self,
        pages: Any,
        token: str | None = None,
        hosts: set[str] | None = None,
        lang: str = "zh",
        session_hours: float = 8.0,
    ):
        self.pages = pages
        self.token = token
        self.hosts = hosts  # Host headers accepted (None: any); stops DNS rebinding on 127.0.0.1
        self.lang = lang
        self.sessions = Sessions(session_hours)
        self.url_map = Map([Rule(path, endpoint=name, methods=methods)
                            for path, name, methods in pages.ROUTES])  # fmt: skip

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        request = LimitedRequest(environ)
        response = self.respond(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response(environ, start_response)

    # ------------------------------------------------------------------------- one request

    def language(self, request: Request) -> str:
        asked = request.args.get("lang") or request.cookies.get(LANG_COOKIE) or self.lang
        return asked if asked in ("zh", "en") else self.lang

    def respond(self, request: Request) -> Response:
        lang = self.language(request)
        try:
            if self.hosts is not None and request.host not in self.hosts:
                raise PageError(say("serve.bad_host"), 421)
            if request.path == "/favicon.ico":  # none: the browser asks anyway
                return Response(status=204)
            if request.path.startswith("/static/"):
                return self.static(request.path.removeprefix("/static/"))
            sid = request.cookies.get(SESSION_COOKIE)
            session = self.sessions.get(sid)
            fresh = None
            if session is None:
                if self.token is not None and request.path != "/login":
                    return self._to_login(request)
                # with a token: a session only for the login form, for ten minutes
                open_page = self.token is None
                sid, session = self.sessions.new(open_page, None if open_page else 600)
                fresh = sid
            elif not session.authenticated and request.path != "/login":
                return self._to_login(request)
            adapter = self.url_map.bind_to_environ(request.environ)
            endpoint, values = adapter.match()
            if request.method == "POST":
                self.check_csrf(request, session)
            handler: Handler = getattr(self.pages, endpoint)
            context = Context(self, request, session, lang)
            response = handler(context, **values)
            if fresh is not None:
                self._set_session(response, fresh)
            if request.args.get("lang") in ("zh", "en"):
                response.set_cookie(LANG_COOKIE, lang, samesite="Strict", httponly=True)
            return response
        except PageError as exc:
            return self.pages.error_page(self, request, lang, exc.message, exc.status)
        except RequestEntityTooLarge:
            message = say("serve.too_large", limit=f"{MAX_REQUEST_BYTES // 2**20} MB",
                          files=MAX_FILES)  # fmt: skip
            return self.pages.error_page(self, request, lang, message, 413)
        except NotFound:
            return self.pages.error_page(self, request, lang, say("serve.not_found"), 404)
        except HTTPException as exc:
            return exc.get_response(request.environ)
        except ScorerError as exc:
            said = exc.said if isinstance(exc.said, Message) else say("serve.failed", error=exc)
            return self.pages.error_page(self, request, lang, said, 400)
        except Exception as exc:  # a bug: said without a traceback, which goes to the log
            traceback.print_exc(file=sys.stderr)
            error = f"{type(exc).__name__}: {exc}"
            return self.pages.error_page(self, request, lang, say("internal", error=error), 500)

    def check_csrf(self, request: Request, session: Session) -> None:
        """Every form carries the session's token, and comes from this page's own origin."""
        origin = request.headers.get("Origin")
        if origin and origin != "null" and origin.split("://", 1)[-1] != request.host:
            raise PageError(say("serve.csrf"), 403)
        given = request.form.get("csrf", "")
        if not hmac.compare_digest(given.encode(), session.csrf.encode()):
            raise PageError(say("serve.csrf"), 403)

    def token_is(self, given: str) -> bool:
        """Whether the token given at the login is the one set at start (slow when wrong)."""
        if self.token is None or not hmac.compare_digest(given.encode(), self.token.encode()):
            time.sleep(0.5)  # a guess costs time
            return False
        return True

    def _to_login(self, request: Request) -> Response:
        if request.method == "POST":
            raise PageError(say("serve.login_needed"), 403)
        return redirect("/login", 303)

    def _set_session(self, response: Response, sid: str) -> None:
        response.set_cookie(SESSION_COOKIE, sid, httponly=True, samesite="Strict", path="/",
                            max_age=int(self.sessions.seconds))  # fmt: skip

    def static(self, name: str) -> Response:
        path = STATIC / name
        if "/" in name or path.suffix not in STATIC_TYPES or not path.is_file():
            raise NotFound()
        response = Response(path.read_bytes(), content_type=STATIC_TYPES[path.suffix])
        response.headers["Cache-Control"] = "max-age=3600"
        return response


@dataclass
class Context:
    """What a page handler is given: the app, the request, the session and the language."""

    app: App
    request: Request
    session: Session
    lang: str

    def text(self, code: str, **params: Any) -> str:
        return render(code, self.lang, **params)

    def words(self):
        return words(self.lang)

    def flash(self, kind: str, message: Message) -> None:
        self.session.flash.append((kind, message))

    def new_login(self) -> Response:
        """A fresh session for a browser that gave the right token."""
        sid, _ = self.app.sessions.new(authenticated=True)
        response = redirect("/", 303)
        self.app._set_session(response, sid)
        self.app.sessions.end(self.request.cookies.get(SESSION_COOKIE))
        return response
