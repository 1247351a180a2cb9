"""The preview answers only this computer's names (DNS rebinding), binds to the network only when
told to, and lets the browser keep a page image only under the URL of its own version."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from qhgy_publish.errors import BuildError
from qhgy_publish.preview.server import serve

from .conftest import mini_preview


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    with mini_preview(tmp_path_factory, "security") as (base, _issue):
        yield base


@pytest.mark.parametrize("host", ["evil.com", "evil.com:{port}", "127.0.0.1.evil.com", "192.168.1.5:{port}", ""])
@pytest.mark.parametrize("path", ["/", "/api/state", "/events", "/pages/0.png", "/api/search?q=工会"])
def test_a_foreign_host_gets_400(server: str, host: str, path: str) -> None:
    port = server.rsplit(":", 1)[1]
    reply = httpx.get(server + path, headers={"Host": host.format(port=port)}, timeout=10)
    assert reply.status_code == 400
    assert "工会" not in reply.text  # none of the issue's text


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}", "localhost", "LOCALHOST:{port}"])
def test_loopback_names_are_answered(server: str, host: str) -> None:
    port = server.rsplit(":", 1)[1]
    reply = httpx.get(server + "/api/state", headers={"Host": host.format(port=port)}, timeout=10)
    assert reply.status_code == 200 and reply.json()["pages"]


def test_page_images_cached_only_for_their_own_version(server: str) -> None:
    page = httpx.get(f"{server}/api/state").json()["pages"][0]
    own = httpx.get(f"{server}/pages/0.png?v={page['hash']}")
    assert own.status_code == 200 and own.content.startswith(b"\x89PNG")
    assert "immutable" in own.headers["cache-control"] and "max-age=31536000" in own.headers["cache-control"]
    for stale in ("?v=0123456789ab", "?v=anything", ""):
        reply = httpx.get(f"{server}/pages/0.png{stale}")
        assert reply.status_code == 200
        assert reply.headers["cache-control"] == "no-cache", stale


def test_pages_drawn_at_the_scale_asked(server: str) -> None:
    from io import BytesIO

    from PIL import Image

    page = httpx.get(f"{server}/api/state").json()["pages"][3]
    one = Image.open(BytesIO(httpx.get(f"{server}/pages/3.png?v={page['hash']}").content))
    two = Image.open(BytesIO(httpx.get(f"{server}/pages/3.png?v={page['hash']}&s=2", timeout=30).content))
    assert abs(two.width - 2 * one.width) <= 2 and abs(two.height - 2 * one.height) <= 2
    assert httpx.get(f"{server}/pages/3.png?s=7").status_code == 400


def test_a_network_address_needs_an_explicit_host(tmp_path: Path) -> None:
    # Refused before anything binds or builds: the folder need not even be an issue.
    with pytest.raises(BuildError, match="--host"):
        serve(tmp_path, host="0.0.0.0", port=1)
