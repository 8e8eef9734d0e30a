"""The office's own web page: `scorer serve`, a local server over the same pipeline and store."""

from __future__ import annotations

import ipaddress
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from .app import App
from .pages import Pages
from .work import Work

LOOPBACK = "127.0.0.1"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def make_app(
    db: str | Path | None = None,
    token: str | None = None,
    lang: str = "zh",
    hosts: set[str] | None = None,
    session_hours: float = 8.0,
) -> tuple[App, Work]:
    """The WSGI application over a database of runs (and the Work to close when done)."""
    work = Work(db)
    return App(Pages(work), token, hosts, lang, session_hours), work


@dataclass
class Server:
    """A running server: its address, the token a browser must give (None: none needed)."""

    url: str
    token: str | None
    host: str
    port: int
    app: App
    work: Work
    httpd: object

    serving: bool = False

    def serve_forever(self) -> None:
        self.serving = True
        self.httpd.serve_forever()  # type: ignore[attr-defined]

    def shutdown(self) -> None:
        if self.serving:  # shutdown() waits for serve_forever: never started, never ends
            self.httpd.shutdown()  # type: ignore[attr-defined]
        self.httpd.server_close()  # type: ignore[attr-defined]
        self.work.close()


def start(
    host: str = LOOPBACK,
    port: int = 0,
    db: str | Path | None = None,
    token: str | None = None,
    lang: str = "zh",
    session_hours: float = 8.0,
) -> Server:
    """Bind the server (port 0: a free one). Serving beyond this machine always needs a token:
    one is made when none is given. On 127.0.0.1 only the page's own Host names are taken, so
    another site cannot reach it through a name that points here (DNS rebinding)."""
    import logging

    from werkzeug.serving import make_server

    local = is_loopback(host)
    if not local and not token:
        token = secrets.token_urlsafe(16)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    app, work = make_app(db, token, lang, None, session_hours)
    httpd = make_server(host, port, app, threaded=True)
    bound = httpd.server_port
    if local:
        app.hosts = {f"{name}:{bound}" for name in ("127.0.0.1", "localhost", "[::1]", host)}
    threading.Thread(target=_warm_up, args=(app.pages,), daemon=True).start()
    shown = host if ":" not in host else f"[{host}]"
    return Server(f"http://{shown}:{bound}/", token, host, bound, app, work, httpd)


def _warm_up(pages: Pages) -> None:
    """Load the pipeline's stages (pandas, pydantic, the readers), compile the page templates and
    score the bundled sample once, in the background while the page is first shown, so that the
    first upload is scored as fast as the next ones (the first scoring in a process builds
    validators and readers: about half a second that a clerk would otherwise wait for)."""
    import importlib

    for name in ("pipeline", "scheme", "sheets", "intake", "engine", "ranking", "awards",
                 "explain", "render.report", "render.context"):  # fmt: skip
        importlib.import_module(f"scorer.{name}")
    for template in ("serve_home", "serve_run", "serve_job", "serve_district", "serve_whatif"):
        pages.env.get_template(f"{template}.html.j2")
    from ..bundled import bundled_dir
    from ..pipeline import assess

    sample = bundled_dir("samples") / "2010.xlsx"
    try:
        if sample.is_file():
            assess([sample])
    except Exception:  # a warm-up only: whatever goes wrong here shows in a real upload
        pass
