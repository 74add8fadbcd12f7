#!/bin/sh
# A real browser for `$BROWSER`: headless Chromium loads the URL, follows the redirect to gcal's
# local server, and writes the DOM of the page it ended on to $CHROMIUM_DOM_OUT.
set -u
out=${CHROMIUM_DOM_OUT:?set CHROMIUM_DOM_OUT}
profile=$(mktemp -d "${TMPDIR:-/tmp}/gcal-chromium.XXXXXX")
"${CHROMIUM:-chromium}" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --disable-background-networking --disable-component-update --disable-sync \
    --no-first-run --disable-quic --user-data-dir="$profile" \
    --dump-dom "$1" >"$out.tmp" 2>"$out.log"
status=$?
mv "$out.tmp" "$out"
rm -rf "$profile"
exit $status
