# revmine build. `make` builds build/revmine; see README for the targets.

BUILD    ?= build
PREFIX   ?= /usr/local
CC       ?= cc
SANITIZE ?=
JOBS     ?=

PKGS      = poppler-glib cairo glib-2.0 gsl zlib libdeflate libzip libxml-2.0 tesseract lept xlsxwriter
TEST_PKGS = cmocka
TOOL_PKGS = cairo fontconfig

# A missing development package is installed (Debian, as root) rather than
# left to surface as a compiler error.
DEPS_OK := $(shell pkg-config --exists $(PKGS) $(TEST_PKGS) $(TOOL_PKGS) && \
	test -f /usr/include/libstemmer.h && test -f /usr/include/csv.h && \
	test -f /usr/include/linear.h && test -d /usr/share/tesseract-ocr && \
	test -f /usr/share/dict/british-english && command -v xmllint >/dev/null && \
	command -v qpdf >/dev/null && command -v pdftotext >/dev/null && \
	command -v strace >/dev/null && \
	test -d /usr/share/fonts/truetype/dejavu && echo yes)
ifneq ($(DEPS_OK),yes)
$(info revmine: installing missing build dependencies (scripts/install-deps))
DEPS_RC := $(shell sh scripts/install-deps >&2; echo $$?)
ifneq ($(DEPS_RC),0)
$(error scripts/install-deps failed; install the packages it lists by hand)
endif
endif

OPT      ?= -O2 -g
WARN      = -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral \
	    -Wstrict-prototypes -Wmissing-prototypes -Wvla
CPPFLAGS += -Iinclude -D_GNU_SOURCE -DREVMINE_PREFIX='"$(PREFIX)"'
CFLAGS   += -std=c11 $(OPT) $(WARN) -MMD -MP
# Symbols bound once at start, in the parent, not again in every worker.
LDFLAGS  += -Wl,-z,now
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS)) -lstemmer -lcsv -llinear -lm
ifneq ($(SANITIZE),)
CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
endif
# The library as libFuzzer instruments it (make fuzz sets FUZZ=1, CC=clang).
ifneq ($(FUZZ),)
CFLAGS  += -fsanitize=fuzzer-no-link
endif

