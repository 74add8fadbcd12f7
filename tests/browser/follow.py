"""A stand-in for a web browser, for `$BROWSER`: `python follow.py URL`.

Like a real browser launched by `webbrowser`, it returns at once and works in the background:
it re-runs itself detached, fetches URL, follows the redirects (to gcal's local server) and
writes what it ended on (status, final URL, page) as JSON to `$FAKE_BROWSER_OUT` if set.
`$FAKE_BROWSER_REWRITE=old=new` rewrites the redirect target before following it (to forge a
state, for instance).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request


class _Rewrite(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        rule = os.environ.get("FAKE_BROWSER_REWRITE")
        if rule and "=" in rule:
            old, new = rule.split("=", 1)
            newurl = newurl.replace(old, new)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def browse(url: str) -> dict:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _Rewrite())
    try:
        with opener.open(url, timeout=60) as response:
            return {"status": response.status, "url": response.geturl(), "body": _text(response)}
    except urllib.error.HTTPError as exc:
        return {"status": exc.code, "url": exc.geturl(), "body": _text(exc)}
    except OSError as exc:
        return {"status": None, "url": url, "body": "", "error": str(exc)}


def _text(response) -> str:
    return response.read().decode("utf-8", "replace")


def main(argv: list) -> int:
    url = argv[-1]
    if os.environ.get("FAKE_BROWSER_CHILD") != "1":
        env = dict(os.environ, FAKE_BROWSER_CHILD="1")
        subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), url],
            env=env,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        return 0
    result = browse(url)
    out = os.environ.get("FAKE_BROWSER_OUT")
    if out:
        tmp = out + ".tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(result, handle)
        os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
