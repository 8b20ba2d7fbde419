"""`briefing preview`: the web edition on 127.0.0.1, rebuilt and reloaded as files are saved.

One process, three threads: the HTTP server (the standard library's, one
thread per request) serves `<out>/site/`; a watcher (watchfiles) waits for a
record, source, template, style or catalog to be saved and rebuilds the pages
with the build's own API (`build_all`, `only="web"`, incremental, so only the
pages whose inputs changed are made again); each page the server sends waits,
through a small script, for the next rebuild and then reloads itself.

The published site has no script, and its Content-Security-Policy allows none:
the script is added only to the pages this server sends, as a file of its own
(`/__preview__/reload.js`), and only their copy of the policy is relaxed, by
`script-src 'self'; connect-src 'self'`, so no inline script is ever allowed.
The files in the output folder are never changed by the preview.

While the records do not load (a record with an error), every page is the
located error (`file:line:col: field: message`) instead of what was built
before; the next rebuild that succeeds brings the pages back.

The PDFs come on demand: rebuilding the pages never typesets (`copies=False`),
so a saved edit shows in a second; when the browser asks for a PDF, that
language's PDFs are brought up to date first (the incremental build, so it is
quick when nothing changed, and minutes for a first pack). Typesetting in the
background after every edit would hold the output folder's lock for minutes
and delay the next edit's pages behind it.
"""

from __future__ import annotations

import contextlib
import functools
import html
import http.server
import re
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pipeline.build.run import build_all
from pipeline.config import BuildRequest, Paths, Written, sources_folder
from pipeline.errors import BriefingError, UsageError
from pipeline.files import os_error_message
from pipeline.plan.kinds import SITE

ENDPOINT = "/__preview__/"
RELOAD = f"{ENDPOINT}reload.js"
WAIT = f"{ENDPOINT}wait"
LONGEST_WAIT = 20.0  # seconds a page's request for the next rebuild is held open
# The script the preview adds to each page it serves (never to the site's files):
# ask the server to answer when a rebuild after this page's has finished, then reload.
SCRIPT = """\
(function () {
  "use strict";
  var built = new URL(document.currentScript.src).searchParams.get("built");
  function wait() {
    fetch("/__preview__/wait?built=" + built, {cache: "no-store"})
      .then(function (answer) { return answer.text(); })
      .then(function (now) { if (now !== built) { location.reload(); } else { wait(); } })
      .catch(function () { setTimeout(wait, 1000); });
  }
  wait();
}());
"""
_POLICY = re.compile(rb'(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")')
_ERROR_PAGE = """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Preview: the records have a problem</title>
</head>
<body>
<main>
<h1>The preview cannot show this page</h1>
<p>The last rebuild stopped at these problems. Fix them and save: this page comes back.</p>
<pre class="preview-error">{error}</pre>
</main>
</body>
</html>
"""


@dataclass
class Previewed:
    """What the pages show now: which rebuild, and its error if it failed."""

    built: int = 0
    error: str | None = None
    changed: threading.Condition = field(default_factory=threading.Condition)


class Preview:
    """The builds of one preview: the pages after each change, the PDFs when asked for."""

    def __init__(self, paths: Paths, request: BuildRequest, say: Callable[[str], None]) -> None:
        self.paths = paths
        self.request = replace(request, only="web", jobs=1)  # in this process: it has threads
        self.say = say
        self.state = Previewed()
        self._building = threading.Lock()  # one build at a time in the output folder

    @property
    def site(self) -> Path:
        return self.paths.out / SITE

    def rebuild(self, why: str = "") -> None:
        """Rebuild the pages of what changed; remember the error if they cannot be."""
        start = time.perf_counter()
        error: str | None = None
        written: list[Written] = []
        with self._building:
            try:
                written = build_all(self.paths, replace(self.request, copies=False))
            except BriefingError as problem:
                error = problem.format_message()
            except OSError as problem:  # a folder gone or unreadable: said, and watched on
                error = os_error_message(problem)
        seconds = time.perf_counter() - start
        with self.state.changed:
            self.state.built += 1
            self.state.error = error
            self.state.changed.notify_all()
        if error is not None:
            self.say(f"{why}the pages show this error until it is fixed:\n{error}")
        else:
            made = sum(w.built for w in written)
            self.say(f"{why}rebuilt {made} of {len(written)} files in {seconds:.2f} s")

    def pdfs(self, lang: str) -> None:
        """Bring a language's PDFs (and their copies in the site) up to date."""
        self.say(f"typesetting the {lang} PDFs the site links to (a first pack takes a while)")
        start = time.perf_counter()
        with self._building:
            try:
                build_all(self.paths, replace(self.request, langs=lang, copies=True))
            except BriefingError as problem:
                self.say(f"the {lang} PDFs could not be made:\n{problem.format_message()}")
                return
        self.say(f"the {lang} PDFs are up to date ({time.perf_counter() - start:.1f} s)")

    def wait(self, built: int, timeout: float = LONGEST_WAIT) -> int:
        """Return the rebuild the pages show, once it is not `built` (or after `timeout`)."""
        with self.state.changed:
            self.state.changed.wait_for(lambda: self.state.built != built, timeout)
            return self.state.built

    def watch(self, stop: threading.Event) -> None:
        """Rebuild whenever the records, sources, templates, styles or catalogs change."""
        import watchfiles

        roots = [
            self.paths.records,
            sources_folder(self.paths.records),
            self.paths.templates,
            self.paths.locales,
            self.paths.instruments,
        ]
        roots = [root for root in dict.fromkeys(roots) if root.is_dir()]
        ignored = watchfiles.DefaultFilter(
            ignore_paths=[str(self.paths.out.resolve()), str(self.paths.cache.resolve())]
        )
        for changes in watchfiles.watch(
            *roots,
            watch_filter=lambda change, path: ignored(change, path) and not path.endswith(".tmp"),
            stop_event=stop,
            debounce=400,
            step=30,
            raise_interrupt=False,
        ):
            saved = {Path(path) for _, path in changes}  # less an editor's passing files:
            names = sorted(_shown(p) for p in ({p for p in saved if p.exists()} or saved))
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            self.rebuild(f"{shown} changed: ")


