"""What the hostile-input browser tests share: build and serve a glossary, watch a page, and
the in-page checks for anything an author's text turned into live script or requests.

Used by test_hostile_site.py and test_redteam.py (the fixtures `watched` and
`watched_no_csp` in conftest.py wrap `watch`).
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]


# -- building and serving -----------------------------------------------------------------


def build_glossary(
    terms: Path, site_dir: Path, *, cwd: Path = ROOT, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """`python -m generator build --terms ... --site-dir ...`, as the command line runs it."""
    return subprocess.run(
        [sys.executable, "-m", "generator", "build", "--terms", str(terms), "--site-dir", str(site_dir)],
        cwd=cwd,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files like a real host: no request log, the site's 404.html on misses."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class QuietServer(http.server.ThreadingHTTPServer):
    """A browser that leaves a page mid-download closes its connection: not an error worth a
    traceback in the test output (any other error still prints one)."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1; yields the base URL (ends with `/`)."""
    server = QuietServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, name=f"serve-{directory.name}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


_REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]*)">')


def site_pages(root: Path, *, forwards: bool = True) -> list[str]:
    """Every HTML page of a built site, as a path relative to its root (`term/x/`, `404.html`).
    `forwards=False` leaves out the pages that only forward the browser to another page
    (a current version's permanent address): opening them opens the page they name."""
    pages = []
    for path in sorted(root.rglob("*.html")):
        if not forwards and _REFRESH.search(path.read_text(encoding="utf-8")[:2000]):
            continue
        rel = path.relative_to(root).as_posix()
        pages.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return pages


# -- watching a page ----------------------------------------------------------------------

# Runs before any script of the page (Playwright injects it outside the page's CSP): records
# every Content-Security-Policy violation the page causes.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(
    `${e.effectiveDirective} blocked ${e.blockedURI || "(inline)"} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`);
}, true);
"""


@dataclass
class Watch:
    """What a watched page did: dialogs (dismissed), off-site requests (aborted), page errors."""

    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@contextmanager
def watch(browser: object, *, bypass_csp: bool = False) -> Iterator[tuple[object, Watch]]:
    """A fresh page that records dialogs, off-site requests and page errors, and CSP
    violations in `window.__cspViolations` (see `csp_violations`).

    `bypass_csp=True` switches the pages' Content-Security-Policy off, so that what is
    tested is the output allowlist alone: a payload it let through would run.
    """
    seen = Watch()
    context = browser.new_context(
        service_workers="block", bypass_csp=bypass_csp, viewport={"width": 1280, "height": 900}
    )

    def guard(route: object) -> None:
        url = route.request.url
        if urlsplit(url).hostname == "127.0.0.1" or url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            seen.requests.append(url)
            route.abort()

    context.route("**/*", guard)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15_000)

    def on_dialog(dialog: object) -> None:
        seen.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    try:
        yield page, seen
    finally:
        context.close()


def csp_violations(page: object) -> list[str]:
    return page.evaluate("() => window.__cspViolations || []")


# -- in-page checks -----------------------------------------------------------------------

_MD_SCOPE = re.compile(r'new URL\("[^"]*",location\)')


def theme_inline_scripts(site_root: Path) -> list[str]:
    """The inline scripts the theme puts on every page, read from a page no author text
    reaches (the About page), with the page's depth taken out (see FIND_LIVE_SCRIPT)."""
    html = (site_root / "about" / "index.html").read_text(encoding="utf-8")
    found = []
    for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.DOTALL):
        if "src=" in attrs or re.search(r'type="application/(?:ld\+)?json"', attrs):
            continue
        found.append(_MD_SCOPE.sub('new URL("",location)', body))
    assert found, "the About page has no inline script: has the theme changed?"
    return found


