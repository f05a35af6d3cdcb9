#!/bin/sh
# report.html in a real browser: headless Chromium loads the page of the
# sample corpus (plus a document with an injected <script>) with no console
# message and no network request; the rendered DOM passes the same checks
# as the file (tests/lib/report_check.py: every theme's k and n as in
# theme_prevalence.csv, quotes of their theme, no script); the injected
# passage stays text; the page prints to A4 PDF.
# Skips with a message without Chromium (scripts/install-deps --browser).
set -u
. tests/lib/common.sh
CHROME=
for c in chromium chromium-browser google-chrome; do
	command -v "$c" >/dev/null 2>&1 && { CHROME=$c; break; }
done
[ -n "$CHROME" ] || { echo "browser: skipped (no Chromium; scripts/install-deps --browser installs it)"; exit 0; }
command -v python3 >/dev/null 2>&1 || { echo "browser: skipped (no python3)"; exit 0; }

mkdir -p "$T/inj"
# strong evidence for information sharing, so it is among the quotes shown
cat > "$T/inj/inject.txt" <<'TXT'
# Review for Family Z

## Key learning

Information sharing failed. Agencies did not share information <script>document.title="pwned";console.error("x")</script> about the risks to the children <img src="http://example.invalid/x.png"> and information was not shared; nobody shared information with the school and information sharing between agencies was poor.
TXT
"$REVMINE" run corpus "$T/inj" -o "$T/out" -j 2 --quiet
[ -s "$T/out/report.html" ] && pass "run writes report.html" || fail "no report.html"

chrome() {
	log=$1
	shift
	HOME=$T timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$T/profile" --disable-background-networking \
		--disable-component-update --disable-sync --disable-default-apps \
		--host-resolver-rules="MAP * ~NOTFOUND" --enable-logging=stderr --v=0 \
		--log-net-log="$T/net-$log.json" "$@" "file://$T/out/report.html"
}
chrome dom --dump-dom >"$T/dom.html" 2>"$T/dom.err"
[ -s "$T/dom.html" ] && pass "Chromium renders the page" || fail "Chromium gave no DOM: $(tail -3 "$T/dom.err")"
if grep -q "CONSOLE" "$T/dom.err"; then
	fail "console messages: $(grep CONSOLE "$T/dom.err" | head -3)"
else
	pass "no console message"
fi
# Requests the page made carry its origin as initiator ("null" for a
# file); the browser's own (updates, accounts) have "not an origin".
cat > "$T/requests.py" <<'PY'
import json, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read().rstrip().rstrip(",")
if not text.endswith("}"):
    text += "]}"
bad = set()
for e in json.loads(text).get("events", []):
    p = e.get("params") or {}
    if "url" in p and "initiator" in p and p["initiator"] != "not an origin" \
            and not p["url"].startswith(("file:", "data:", "about:")):
        bad.add(p["url"])
print(" ".join(sorted(bad)))
PY
printf '<p>x</p><img src="http://example.invalid/probe.png">' >"$T/probe.html"
HOME=$T timeout 60 "$CHROME" --headless --no-sandbox --disable-gpu --no-first-run \
	--user-data-dir="$T/profile" --host-resolver-rules="MAP * ~NOTFOUND" \
	--log-net-log="$T/net-probe.json" --dump-dom "file://$T/probe.html" >/dev/null 2>&1
python3 "$T/requests.py" "$T/net-probe.json" | grep -q probe.png &&
	pass "the request check sees a page's request (probe)" || fail "the request check is blind"
reqs=$(python3 "$T/requests.py" "$T/net-dom.json")
[ -z "$reqs" ] && pass "no network request" || fail "the page made requests: $reqs"
python3 tests/lib/report_check.py "$T/out" "$T/dom.html" || fails=$((fails + 1))
grep -q '&lt;script&gt;document.title' "$T/dom.html" && ! grep -q 'pwned</title>' "$T/dom.html" &&
	pass "the injected <script> is text in the rendered page" || fail "injected script ran or vanished"
grep -q '&lt;img src=' "$T/dom.html" && pass "an injected <img> is text" || fail "injected <img> not text"

chrome pdf --no-pdf-header-footer --print-to-pdf="$T/report.pdf" >/dev/null 2>"$T/pdf.err"
if [ -s "$T/report.pdf" ] && command -v pdfinfo >/dev/null 2>&1; then
	pdfinfo "$T/report.pdf" | grep -q "Page size:.*(A4)" &&
		pass "prints on A4 ($(pdfinfo "$T/report.pdf" | awk '/^Pages/ { print $2 }') pages)" ||
		fail "PDF not A4: $(pdfinfo "$T/report.pdf" | grep 'Page size')"
	pdftotext "$T/report.pdf" - | grep -q "How often each theme occurs" &&
		pass "the printed page holds the sections" || fail "printed PDF lacks the sections"
else
	fail "print to PDF failed: $(tail -3 "$T/pdf.err")"
fi
echo "browser: $fails failed"
[ $fails = 0 ]
