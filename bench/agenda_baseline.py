"""The floor for the agenda: the calendar list, then every selected calendar's week at once.

    python -m bench.agenda_baseline API_ENDPOINT ACCESS_TOKEN TIME_MIN TIME_MAX > agenda.ndjson

What an ideal client does with plain urllib: one calendarList request, then one events listing
per selected calendar (singleEvents, orderBy=startTime, the week's window, the largest page),
all in threads at once, and the events written as NDJSON with their calendarId in start order.
No retries, no checks, no merging beyond a sort: the agenda row is divided by this.
"""

from __future__ import annotations

import json
import sys
import threading
import urllib.parse
import urllib.request
from typing import Any, Dict, List, Optional


def _get(url: str, token: str) -> Dict[str, Any]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def main(argv: Optional[List[str]] = None) -> int:
    endpoint, token, time_min, time_max = (argv if argv is not None else sys.argv[1:])[:4]
    listing = _get(f"{endpoint}users/me/calendarList?maxResults=250&showHidden=true", token)
    ids = [e["id"] for e in listing.get("items", ()) if e.get("selected")]
    results: Dict[str, List[Any]] = {}

    def fetch(cid: str) -> None:
        query = urllib.parse.urlencode(
            {
                "maxResults": "2500",
                "singleEvents": "true",
                "orderBy": "startTime",
                "timeMin": time_min,
                "timeMax": time_max,
            }
        )
        base = f"{endpoint}calendars/{urllib.parse.quote(cid, safe='')}/events?{query}"
        results[cid] = _get(base, token).get("items", [])

    threads = [threading.Thread(target=fetch, args=(cid,)) for cid in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rows = [(item, cid) for cid in ids for item in results.get(cid, ())]
    rows.sort(key=lambda r: r[0]["start"].get("dateTime") or r[0]["start"].get("date"))
    sys.stdout.write(
        "".join(
            json.dumps({**item, "calendarId": cid}, ensure_ascii=False, separators=(",", ":"))
            + "\n"
            for item, cid in rows
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
