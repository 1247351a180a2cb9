"""The preview's web server: starlette on uvicorn, bound to 127.0.0.1.

Why this stack: starlette gives explicit routes (anything else is a 404, so
no path can reach a file we do not mean to serve) and streaming responses for
server-sent events; uvicorn runs it in one process next to the rebuild
thread. Live reload is SSE, not a websocket: the browser only listens, and
EventSource reconnects by itself after a server restart.

The unpublished issue must not leak to other websites: a page elsewhere can
point a name it controls at 127.0.0.1 (DNS rebinding) and read what we serve,
so only requests naming a loopback host (or the host the editor asked for)
are answered. Stopping is immediate: the event streams end when the server is
told to exit, and builds run in a daemon thread the exit does not wait for.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from urllib.parse import urlsplit

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ..codes import lookup
from ..errors import BuildError
from ..model import Article
from ..paths import FONTS_DIR, layout_dirs, layout_file
from ..render.templates import environment, render_template
from .builder import SCALES, Builder

STATIC = {"preview.js": "text/javascript", "preview.css": "text/css"}
WATCHED_SUFFIXES = {".md", ".yaml", ".yml", ".png", ".jpg", ".jpeg", ".j2", ".css", ".toml", ".icc"}
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
EDITOR_URL = "vscode://file/{path}:{line}"  # QHGY_EDITOR_URL or --editor-url changes it
DOWNLOADS = {"print": "-print.pdf", "screen": "-screen.pdf", "epub": ".epub"}
HEARTBEAT = 0.5  # s between the event stream's pings: the page calls itself disconnected after 3 missed
# An error of a failed build reads "S-124 unknown 栏目 …" (builder.py): its code, then the message.
ERROR_CODE = re.compile(r"([STGPMF]-\d{3}|E-[A-Z0-9-]+|CSS) (.*)", re.DOTALL)
EDITOR_ARG = re.compile(r"\{(path|line)\}")


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host_name(header: str) -> str:
    """The name in a Host header, without its port (``[::1]:8000`` → ``::1``)."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else ""
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class TrustedHost:
    """400 for any request whose Host header is not a loopback name or the configured host.

    Starlette's TrustedHostMiddleware cuts the header at its first colon, which
    turns ``[::1]:8000`` into ``[``; this one reads IPv6 literals whole.
    """

    def __init__(self, app: ASGIApp, allowed: set[str]) -> None:
        self.app = app
        self.allowed = {h.strip("[]").lower() for h in allowed}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            headers = dict(scope["headers"])
            host = _host_name(headers.get(b"host", b"").decode("latin-1"))
            if host not in self.allowed:
                await Response("Invalid host header", status_code=400)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def zh_lines(code: str) -> dict[str, str]:
    """What the page shows first of a finding: its code's meaning and what to do, in Chinese
    (both "" for a code the registry does not know: then the message is all there is)."""
    entry = lookup(code)
    return {"zh": entry.zh, "zh_fix": entry.zh_fix} if entry else {"zh": "", "zh_fix": ""}


def state_json(state: dict, budgets: dict[str, int]) -> dict:
    """The builder's state as the page gets it: each finding and error with its code's Chinese
    lines (meaning, what to do) beside the English message and hint (which the CLI and the tests
    read), each 栏目's budget."""
    findings = [f | zh_lines(f.get("code", "")) for f in state["findings"]]
    errors = []
    for error in state["errors"]:
        match = ERROR_CODE.fullmatch(error.get("message", ""))
        if match:
            error = error | {"code": match[1], "text": match[2]} | zh_lines(match[1])
        errors.append(error)
    return state | {"findings": findings, "errors": errors, "budgets": budgets}


def editor_argv(command: str, path: Path, line: int) -> list[str]:
    """The editor's command line for ``path`` at ``line``: ``{path}`` and ``{line}`` in the
    command stand for them (``code -g {path}:{line}``), else ``+line path`` is added, which
    vi, emacs, nano, gedit and kate read. Split as a shell would, never run by one."""
    values = {"path": str(path), "line": str(line)}
    parts = shlex.split(command)
    if any(EDITOR_ARG.search(part) for part in parts):
        return [EDITOR_ARG.sub(lambda m: values[m[1]], part) for part in parts]
    return [*parts, f"+{line}", str(path)]


def launch_editor(argv: list[str]) -> None:
    """Start the editor and return at once; a thread reaps it when it ends. Its own session:
    the Ctrl-C that stops the preview does not close the editor."""
    process = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    threading.Thread(target=process.wait, daemon=True, name="qhgy-editor").start()