def _shown(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(path.relative_to(Path.cwd()))
    return str(path)


class _Handler(http.server.SimpleHTTPRequestHandler):
    """The site's files; its pages with the reload script, or the error in their place."""

    preview: Preview
    first: str  # the language the address opens at

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal says what was rebuilt, not every request

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        route = urllib.parse.urlsplit(self.path)
        if route.path == RELOAD:
            return self._send(SCRIPT.encode(), "text/javascript; charset=utf-8")
        if route.path == WAIT:
            since = urllib.parse.parse_qs(route.query).get("built", ["0"])[0]
            built = self.preview.wait(int(since) if since.isdigit() else 0)
            return self._send(str(built).encode(), "text/plain; charset=utf-8")
        if route.path in ("", "/"):
            self.send_response(302)
            self.send_header("Location", f"/{self.first}/index.html")
            self.end_headers()
            return None
        if route.path.endswith(".pdf"):
            lang = route.path.strip("/").partition("/")[0]
            if (self.preview.site / lang).is_dir():
                self.preview.pdfs(lang)
        if route.path.endswith(".html") or route.path.endswith("/"):
            return self._page(route.path)
        return super().do_GET()

    def _page(self, route: str) -> None:
        built, error = self.preview.state.built, self.preview.state.error  # before the file
        if error is not None:
            page = _ERROR_PAGE.format(error=html.escape(error)).encode()
            return self._send(_with_reload(page, built), "text/html; charset=utf-8")
        where = Path(self.translate_path(route))
        if where.is_dir():
            where = where / "index.html"
        try:
            page = where.read_bytes()
        except OSError:
            self.send_error(404, "No such page in the site (yet)")
            return None
        return self._send(_with_reload(page, built), "text/html; charset=utf-8")

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _with_reload(page: bytes, built: int) -> bytes:
    """Add the reload script to a page and allow it (and its requests) in the page's policy."""
    page = _POLICY.sub(
        lambda m: m[1] + m[2] + b"; script-src 'self'; connect-src 'self'" + m[3], page, count=1
    )
    script = f'<script src="{RELOAD}?built={built}"></script>\n'.encode()
    at = page.rfind(b"</body>")
    return page[:at] + script + page[at:] if at >= 0 else page + script


@contextlib.contextmanager
def _serving(preview: Preview, port: int, first: str) -> Iterator[http.server.HTTPServer]:
    handler = type("Handler", (_Handler,), {"preview": preview, "first": first})
    served = functools.partial(handler, directory=str(preview.site))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), served)
    except OSError as error:
        raise UsageError(f"cannot serve on 127.0.0.1:{port}: {error.strerror}") from None
    server.daemon_threads = True  # a page waiting for a rebuild does not hold up Ctrl-C
    try:
        yield server
    finally:
        server.server_close()


def preview(
    paths: Paths,
    request: BuildRequest,
    port: int,
    open_browser: bool,
    say: Callable[[str], None],
) -> None:
    """Build the pages, serve them until Ctrl-C, rebuild and reload them as files are saved."""
    from pipeline.i18n.languages import select_languages

    first = select_languages(paths.locales, request.langs)[0].code
    builds = Preview(paths, request, say)
    builds.rebuild()
    builds.site.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()
    with _serving(builds, port, first) as server:
        address = f"http://127.0.0.1:{server.server_address[1]}/{first}/index.html"
        watcher = threading.Thread(target=builds.watch, args=(stop,), daemon=True)
        watcher.start()
        say(f"Serving {builds.site}/ at {address} (Ctrl-C stops)")
        if open_browser:
            import webbrowser

            webbrowser.open(address)
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            with builds.state.changed:
                builds.state.changed.notify_all()
            watcher.join(timeout=5)
    say("Stopped.")
