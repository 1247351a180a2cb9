"""The preview's web server: starlette on uvicorn, bound to 127.0.0.1.

Why this stack: starlette gives explicit routes (anything else is a 404, so
no path can reach a file we do not mean to serve) and streaming responses for
server-sent events; uvicorn runs it in one process next to the rebuild
thread. Live reload is SSE, not a websocket: the browser only listens, and
EventSource reconnects by itself after a server restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from ..model import Article
from ..paths import FONTS_DIR, layout_dirs, layout_file
from ..render.epub import article_preview_xhtml
from ..render.templates import environment, render_template
from .builder import Builder

STATIC = {"preview.js": "text/javascript", "preview.css": "text/css"}
WATCHED_SUFFIXES = {".md", ".yaml", ".yml", ".png", ".jpg", ".jpeg", ".j2", ".css", ".toml", ".icc"}


def create_app(issue_dir: Path, *, watch: bool = True) -> Starlette:
    builder = Builder(issue_dir)
    layouts = layout_dirs(issue_dir)

    async def index(request: Request) -> Response:
        html = render_template(environment("preview", dirs=layouts), "index.html.j2", issue_id=issue_dir.name)
        return HTMLResponse(html)

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return Response("not found", status_code=404)
        return Response(layout_file(f"preview/{name}", issue_dir).read_bytes(), media_type=STATIC[name])

    async def page_png(request: Request) -> Response:
        index = request.path_params["index"]
        pages = builder.state.pages
        if not 0 <= index < len(pages):
            return Response("not found", status_code=404)
        return Response(
            pages[index].png, media_type="image/png", headers={"Cache-Control": "max-age=31536000"}
        )

    async def state(request: Request) -> Response:
        return JSONResponse(builder.state.as_json())

    async def events(request: Request) -> Response:
        async def stream() -> AsyncIterator[str]:
            seen = -1
            while not await request.is_disconnected():
                if builder.state.version != seen:
                    seen = builder.state.version
                    yield f"event: state\ndata: {json.dumps(builder.state.as_json(), ensure_ascii=False)}\n\n"
                await asyncio.sleep(0.05)

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
        )

    def article_of(request: Request) -> Article | None:
        issue = builder.state.issue
        wanted = request.path_params["article_id"]
        return next((a for a in issue.all_articles if a.id == wanted), None) if issue else None

    async def epub_view(request: Request) -> Response:
        issue, article = builder.state.issue, article_of(request)
        if article is None:
            return Response("not found", status_code=404)
        figures = {f.src: f"/images/{article.id}/{i}" for i, f in enumerate(article.figures)}
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

    async def watch_sources() -> None:
        from watchfiles import awatch

        await asyncio.to_thread(builder.rebuild)
        if not watch:
            return
        roots = [issue_dir, *layouts, FONTS_DIR]
        async for changes in awatch(*roots, debounce=50, step=20):
            paths = {Path(path) for _, path in changes if Path(path).suffix.lower() in WATCHED_SUFFIXES}
            if paths:
                await asyncio.to_thread(builder.rebuild, paths)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(watch_sources())
        yield
        task.cancel()

    routes = [
        Route("/", index),
        Route("/static/{name}", static),
        Route("/pages/{index:int}.png", page_png),
        Route("/api/state", state),
        Route("/events", events),
        Route("/epub/{article_id}", epub_view),
        Route("/epub-css", epub_css),
        Route("/images/{article_id}/{index:int}", figure),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.builder = builder
    return app


def serve_in_thread(issue_dir: Path, timeout: float = 120) -> tuple[str, object]:
    """Start the preview on a free loopback port in a thread; return its URL once the first build is in.

    For the tests and the refresh benchmark. The returned uvicorn server stops
    when its ``should_exit`` is set.
    """
    import socket
    import threading
    import time

    import httpx
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(issue_dir), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/state").json()["pages"]:
                return base, server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"the preview of {issue_dir} did not build within {timeout} s")


def serve(issue_dir: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    import uvicorn

    uvicorn.run(create_app(issue_dir), host=host, port=port, log_level="warning")
