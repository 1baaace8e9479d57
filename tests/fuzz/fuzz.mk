# tests/fuzz/fuzz.mk: the fuzz targets, included by the Makefile.
#
# make fuzz [FUZZ_TIME=30] [FUZZ_TARGETS="awsconf ecrtoken"]
#	Build every target with clang -fsanitize=fuzzer,address,undefined
#	into build-fuzz/ (lib/ compiled there with the same flags), run each
#	for FUZZ_TIME seconds on a scratch copy of tests/fuzz/corpus/NAME/
#	(and the reproducers of tests/fuzz/regress/NAME/), then print
#	executions, coverage, corpus and crashes per target (tests/fuzz/run).
#	A crash is kept in build-fuzz/crashes/NAME/: once fixed, copy it into
#	tests/fuzz/regress/NAME/ and every `make check` replays it.
# make fuzz-build	only build them.
# make fuzz-replay	build the suite's replay binaries (below) alone.
#
# The suite: $(O)/tests/fuzz-NAME is the same target linked with
# tests/fuzz/replay.c by $(CC) (with SANITIZE=1's flags when set);
# tests/fuzz.bats replays every seed and reproducer through every target.
# check-run depends on them; `make all` builds none of this.

FUZZ_TIME ?= 30
FUZZ_CC ?= clang
FUZZ_O ?= build-fuzz
FUZZ_NAMES = awsapi_error awsapi_xml sigv4_canonical sigv4_sign awshost \
	ecrtoken awsconf ghapi_run ghapi_jobs ghapi_link ghapi_inputs \
	ghapi_args ghapi_time ghapi_headers ghwait_stdin ssm_reply url \
	sts_credentials awscred_process
FUZZ_TARGETS = $(FUZZ_NAMES)

FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
FUZZ_CFLAGS = -std=c11 -O1 -g $(WARNINGS) $(WERROR) $(FUZZ_SAN) \
	-fsanitize=fuzzer-no-link \
	$(CURL_CFLAGS) $(CRYPTO_CFLAGS) $(JANSSON_CFLAGS) $(INIH_CFLAGS)
FUZZ_LIBS = $(CURL_LIBS) $(JANSSON_LIBS) $(INIH_LIBS) $(CRYPTO_LIBS)
FUZZ_LIB_A = $(FUZZ_O)/lib/libdeploykit.a
FUZZ_BINS = $(FUZZ_NAMES:%=$(FUZZ_O)/fuzz-%)
FUZZ_REPLAY = $(FUZZ_NAMES:%=$(O)/tests/fuzz-%)

.PHONY: fuzz fuzz-build fuzz-replay fuzz-lint fuzz-clean

fuzz: fuzz-build
	$(Q)tests/fuzz/run $(FUZZ_O) $(FUZZ_TIME) $(FUZZ_TARGETS)

fuzz-build: $(FUZZ_BINS)

$(FUZZ_O)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(say) FUZZCC $<
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_O)/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	$(say) FUZZCC $<
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_LIB_A): $(LIB_MODULES:%=$(FUZZ_O)/lib/%.o)
	$(say) AR $@
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(FUZZ_O)/fuzz-%: $(FUZZ_O)/fuzz/fuzz_%.o $(FUZZ_LIB_A)
	$(say) FUZZLD $@
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_A) \
	    $(FUZZ_LIBS)

# The replay binaries, built like the unit tests.
$(O)/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(O)/tests/fuzz-%: $(O)/tests/fuzz/fuzz_%.o $(O)/tests/fuzz/replay.o $(LIB_A)
	$(say) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(O)/tests/fuzz/replay.o $(LIB_A) \
	    $(LIBS_unit)

fuzz-replay: $(FUZZ_REPLAY)

# make check builds the replay binaries and lints tests/fuzz/ with the
# other compiler, as lint-c does lib/ and tools/.
check-run: $(FUZZ_REPLAY)
lint-c: fuzz-lint

fuzz-lint:
	$(say) LINT "$(LINT_CC) -fsyntax-only tests/fuzz"
	$(Q)$(LINT_CC) -fsyntax-only -std=c11 $(CPPFLAGS) $(WARNINGS) -Werror \
	    $(CURL_CFLAGS) $(CRYPTO_CFLAGS) $(JANSSON_CFLAGS) $(INIH_CFLAGS) \
	    tests/fuzz/*.c

fuzz-clean:
	rm -rf $(FUZZ_O)

clean: fuzz-clean

-include $(wildcard $(FUZZ_O)/*/*.d)
