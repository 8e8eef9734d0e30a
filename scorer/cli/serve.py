"""scorer serve: the office's own web page, on this machine by default."""

from __future__ import annotations

import os

import click

from ..messages import render
from .help import Command
from .options import db_option, lang_option, option


@click.command(cls=Command, help="help_serve", short_help="help_short_serve")
@option("--host", default="127.0.0.1", show_default=True, metavar="metavar_host",
        help="help_opt_host")  # fmt: skip
@option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
        metavar="metavar_n", help="help_opt_port")  # fmt: skip
@option("--token", default=lambda: os.environ.get("SCORER_TOKEN"), metavar="metavar_token",
        help="help_opt_token")  # fmt: skip
@option("--hours", type=click.FloatRange(0.1, 24 * 30), default=8.0, show_default=True,
        metavar="metavar_hours", help="help_opt_hours")  # fmt: skip
@option("--no-browser", is_flag=True, help="help_opt_no_browser")
@db_option
@lang_option
def serve(
    host: str, port: int, token: str | None, hours: float, no_browser: bool, db: str | None,
    lang: str,
) -> None:  # fmt: skip
    """Start the office's web page; its help is the catalog's help_serve."""
    from ..web import is_loopback, start

    server = start(host, port, db, token, lang, hours)
    click.echo(render("serve.started", lang, url=server.url), err=True)
    if not is_loopback(host):
        click.echo(click.style(render("serve.remote", lang, host=host), fg="yellow"), err=True)
    if server.token is not None:
        hours_shown = f"{hours:g}"
        click.echo(
            render("serve.token_line", lang, token=server.token, hours=hours_shown), err=True
        )
    click.echo(render("serve.db_is", lang, path=str(server.work.db_path)), err=True)
    if not no_browser and is_loopback(host):
        import webbrowser

        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        click.echo(render("serve.stopped", lang), err=True)
