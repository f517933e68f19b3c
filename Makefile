# kaeru - the front door. Meson does the building; see README.md.
#
#   make            build everything (build/kaeru, libkaeru.a/.so)
#   make check      build, then run every test: unit, golden, corpus,
#                   and the whole suite again under ASan and UBSan
#   make install    install under PREFIX (default /usr/local), honouring DESTDIR
#   make bench      benchmarks (figures, never pass/fail)
#   make unseen     kaeru beside Sisimai on other projects' test bounces,
#                   fetched from Debian's archive (figures, never pass/fail)
#   make perturb    the corpus written in other shapes (folded report fields,
#                   base64, HTML, ...): how many mails read differently
#   make fuzz       run each libFuzzer target for FUZZ_SECONDS (FUZZ_RUNS
#                   executions at most; FUZZ_WORKERS fuzzers at once)
#
# Missing Debian build dependencies are installed first (apt-get; root).

PREFIX	?= /usr/local
BUILD	?= build
ASAN	?= build-asan
FUZZ	?= build-fuzz
FUZZ_SECONDS ?= 60
CORPUS	?= $(abspath ../shared/corpus)
MESON_OPTS ?=

.PHONY: all deps fuzzdeps check check-asan install bench unseen perturb fuzz clean

all: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)
	@ln -sf src/kaeru $(BUILD)/kaeru

deps:
	@sh tools/deps.sh

fuzzdeps:
	@sh tools/deps.sh clang

$(BUILD)/build.ninja:
	meson setup $(BUILD) --prefix=$(PREFIX) -Dcorpus=$(CORPUS) $(MESON_OPTS)

$(ASAN)/build.ninja:
	meson setup $(ASAN) --buildtype=debug -Db_sanitize=address,undefined \
		-Db_lundef=false -Dcorpus=$(CORPUS) $(MESON_OPTS)

$(FUZZ)/build.ninja:
	CC=clang meson setup $(FUZZ) --buildtype=debugoptimized -Db_sanitize=address,undefined \
		-Db_lundef=false -Dfuzzing=true -Dcorpus=$(CORPUS) $(MESON_OPTS)

check: all check-asan
	meson test -C $(BUILD) --print-errorlogs --num-processes 2
	@echo "== corpus figures (all decoders)"
	@$(BUILD)/tests/corpus_test $(CORPUS)
	@echo "== corpus figures (standard readers only: MTAs kaeru has no decoder for)"
	@$(BUILD)/tests/corpus_test -g $(CORPUS) | sed -n '2,7p'

check-asan: deps $(ASAN)/build.ninja
	ninja -C $(ASAN)
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	ASAN_OPTIONS=detect_leaks=1 \
		meson test -C $(ASAN) --print-errorlogs --num-processes 2

install: all
	meson configure -Dprefix=$(PREFIX) $(BUILD)
	DESTDIR="$(DESTDIR)" meson install -C $(BUILD)

bench: all
	sh bench/run.sh

unseen: all
	python3 tools/unseen_report.py $(BUILD)/src/kaeru

perturb: all
	python3 tools/perturb_report.py $(BUILD)/src/kaeru $(CORPUS)/maildir/bsd

fuzz: fuzzdeps $(FUZZ)/build.ninja
	ninja -C $(FUZZ)
	sh fuzz/run.sh $(FUZZ) $(FUZZ_SECONDS) $(CORPUS)

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZ)
