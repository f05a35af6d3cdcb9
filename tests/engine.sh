#!/bin/sh
# The line between the engine (pipeline/*.c, librevmine.a) and the commands
# (pipeline/cmd/): the engine prints nothing and never exits, and the whole
# library links into a program of its own, without the commands' objects.
. tests/lib/common.sh
LIB=$(dirname "$REVMINE")/librevmine.a

# 1. No engine file writes to the terminal or ends the process. Comments
# are left out; writing to a FILE the caller gives (stdout included) is
# fine, stderr is the commands'.
# fflush before a fork is not printing.
loud_lines() {
	sed -e 's://.*$::' -e 's:/\*.*\*/::g' "$1" | grep -v 'fflush(' |
		grep -nE '(^|[^_a-z])(say|printf|vprintf|exit|puts|perror|putchar)[[:space:]]*\(|[^a-z_]stderr[^a-z_]'
}
loud=""
for f in pipeline/*.c; do
	if loud_lines "$f" >"$T/hits"; then
		loud="$loud $f:$(head -n 1 "$T/hits" | cut -c 1-80)"
	fi
done
if [ -z "$loud" ]; then pass "no engine file prints or exits"; else fail "engine files that print or exit:$loud"; fi

# The check itself must catch a file that does.
for bad in 'fprintf(stderr, "x");' 'say("x");' 'exit(1);' 'printf("%d", 1);'; do
	printf 'static void f(void)\n{\n\t%s\n}\n' "$bad" >"$T/x.c"
	if loud_lines "$T/x.c" >/dev/null; then pass "the check finds $bad"; else fail "the check misses $bad"; fi
done
printf 'static void f(FILE *out)\n{\n\tfprintf(out, "x");\n\tfflush(stderr);\n\tg_string_append_printf(s, "x");\n}\n' >"$T/x.c"
if loud_lines "$T/x.c" >/dev/null; then fail "the check flags writing to a caller's FILE"; else pass "the check passes writing to a caller's FILE"; fi

# 2. Every object of the library links without the commands.
if [ ! -f "$LIB" ]; then
	fail "no $LIB"
else
	printf 'int main(void)\n{\n\treturn 0;\n}\n' >"$T/m.c"
	san=""
	[ -n "${SANITIZED:-}" ] && san="-fsanitize=$SANITIZED"
	libs="$(pkg-config --libs poppler-glib glib-2.0 gsl libzip libxml-2.0 tesseract lept xlsxwriter libdeflate) -lstemmer -lcsv -llinear -lm"
	# shellcheck disable=SC2086
	if ${CC:-cc} $san -o "$T/m" "$T/m.c" -Wl,--whole-archive "$LIB" -Wl,--no-whole-archive \
	   $libs 2>"$T/link.err" && "$T/m"; then
		pass "librevmine.a links whole into a program without the commands"
	else
		fail "librevmine.a does not link on its own: $(grep -m 3 'undefined' "$T/link.err")"
	fi
	if nm -u "$LIB" 2>/dev/null | grep -qwE 'say|term_message|cmd_run|runopts_parse'; then
		fail "librevmine.a needs a command symbol: $(nm -u "$LIB" | grep -wE 'say|term_message|cmd_run|runopts_parse' | head -3)"
	else
		pass "librevmine.a needs no command symbol"
	fi
fi
[ "$fails" = 0 ]