# Runs in the page with the theme's inline scripts as argument: everything an author's text
# could have turned into live script, an off-site load or an injected element.
FIND_LIVE_SCRIPT = r"""
(themeScripts) => {
  if (!Array.isArray(themeScripts)) throw new Error("FIND_LIVE_SCRIPT needs the theme's inline scripts (theme_inline_scripts)");
  const found = [];
  const bad = (value) => {
    const v = value.replace(/[\u0000-\u0020\u007f-\u009f]/g, "").toLowerCase();
    return v.startsWith("javascript:") || v.startsWith("vbscript:") || v.startsWith("data:text/html")
      || v.startsWith("data:image/svg") || v.startsWith("data:application");
  };
  const urlAttrs = ["href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
                    "ping", "codebase", "cite", "to", "from", "values", "dynsrc", "lowsrc"];
  const content = document.querySelector(".md-content");
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on")) found.push(`${el.tagName} ${name}=${attr.value}`);
      if (urlAttrs.includes(name) && bad(attr.value)) found.push(`${el.tagName} ${name}=${attr.value}`);
      if (name === "srcdoc" || name === "srcset" || name === "imagesrcset") found.push(`${el.tagName} ${name}=${attr.value}`);
      if (name === "style" && /url\s*\(|expression\s*\(|@import/i.test(attr.value)) found.push(`${el.tagName} style=${attr.value}`);
    }
  }
  const injected = ["script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "style", "base",
                    "meta", "link", "noscript", "template", "portal", "math", "foreignObject", "animate", "set",
                    "use", "image", "audio", "video", "source", "track", "textarea", "isindex", "marquee"];
  // An entry page links the site's stylesheets after the article's lead (templates/overrides/
  // main.html), each one preloaded from <head>: those links, and no others, are the site's own.
  const preloaded = new Set(Array.from(document.head.querySelectorAll('link[rel="preload"][as="style"]'), (l) => l.href));
  const ownSheet = (el) => el.getAttribute("rel") === "stylesheet" && preloaded.has(el.href)
    && el.parentElement && el.parentElement.matches("article.md-content__inner");
  if (content) {
    for (const tag of injected) {
      for (const el of content.getElementsByTagName(tag)) {
        if (tag === "math" && el.closest(".katex-mathml")) continue;  // KaTeX's own MathML, made in the page
        if (tag === "link" && ownSheet(el)) continue;
        found.push(`<${tag}> in content: ${el.outerHTML.slice(0, 160)}`);
      }
    }
    for (const el of content.querySelectorAll(".katex a, .katex [href]")) {
      found.push(`a link out of KaTeX (trust is off): ${el.outerHTML.slice(0, 160)}`);
    }
    for (const el of content.querySelectorAll("*")) {
      const position = getComputedStyle(el).position;
      if (position === "fixed") found.push(`position:fixed in content: ${el.outerHTML.slice(0, 160)}`);
    }
  }
  for (const el of document.querySelectorAll("base")) found.push(`<base> ${el.outerHTML}`);
  for (const el of document.querySelectorAll("meta[http-equiv]")) {
    const equiv = el.getAttribute("http-equiv").toLowerCase();
    if (equiv === "content-security-policy") continue;
    // A refresh to a page of the site itself (the current-version stubs forward so) is the site's own.
    const target = (el.getAttribute("content") || "").replace(/^\s*\d+\s*;?\s*(url\s*=\s*)?/i, "").replace(/^['"]|['"]$/g, "");
    const local = equiv === "refresh" && target && !bad(target) && new URL(target, location.href).origin === location.origin;
    if (!local) found.push(`<meta> ${el.outerHTML}`);
  }
  const loads = /\b(stylesheet|preload|prefetch|modulepreload|import|icon|manifest|dns-prefetch|preconnect|prerender)\b/i;
  for (const el of document.querySelectorAll("link[href]")) {
    if (loads.test(el.rel) && new URL(el.href, location.href).origin !== location.origin) found.push(`<link> ${el.outerHTML}`);
  }
  const config = document.getElementById("__config");
  if (config && config.tagName !== "SCRIPT") found.push(`#__config is not the theme's: ${config.outerHTML.slice(0, 160)}`);
  const theme = new Set(themeScripts || []);
  for (const script of document.querySelectorAll("script")) {
    const src = script.getAttribute("src");
    const type = (script.getAttribute("type") || "").toLowerCase();
    if (src) {
      const url = new URL(src, location.href);
      if (url.origin !== location.origin || !url.pathname.includes("/assets/")) found.push(`script src=${src}`);
    } else if (!["application/json", "application/ld+json"].includes(type)) {
      const text = script.textContent.replace(/new URL\("[^"]*",location\)/, 'new URL("",location)');
      if (!theme.has(text)) found.push(`inline script not the theme's: ${script.textContent.slice(0, 160)}`);
    }
  }
  return found;
}
"""

# Hover and click everything except links (a click on a link would leave the page).
POKE_EVERYTHING = """
() => {
  let poked = 0;
  for (const el of document.querySelectorAll("body *")) {
    for (const type of ["mouseover", "mouseenter", "focus", "toggle", "animationstart", "transitionend"]) {
      el.dispatchEvent(new Event(type));
    }
    if (!el.closest("a, button, input, label, summary, select")) {
      el.dispatchEvent(new MouseEvent("click", { bubbles: false, cancelable: true }));
    }
    poked++;
  }
  for (const details of document.querySelectorAll("details")) details.open = true;
  return poked;
}
"""