BUILD_THREAD = "qhgy-preview-build"


def abandon_running_layout() -> None:
    """End the process now if a layout is still running: finishing it, or letting the
    interpreter tear down around it, takes seconds nobody waits for. The layout's pages live
    in memory; the one thing on disk is each WeasyPrint font configuration's temporary
    folder, which its ``__del__`` would remove: removed here instead."""
    if not any(t.name == BUILD_THREAD and t.is_alive() for t in threading.enumerate()):
        return
    from ..render.weasy import remove_font_folders

    remove_font_folders()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _run_in_daemon(function: Callable[[], None]) -> asyncio.Future:
    """Run ``function`` in a daemon thread: the process's exit never waits for a build."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future = loop.create_future()

    def run() -> None:
        try:
            function()
        finally:
            # The server may have stopped meanwhile: then nobody waits for this build.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(lambda: future.done() or future.set_result(None))

    threading.Thread(target=run, daemon=True, name=BUILD_THREAD).start()
    return future


def create_app(
    issue_dir: Path,
    *,
    watch: bool = True,
    host: str = "127.0.0.1",
    editor_url: str | None = None,
    editor_command: str | None = None,
    output_dir: Path | None = None,
) -> Starlette:
    """The preview app of ``issue_dir``. ``editor_command`` (else $EDITOR) is what ``POST
    /api/open`` starts on a source line; without either the page offers only the link."""
    from ..workspace import workspace_of

    if output_dir is None:
        output_dir = workspace_of(issue_dir).output_for(issue_dir)
    builder = Builder(issue_dir, output_dir)
    layouts = layout_dirs(issue_dir)
    stopping = threading.Event()  # set by PreviewServer.handle_exit: event streams end at once
    editor = editor_url or os.environ.get("QHGY_EDITOR_URL") or EDITOR_URL
    command = editor_command or os.environ.get("EDITOR") or ""
    issue_root = issue_dir.resolve()
    allowed_hosts = {h.strip("[]").lower() for h in (*LOOPBACK_NAMES, host)}

    def current_state() -> dict:
        issue = builder.state.issue
        budgets = {c.name: c.pages for c in issue.columns if c.pages} if issue else {}
        return state_json(builder.state.as_json(), budgets)

    try:  # the editor's program name, for the page's button
        program = Path(shlex.split(command)[0]).name if command.strip() else ""
    except ValueError:  # an unclosed quote: said when the editor is asked for
        program = command

    async def index(request: Request) -> Response:
        html = render_template(
            environment("preview", dirs=layouts),
            "index.html.j2",
            issue_id=issue_dir.name,
            editor_url=editor,
            editor_command=program,
        )
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return Response("not found", status_code=404)
        return Response(
            layout_file(f"preview/{name}", issue_dir).read_bytes(),
            media_type=STATIC[name],
            headers={"Cache-Control": "no-cache"},
        )

    async def page_png(request: Request) -> Response:
        index = request.path_params["index"]
        pages = builder.state.pages
        if not 0 <= index < len(pages):
            return Response("not found", status_code=404)
        try:
            scale = float(request.query_params.get("s", "1"))
        except ValueError:
            return Response("bad scale", status_code=400)
        if scale not in SCALES:
            return Response(f"scale must be one of {', '.join(map(str, SCALES))}", status_code=400)
        digest = pages[index].digest
        png = await asyncio.to_thread(builder.draw, index, scale)
        if png is None:
            return Response("not found", status_code=404)
        # A URL naming this very version may be kept for good; any other is asked again each time.
        current = request.query_params.get("v") == digest
        cache = "public, max-age=31536000, immutable" if current else "no-cache"
        return Response(png, media_type="image/png", headers={"Cache-Control": cache, "ETag": f'"{digest}-{scale}"'})

    async def state(request: Request) -> Response:
        return JSONResponse(current_state(), headers={"Cache-Control": "no-store"})

    async def search(request: Request) -> Response:
        query = request.query_params.get("q", "")[:200]
        hits = await asyncio.to_thread(builder.search, query)
        return JSONResponse({"query": query, "hits": hits}, headers={"Cache-Control": "no-store"})

    async def events(request: Request) -> Response:
        async def stream() -> AsyncIterator[str]:
            seen = -1
            yield "retry: 1000\n\n"
            waited = 0.0
            while not stopping.is_set() and not await request.is_disconnected():
                if builder.state.version != seen:
                    seen = builder.state.version
                    yield f"event: state\ndata: {json.dumps(current_state(), ensure_ascii=False)}\n\n"
                    waited = 0.0
                elif waited >= HEARTBEAT:
                    yield "event: ping\ndata: \n\n"
                    waited = 0.0
                await asyncio.sleep(0.05)
                waited += 0.05

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
        )

    async def open_in_editor(request: Request) -> Response:
        """Start the editor on a source line. JSON only, so a page elsewhere cannot send it in a
        plain form (that would need a CORS preflight, which is never granted), and only from a
        page of this server when the browser says where the request comes from."""
        origin = request.headers.get("origin")
        if origin and (urlsplit(origin).hostname or "").lower() not in allowed_hosts:
            return JSONResponse({"error": "只接受本预览页面的请求"}, status_code=403)
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return JSONResponse({"error": "请求须为 JSON"}, status_code=415)
        try:
            body = json.loads(await request.body())
            wanted, line = body["path"], body.get("line", 1)
            if not isinstance(wanted, str) or isinstance(line, bool) or not isinstance(line, int) or line < 1:
                raise ValueError
            target = (issue_root / wanted).resolve()
        except (ValueError, KeyError, TypeError, OSError):
            return JSONResponse({"error": "请求应为 {path, line}"}, status_code=400)
        if not target.is_relative_to(issue_root) or not target.is_file():
            return JSONResponse({"error": "本期文件夹中没有这个文件"}, status_code=404)
        if not command.strip():
            return JSONResponse({"error": "没有设定编辑器：用 --editor 或 $EDITOR"}, status_code=409)
        try:
            argv = editor_argv(command, target, line)
            await asyncio.to_thread(launch_editor, argv)
        except (ValueError, OSError) as exc:
            return JSONResponse({"error": f"编辑器没能启动：{exc}"}, status_code=500)
        return JSONResponse({"opened": str(target), "line": line, "editor": Path(argv[0]).name})

    async def download(request: Request) -> Response:
        kind = request.path_params["kind"]
        issue = builder.state.issue
        if kind not in DOWNLOADS or issue is None:
            return Response("not found", status_code=404)
        path = output_dir / f"qhgy-{issue.id}{DOWNLOADS[kind]}"
        if not path.is_file():
            return Response("还没有这个文件：先运行 qhgy build", status_code=404)
        return FileResponse(path, filename=path.name, headers={"Cache-Control": "no-cache"})

    async def downloads(request: Request) -> Response:
        issue = builder.state.issue
        found = {}
        if issue is not None:
            for kind, suffix in DOWNLOADS.items():
                path = output_dir / f"qhgy-{issue.id}{suffix}"
                if path.is_file():
                    found[kind] = {"name": path.name, "size": path.stat().st_size, "mtime": path.stat().st_mtime}
        return JSONResponse(found, headers={"Cache-Control": "no-store"})

    def article_of(request: Request) -> Article | None:
        issue = builder.state.issue
        wanted = request.path_params["article_id"]
        return next((a for a in issue.all_articles if a.id == wanted), None) if issue else None

    async def epub_view(request: Request) -> Response:
        issue, article = builder.state.issue, article_of(request)
        if article is None:
            return Response("not found", status_code=404)
        figures = {f.src: f"/images/{article.id}/{i}" for i, f in enumerate(article.figures)}
        from ..render.epub import article_preview_xhtml  # the EPUB's modules: not before the first pages

        xhtml = article_preview_xhtml(issue, article, figures, layouts)
        return Response(
            xhtml.replace('href="css/epub.css"', 'href="/epub-css"'), media_type="application/xhtml+xml"
        )

    async def epub_css(request: Request) -> Response:
        return Response(render_template(environment("epub", dirs=layouts), "epub.css"), media_type="text/css")

    async def figure(request: Request) -> Response:
        article = article_of(request)
        index = request.path_params["index"]
        if article is None or not 0 <= index < len(article.figures):
            return Response("not found", status_code=404)
        path = article.figures[index].src
        return Response(path.read_bytes(), media_type="image/png" if path.suffix == ".png" else "image/jpeg")

    async def watch_sources(stop: asyncio.Event) -> None:
        from watchfiles import awatch

        from ..words import cut_ahead

        cut_ahead()  # jieba's dictionary read on the second core while the first build starts
        # The last build's pages are drawn beside the first layout (PDFium frees the GIL).
        threading.Thread(target=builder.preload, daemon=True, name=BUILD_THREAD).start()
        await _run_in_daemon(builder.rebuild)
        if not watch:
            return
        roots = [issue_dir, *layouts, FONTS_DIR]
        async for changes in awatch(*roots, debounce=50, step=20, stop_event=stop):
            # A new folder counts: a file saved into it at once may come before its watch does.
            paths = {
                Path(path)
                for _, path in changes
                if Path(path).suffix.lower() in WATCHED_SUFFIXES or Path(path).is_dir()
            }
            if paths:
                await _run_in_daemon(lambda paths=paths: builder.rebuild(paths))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
        task = asyncio.create_task(watch_sources(stop))
        yield
        stopping.set()
        stop.set()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(task, 0.5)

    routes = [
        Route("/", index),
        Route("/static/{name}", static),
        Route("/pages/{index:int}.png", page_png),
        Route("/api/state", state),
        Route("/api/search", search),
        Route("/api/downloads", downloads),
        Route("/api/open", open_in_editor, methods=["POST"]),
        Route("/download/{kind}", download),
        Route("/events", events),
        Route("/epub/{article_id}", epub_view),
        Route("/epub-css", epub_css),
        Route("/images/{article_id}/{index:int}", figure),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.builder = builder
    app.state.stopping = stopping
    app.add_middleware(TrustedHost, allowed={*LOOPBACK_NAMES, host})
    return app


class PreviewServer(uvicorn.Server):
    """uvicorn, told to end the app's event streams the moment it is asked to exit (otherwise
    it waits for every open tab's stream to end, which is never)."""

    def __init__(self, config: uvicorn.Config, app: Starlette) -> None:
        super().__init__(config)
        self.preview_app = app

    def run(self, sockets: list | None = None) -> None:
        """uvicorn's run, with Ctrl-C ours from the start. asyncio's runner takes SIGINT before
        uvicorn does (to cancel the server's task) unless a handler other than Python's own is in
        place; a Ctrl-C in between cancelled the start-up and printed a traceback."""
        if threading.current_thread() is not threading.main_thread():
            return super().run(sockets)
        previous = signal.signal(signal.SIGINT, self.handle_exit)
        try:
            super().run(sockets)
        finally:
            signal.signal(signal.SIGINT, previous)

    def handle_exit(self, sig: int, frame: object) -> None:
        self.preview_app.state.stopping.set()
        super().handle_exit(sig, frame)  # type: ignore[arg-type]

    def stop(self) -> None:
        self.preview_app.state.stopping.set()
        self.should_exit = True