# The engine (pipeline/*.c) is librevmine.a and prints nothing; the
# commands (pipeline/cmd/) own the terminal. See docs/architecture.md.
LIB_SRC  := $(wildcard pipeline/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CMD_SRC  := $(wildcard pipeline/cmd/*.c)
CMD_OBJ  := $(CMD_SRC:%.c=$(BUILD)/%.o)
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BIN      := $(BUILD)/revmine
MKCORPUS := $(BUILD)/mkcorpus
SCORE    := $(BUILD)/extract-score
TEXTBENCH := $(BUILD)/textbench
FLOOR    := $(BUILD)/floor

.PHONY: all run test check-asan check-tsan check-valgrind bench eval model install clean corpus FORCE \
	fuzz fuzz-ci fuzz-build fuzz-bins
.SECONDARY:
all: $(BIN) $(MKCORPUS) $(SCORE)

# Objects rebuild when the flags change.
$(BUILD)/.flags: FORCE
	@mkdir -p $(BUILD)
	@echo '$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(PKG_CFLAGS)' | cmp -s - $@ || \
		echo '$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(PKG_CFLAGS)' > $@

$(BUILD)/%.o: %.c $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

# Only the commands see their own headers.
$(BUILD)/pipeline/cmd/%.o: pipeline/cmd/%.c $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Ipipeline/cmd $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(BUILD)/librevmine.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BIN): $(CMD_OBJ) $(BUILD)/librevmine.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/librevmine.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(shell pkg-config --libs $(TEST_PKGS) $(TOOL_PKGS))
# Extra flags go in the recipes, not in target-specific CFLAGS: those would
# also apply to $(BUILD)/.flags and make every object rebuild.
$(BUILD)/tests/%.o: tests/%.c $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) $(shell pkg-config --cflags $(TEST_PKGS) $(TOOL_PKGS)) -c $< -o $@

# The layout geometry is tested on made-up boxes without poppler: the test
# is compiled and linked with GLib and cmocka alone, against layout.o and
# util.o rather than the library.
$(BUILD)/tests/test_layout: $(BUILD)/tests/test_layout.o $(BUILD)/pipeline/layout.o $(BUILD)/pipeline/util.o
	$(CC) $(LDFLAGS) -o $@ $^ $(shell pkg-config --libs glib-2.0 $(TEST_PKGS)) -lm
$(BUILD)/tests/test_layout.o: tests/test_layout.c $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(shell pkg-config --cflags glib-2.0 $(TEST_PKGS)) -c $< -o $@

# Tools: the corpus generator (cairo), the extraction scorer (GLib) and the
# text-stage benchmark (the library).
$(MKCORPUS): $(BUILD)/tools/mkcorpus.o
	$(CC) $(LDFLAGS) -o $@ $^ $(shell pkg-config --libs $(TOOL_PKGS) glib-2.0) -lm
$(BUILD)/tools/mkcorpus.o: tools/mkcorpus.c $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(shell pkg-config --cflags $(TOOL_PKGS) glib-2.0) -c $< -o $@
$(SCORE): $(BUILD)/tools/extract_score.o
	$(CC) $(LDFLAGS) -o $@ $^ $(shell pkg-config --libs glib-2.0) -lm
$(TEXTBENCH): $(BUILD)/bench/textbench.o $(BUILD)/librevmine.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)
$(FLOOR): $(BUILD)/bench/floor.o
	$(CC) $(LDFLAGS) -o $@ $^ $(shell pkg-config --libs poppler-glib)

run: $(BIN)
	./$(BIN) run corpus -o out $(if $(JOBS),-j $(JOBS))

# Every test runs; the target fails at the end if any did.
test: $(BIN) $(MKCORPUS) $(SCORE) $(TEST_BIN)
	@failed=""; \
	for t in $(TEST_BIN); do echo "== $$t"; ./$$t || failed="$$failed $$t"; done; \
	for t in tests/*.sh; do echo "== $$t"; \
		REVMINE=$(BIN) MKCORPUS=$(MKCORPUS) SCORE=$(SCORE) SANITIZED=$(SANITIZE) sh $$t || failed="$$failed $$t"; done; \
	if [ -n "$$failed" ]; then echo "FAILED:$$failed"; exit 1; fi; \
	echo "all tests passed"

check-asan:
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
		$(MAKE) BUILD=build/asan SANITIZE=address,undefined OPT='-O1 -g' test

# The sample corpus under ThreadSanitizer: run's reduce thread and read-ahead
# thread beside a batch that forks a worker per document (--worker-docs 1),
# then a cached rerun; any race report fails (exit 66).
TSAN_RUN = TSAN_OPTIONS='halt_on_error=1 exitcode=66' ./build/tsan/revmine run corpus \
	-o build/tsan-out --quiet
check-tsan:
	$(MAKE) BUILD=build/tsan SANITIZE=thread OPT='-O1 -g' build/tsan/revmine
	rm -rf build/tsan-out
	$(TSAN_RUN) -j 2 --no-cache --worker-docs 1; rc=$$?; [ $$rc -le 1 ]
	$(TSAN_RUN) -j 1; rc=$$?; [ $$rc -le 1 ]

# The sample corpus under valgrind (workers included): any memory error or
# leak fails.
check-valgrind: $(BIN)
	valgrind --error-exitcode=9 --leak-check=full --trace-children=yes -q \
		./$(BIN) run corpus -o build/valgrind-out -j 1 --no-cache --quiet

# libFuzzer harnesses (fuzz/), built with clang under ASan and UBSan in
# build/fuzz. `make fuzz` runs each for FUZZ_SECONDS from its committed seed
# corpus (fuzz/corpus/NAME, only read; what the fuzzer finds goes to
# build/fuzz/corpus/NAME, crashes to build/fuzz/crash-NAME-*); fuzz-ci runs
# each for 30 seconds. FUZZERS picks some: make fuzz FUZZERS=csv.
FUZZERS      ?= codebook csv record txt pdf
FUZZ_SECONDS ?= 60
FUZZ_BUILD   := build/fuzz
FUZZ_BIN      = $(FUZZERS:%=$(BUILD)/fuzz/fuzz_%)

fuzz-build:
	@command -v clang >/dev/null || { echo "make fuzz needs clang (scripts/install-deps --fuzz)"; exit 1; }
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=clang SANITIZE=address,undefined OPT='-O1 -g' FUZZ=1 \
		FUZZERS='$(FUZZERS)' fuzz-bins

fuzz-bins: $(FUZZ_BIN)

$(BUILD)/fuzz/fuzz_%: $(BUILD)/fuzz/fuzz_%.o $(BUILD)/librevmine.a
	$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS)

fuzz: fuzz-build
	@failed=""; for f in $(FUZZERS); do \
		mkdir -p $(FUZZ_BUILD)/corpus/$$f; echo "== fuzz_$$f: $(FUZZ_SECONDS) s"; \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
		$(FUZZ_BUILD)/fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -timeout=30 \
			-rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_BUILD)/crash-$$f- \
			$(FUZZ_BUILD)/corpus/$$f fuzz/corpus/$$f 2>$(FUZZ_BUILD)/fuzz_$$f.log || \
			{ failed="$$failed $$f"; tail -n 60 $(FUZZ_BUILD)/fuzz_$$f.log; }; \
		grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ *DONE)' \
			$(FUZZ_BUILD)/fuzz_$$f.log | tr '\n' ' '; echo; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: FAILED:$$failed (see $(FUZZ_BUILD)/)"; exit 1; fi; \
	echo "fuzz: every harness ran clean"

# CI: each harness for 30 s. Skipped, with a message and status 0, where
# clang or its libFuzzer runtime is missing (a probe program must link).
fuzz-ci:
	@mkdir -p $(FUZZ_BUILD); \
	if command -v clang >/dev/null 2>&1 && \
	   printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' | \
	   clang -x c -fsanitize=fuzzer,address,undefined -o $(FUZZ_BUILD)/probe - >/dev/null 2>&1; then \
		rm -f $(FUZZ_BUILD)/probe; $(MAKE) fuzz FUZZ_SECONDS=30; \
	else \
		echo "fuzz-ci: skipped: clang with libFuzzer not found (scripts/install-deps --fuzz)"; \
	fi

corpus: $(MKCORPUS)
	./$(MKCORPUS) --out corpus --truth tests/golden/corpus-truth tools/corpus-src/*.txt

bench: $(BIN) $(MKCORPUS) $(TEXTBENCH) $(FLOOR)
	sh bench/run.sh $(BIN) $(MKCORPUS) $(TEXTBENCH) $(FLOOR)

GOLD = ../shared/gold/dev.csv ../shared/gold/train.csv

# Grouped cross-validation on the real labelled passages is the figure to
# judge a change by; the written held-out-style set follows.
eval: $(BIN)
	@if [ -f ../shared/gold/dev.csv ] && [ -f ../shared/gold/train.csv ]; then \
		echo "== cv: $(GOLD)"; ./$(BIN) cv $(GOLD); \
		echo "== cv --no-model (the rules alone)"; ./$(BIN) cv --no-model --bootstrap 0 $(GOLD) | tail -n 28; \
	else echo "eval: ../shared/gold not found, cross-validation skipped"; fi
	@echo "== tests/golden/heldout-style.csv"; ./$(BIN) eval tests/golden/heldout-style.csv

# The default model, trained on every labelled real passage there is.
model: $(BIN)
	@[ -f ../shared/gold/train.csv ] || { echo "model: ../shared/gold not found"; exit 1; }
	./$(BIN) train $(GOLD) -o codebook/default.model

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/revmine/stopwords \
		$(DESTDIR)$(PREFIX)/share/revmine/codebook
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/revmine
	install -m 644 stopwords/*.txt $(DESTDIR)$(PREFIX)/share/revmine/stopwords/
	install -m 644 codebook/*.cb codebook/*.model $(DESTDIR)$(PREFIX)/share/revmine/codebook/

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
