"""``jixiao serve``: the local review page (pipeline/serve/) on uvicorn."""
from __future__ import annotations

import click

from .cli_options import db_option, rules_option

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def register(group) -> None:
    """Add this module's commands to the ``jixiao`` click group."""
    @group.command()
    @db_option
    @rules_option
    @click.option("--port", type=click.IntRange(min=0, max=65535), default=8765, show_default=True,
                  help="Port to listen on (0: any free port).")
    @click.option("--host", default="127.0.0.1", show_default=True,
                  help="Address to listen on. Anything but 127.0.0.1 / localhost lets others on the network "
                       "read the reports.")
    def serve(db, rules_dir, port, host):
        """Review the findings in a browser: confirm or dismiss each one, with a reason.

        Opens the database read-only for each request, so `jixiao run` can update it while
        the page is open (pages say so while a run writes). Decisions are kept in
        DB.review.sqlite beside the database, against a stable key of each finding: they
        survive re-runs, and a finding whose evidence changed shows as 需复核.

        Example:

            jixiao serve --db data/out/jixiao.duckdb --port 8765
        """
        import socket

        import uvicorn

        from .errors import JixiaoError
        from .serve.app import create_app
        from .serve.decisions import review_path

        if not db.exists():
            raise JixiaoError(f"数据库不存在：{db}（请先运行 jixiao run）")
        local = host in LOCAL_HOSTS
        app = create_app(db, rules_dir=rules_dir, allowed_hosts=LOCAL_HOSTS if local else ("*",))
        if not local:
            click.echo(f"警告：正在监听 {host}，同一网络中的任何人都可以打开本页面、阅读这些报告并记录审核决定。"
                       "仅在可信网络中这样做；本机使用请去掉 --host。", err=True)
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise JixiaoError(f"无法监听 {host}:{port}：{exc.strerror or exc}") from exc
        bound = sock.getsockname()[1]
        shown = f"[{host}]" if ":" in host else host
        click.echo(f"审核页面：http://{shown}:{bound}/", err=False)
        click.echo(f"数据库：{db}（只读）；审核决定保存在 {review_path(db)}。按 Ctrl+C 结束。")
        config = uvicorn.Config(app, log_level="warning", access_log=False)
        uvicorn.Server(config).run(sockets=[sock])
