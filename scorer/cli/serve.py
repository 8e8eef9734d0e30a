"""scorer serve: the office's own web page, on this machine by default."""

from __future__ import annotations

import os

import click

from ..messages import render
from .options import db_option, lang_option


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址；非本机地址须凭口令登录 / address to listen on.")  # fmt: skip
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="端口；0 为任一空闲端口 / port (0: any free one).")  # fmt: skip
@click.option("--token", default=lambda: os.environ.get("SCORER_TOKEN"),
              help="登录口令（也可用 SCORER_TOKEN）；--host 时缺省则自动生成 / the login token.")  # fmt: skip
@click.option("--hours", type=click.FloatRange(0.1, 24 * 30), default=8.0, show_default=True,
              help="登录多少小时后失效 / hours a login lasts.")  # fmt: skip
@click.option("--no-browser", is_flag=True, help="不自动打开浏览器 / do not open a browser.")
@db_option
@lang_option
def serve(
    host: str, port: int, token: str | None, hours: float, no_browser: bool, db: str | None,
    lang: str,
) -> None:  # fmt: skip
    """启动本机网页：选方案、上传填报表、看排名与说明、试算、下载报告，每次运行都保存。

    Start the office's web page (http://127.0.0.1:8765/ by default): choose the scheme, upload
    the returns, see the ranking and every point explained, what-if and sensitivity, download
    the reports. Every run is kept in the database (--db). Serving to other machines (--host)
    needs a token to log in: one is made and shown when none is given.
    """
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