def _config(app: Starlette, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=1)


def serve_in_thread(issue_dir: Path, timeout: float = 120, **options: object) -> tuple[str, PreviewServer]:
    """Start the preview on a free loopback port in a thread; return its URL once the first build is in.

    For the tests and the refresh benchmark. ``server.stop()`` stops it.
    """
    import socket
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(issue_dir, **options)  # type: ignore[arg-type]
    server = PreviewServer(_config(app, "127.0.0.1", port), app)
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = httpx.get(f"{base}/api/state").json()
            if state["pages"] and not state["note"]:  # this layout's, not the last build's
                return base, server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"the preview of {issue_dir} did not build within {timeout} s")


NETWORK_WARNING = (
    "注意：预览在 {host} 上监听，网络上的其他人也能看到这期尚未发布的刊物。"
    " (the unpublished issue is visible on the network)"
)


def serve(
    issue_dir: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    allow_network: bool = False,
    editor_url: str | None = None,
    editor_command: str | None = None,
) -> None:
    """Serve the preview until Ctrl-C. A non-loopback ``host`` needs ``allow_network`` (the CLI
    sets it when --host is given) and is warned about."""
    if not is_loopback(host) and not allow_network:
        raise BuildError(
            f"the preview binds only to this computer (127.0.0.1), not {host}\n"
            "      → to show it on the network, give --host explicitly"
        )
    # uvicorn re-raises the Ctrl-C it caught once it has stopped, and one may come while it
    # starts: either way that is the normal end.
    with contextlib.suppress(KeyboardInterrupt):
        if not is_loopback(host):
            print(NETWORK_WARNING.format(host=host), file=sys.stderr, flush=True)
        app = create_app(issue_dir, host=host, editor_url=editor_url, editor_command=editor_command)
        PreviewServer(_config(app, host, port), app).run()
