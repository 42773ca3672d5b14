"""How the page is served under WEBAPP_URL's path: the page itself, its files, the API, and
the security headers on every answer there (docs/webapp.md, "Security")."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web

from bot import services
from bot.webapp import Bot, api

STATIC = Path(__file__).parent / "static"
PAGE = "index.html"
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self' https://telegram.org; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors https://web.telegram.org https://*.telegram.org"
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def base_of(url: str) -> str:
    """The page's path, ending in `/` (`https://host/app/` → `/app/`)."""
    path = urlsplit(url).path or "/"
    return path if path.endswith("/") else path + "/"


def add_routes(routes: web.Application, application: Bot, static: Path = STATIC) -> None:
    settings = services.of(application).settings
    assert settings.webapp_url is not None
    base = base_of(settings.webapp_url)

    async def on_page(request: web.Request) -> web.StreamResponse:
        page = static / PAGE
        if not page.is_file():
            raise web.HTTPNotFound()
        return web.FileResponse(page, headers={"Cache-Control": "no-cache"})

    async def on_prepare(request: web.Request, response: web.StreamResponse) -> None:
        if not request.path.startswith(base):
            return
        response.headers.update(HEADERS)
        if request.path.startswith(base + "api/"):
            response.headers["Cache-Control"] = "no-store"

    async def to_page(request: web.Request) -> web.StreamResponse:
        raise web.HTTPPermanentRedirect(base)

    routes.on_response_prepare.append(on_prepare)
    routes.router.add_get(base, on_page)
    if base != "/":
        routes.router.add_get(base.rstrip("/"), to_page)
    if static.is_dir():
        routes.router.add_static(base + "static", static, follow_symlinks=False)
    api.add_routes(routes, application, base + "api/")
