"""Fetch what a deployed reader serves, as a browser would, and fail on any unexpected status.

Run by .ci/run against gunicorn started by the README's Production recipe (DEBUG=0, PostgreSQL,
Redis, collectstatic). Standard library only. Usage:

    python .ci/production.py http://127.0.0.1:8000 ANALYST PASSWORD

Pages: the home page, the reader, the claim ledger, a source, a cited page, the viewer of a
source's file, search, the API's root and docs, an analyst's desk (logged in) and a 404. Assets:
every stylesheet, script and icon a page links, every module a script imports (recursively), what
a stylesheet refers to with url(), the pdf.js worker and one of its standard fonts. Each must
answer 200 (the 404 page 404), scripts with a JavaScript type, and every static file must have a
hashed name (the manifest storage), so that a deploy never mixes versions.
"""

from __future__ import annotations

import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

# A proxy in front terminates TLS and says so (SECURE_PROXY_SSL_HEADER): no redirect to https.
HEADERS = {"X-Forwarded-Proto": "https", "Accept-Language": "ja"}
IMPORT = re.compile(r"""^\s*(?:import|export)\b[^'"]*?\bfrom\s*["']([^"']+)["']""", re.M)
BARE_IMPORT = re.compile(r"""^\s*import\s*["']([^"']+)["']""", re.M)
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")
HASHED = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")
JAVASCRIPT = ("text/javascript", "application/javascript")


class Assets(HTMLParser):
    """The static files a page refers to."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []  # (kind, URL)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        if tag == "link" and attr.get("href") and attr.get("rel") != "alternate":
            self.found.append(
                ("style" if attr.get("rel") == "stylesheet" else "link", attr["href"])
            )
        elif tag == "script" and attr.get("src"):
            self.found.append(("module" if attr.get("type") == "module" else "script", attr["src"]))
        elif tag == "img" and attr.get("src"):
            self.found.append(("image", attr["src"]))
        if attr.get("data-worker"):
            self.found.append(("module", attr["data-worker"]))
        if attr.get("data-fonts"):
            self.found.append(("font", attr["data-fonts"] + "FoxitSerif.pfb"))


class Site:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        # The proxy in front speaks TLS to the browser: the site's Secure cookies go back to it.
        self.jar = http.cookiejar.CookieJar(BehindTLS())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        self.failures: list[str] = []
        self.seen: set[str] = set()

    def get(self, path: str, data: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
        headers = dict(HEADERS)
        if data is not None:
            headers["Referer"] = f"https://{urllib.parse.urlsplit(self.base).netloc}{path}"
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def expect(self, path: str, status: int = 200) -> bytes:
        got, headers, body = self.get(path)
        print(f"{got} {path}")
        if got != status:
            self.failures.append(f"{path}: {got}, expected {status}")
            return b""
        self.assets_of(path, body.decode("utf-8", "replace"))
        return body

    def assets_of(self, page: str, html: str) -> None:
        parser = Assets()
        parser.feed(html)
        for kind, url in parser.found:
            self.asset(urllib.parse.urljoin(page, url), kind, referrer=page)

    def asset(self, path: str, kind: str, referrer: str) -> None:
        path = urllib.parse.urldefrag(path)[0]
        if path in self.seen or not path.startswith("/"):
            return
        self.seen.add(path)
        got, headers, body = self.get(path)
        print(f"  {got} {path} ({kind}, from {referrer})")
        if got != 200:
            self.failures.append(f"{path} ({kind}, from {referrer}): {got}")
            return
        if path.startswith("/static/") and kind != "font" and not HASHED.search(path):
            self.failures.append(f"{path} (from {referrer}): not a hashed name")
        content_type = headers.get("Content-Type", "").split(";")[0]
        if kind in ("module", "script") and content_type not in JAVASCRIPT:
            self.failures.append(f"{path}: served as {content_type!r}, not JavaScript")
        text = body.decode("utf-8", "replace")
        if content_type in JAVASCRIPT and not path.endswith(".min.mjs"):
            # pdf.js' own bundles import nothing; its worker is found through data-worker.
            for url in IMPORT.findall(text) + BARE_IMPORT.findall(text):
                self.asset(urllib.parse.urljoin(path, url), "module", referrer=path)
        elif content_type == "text/css":
            for url in CSS_URL.findall(text):
                if not url.startswith(("data:", "#")):
                    self.asset(urllib.parse.urljoin(path, url), "css url()", referrer=path)

    def log_in(self, username: str, password: str) -> None:
        self.get("/accounts/login/")  # the CSRF cookie
        token = next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")
        form = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token}
        ).encode()
        got, headers, _ = self.get("/accounts/login/", data=form)
        print(f"{got} POST /accounts/login/ → {headers.get('Location')}")
        if got != 302:
            self.failures.append(f"log in as {username}: {got}, expected a redirect")


class BehindTLS(http.cookiejar.DefaultCookiePolicy):
    def return_ok_secure(self, cookie: http.cookiejar.Cookie, request: object) -> bool:
        return True


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def main(base: str, username: str, password: str) -> int:
    site = Site(base)
    for path in [
        "/",
        "/documents/npi-commentary-80/",
        "/documents/npi-commentary-80/claims/",
        "/sources/",
        "/sources/national-defense-strategy/",
        "/sources/national-defense-strategy/pages/19/",
        "/sources/national-defense-strategy/view/?page=19",
        "/search/?q=" + urllib.parse.quote("韓国"),
        "/api/",
        "/api/docs/",
        "/api/documents/npi-commentary-80/",
        "/accounts/login/",
        "/admin/login/",
    ]:
        site.expect(path)
    site.expect("/no-such-page/", 404)
    site.expect("/api/no-such-thing/", 404)
    site.expect("/annotations/", 302)  # the desk sends the anonymous to log in
    site.log_in(username, password)
    site.expect("/annotations/")
    site.expect("/documents/npi-commentary-80/")  # the analyst's reader: the annotation modules
    if site.failures:
        print("\nFAILED:\n" + "\n".join(site.failures), file=sys.stderr)
        return 1
    print(f"\nAll pages and {len(site.seen)} assets answered as expected.")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
