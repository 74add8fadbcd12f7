"""The floor for a listing: a minimal urllib + json loop, no library, no retries, no checks.

    python -m bench.baseline API_ENDPOINT CALENDAR_ID ACCESS_TOKEN > events.ndjson

It fetches the same pages gcal does without options (maxResults=2500, following
nextPageToken) and writes the same NDJSON (compact, ensure_ascii=False), so gcal's wall time
and memory divided by this program's show what the client itself costs.
"""

from __future__ import annotations

import json
import sys
import urllib.parse
import urllib.request
from typing import List, Optional


def main(argv: Optional[List[str]] = None) -> int:
    endpoint, calendar, token = (argv if argv is not None else sys.argv[1:])[:3]
    base = f"{endpoint}calendars/{urllib.parse.quote(calendar, safe='')}/events"
    headers = {"Authorization": f"Bearer {token}"}
    out = sys.stdout
    page_token = None
    while True:
        query = {"maxResults": "2500", "alt": "json"}
        if page_token:
            query["pageToken"] = page_token
        request = urllib.request.Request(f"{base}?{urllib.parse.urlencode(query)}", headers=headers)
        with urllib.request.urlopen(request) as response:
            page = json.loads(response.read())
        out.write(
            "".join(
                json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n"
                for item in page.get("items", ())
            )
        )
        out.flush()
        page_token = page.get("nextPageToken")
        if not page_token:
            return 0


if __name__ == "__main__":
    sys.exit(main())
