# deploykit: small Unix filters in C for deploying containers to AWS.
# make            build every tool into build/bin (build-san/bin with SANITIZE=1)
# make check      build, lint the man pages, run every test
# make check VALGRIND=1  the same, every tool and unit test under valgrind memcheck
# make demo       a whole deploy in the local sandbox (KEEP=1 leaves it up)
# make bench      benchmarks against the tools users would otherwise run
# make install    PREFIX=/usr/local DESTDIR=...

include config.mk

.DELETE_ON_ERROR:
.SUFFIXES:
# Objects reached through pattern chains are kept, not deleted as intermediate.
.SECONDARY:

CPPFLAGS += -Ilib -Itools/common -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
	-DDK_VERSION='"$(VERSION)"'
ALL_CFLAGS = -std=c11 $(OPT) $(WARNINGS) $(WERROR) $(SANFLAGS) \
	$(CURL_CFLAGS) $(CRYPTO_CFLAGS) $(JANSSON_CFLAGS) $(INIH_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)

# Quiet by default; V=1 shows the commands.
ifeq ($(V),1)
Q =
say = @:
else
Q = @
say = @printf '  %-6s %s\n'
endif

TOOLS = sigv4-curl ssm-put ssm-get ecr-token gh-dispatch gh-wait sts-assume gh-app-token
MAN1 = $(TOOLS:%=man/%.1)
MAN7 = man/deploy.mk.7
MK_FILES = mk/deploy.mk mk/report.jq mk/stage.sh mk/deploy-sh
WORKFLOW_FILES = $(wildcard workflows/*.yaml)

LIB_MODULES = buf dkerr sigv4 http awshost awsconf awscred awsapi ssmparam ecrtoken \
	ghapi secretfile sts ghapp
LIB_OBJ = $(LIB_MODULES:%=$(O)/lib/%.o)
LIB_A = $(O)/lib/libdeploykit.a
CLI_OBJ = $(O)/tools/common/cli.o

# Per-tool objects and link libraries: each tool links only what it uses.
AWS_LIBS = $(CURL_LIBS) $(JANSSON_LIBS) $(INIH_LIBS) $(CRYPTO_LIBS)
AWSCTX_OBJ = $(O)/tools/common/awsctx.o
LIBS_sigv4-curl = $(AWS_LIBS)
LIBS_ssm-put = $(AWS_LIBS)
LIBS_ssm-get = $(AWS_LIBS)
LIBS_ecr-token = $(AWS_LIBS)
LIBS_gh-dispatch = $(CURL_LIBS) $(JANSSON_LIBS) $(CRYPTO_LIBS)
LIBS_gh-wait = $(CURL_LIBS) $(JANSSON_LIBS) $(CRYPTO_LIBS)
LIBS_sts-assume = $(AWS_LIBS)
LIBS_gh-app-token = $(CURL_LIBS) $(JANSSON_LIBS) $(CRYPTO_LIBS)
OBJS_ssm-put = $(AWSCTX_OBJ)
OBJS_ssm-get = $(AWSCTX_OBJ)
OBJS_sts-assume = $(AWSCTX_OBJ)

UNIT_TESTS = $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
LIBS_unit = $(CURL_LIBS) $(JANSSON_LIBS) $(INIH_LIBS) $(CRYPTO_LIBS)

BIN = $(O)/bin
TOOL_BINS = $(TOOLS:%=$(BIN)/%)
UNIT_BINS = $(UNIT_TESTS:%=$(O)/tests/%)
TEST_AIDS = $(patsubst tests/aids/%.c,$(O)/tests/%,$(wildcard tests/aids/*.c))

.PHONY: all check check-run deps unit-test lint-man lint-c bench demo faults \
	install uninstall clean
all: $(TOOL_BINS) $(BIN)/docker-credential-ecr-token

# The Docker credential helper is ecr-token run under another name.
$(BIN)/docker-credential-ecr-token: $(BIN)/ecr-token
	$(say) LN $@
	$(Q)ln -sf ecr-token $@

$(O)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# tools/common/: what the tools' main()s share (cli, awsctx); not in lib/,
# because it prints and exits.
$(O)/tools/%.o: tools/%.c
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(O)/tests/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(O)/tests/%.o: tests/aids/%.c
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	$(say) AR $@
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $(LIB_OBJ)

.SECONDEXPANSION:
$(BIN)/%: $(O)/tools/%.o $$(OBJS_$$*) $(CLI_OBJ) $(LIB_A)
	@mkdir -p $(@D)
	$(say) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(OBJS_$*) $(CLI_OBJ) $(LIB_A) $(LIBS_$*)

$(O)/tests/test_%: $(O)/tests/test_%.o $(CLI_OBJ) $(LIB_A)
	$(say) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(CLI_OBJ) $(LIB_A) $(LIBS_unit)

$(TEST_AIDS): $(O)/tests/%: $(O)/tests/%.o $(LIB_A)
	$(say) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB_A) $(LIBS_unit)

# check and demo first install what is missing (tests/install-deps), then
# build: the libraries must be there before anything compiles.
check: deps
	$(Q)$(MAKE) --no-print-directory check-run

# VALGRIND=1: the same build's programs run under valgrind (see tests/run).
check-run: all $(UNIT_BINS) $(TEST_AIDS) lint-man lint-c
	$(Q)DK_BUILD=$(O) $(if $(filter 1,$(VALGRIND)),DK_VALGRIND=1) tests/run

deps:
	$(Q)tests/install-deps

unit-test: $(UNIT_BINS)
	DK_BUILD=$(O) tests/run --unit-only

lint-man:
	$(Q)mandoc -Tlint -W warning $(MAN1) $(MAN7)

# The other compiler's warnings too: gcc builds, clang checks (or the reverse).
LINT_CC = $(if $(findstring clang,$(CC)),gcc,clang)
lint-c:
	$(say) LINT "$(LINT_CC) -fsyntax-only"
	$(Q)$(LINT_CC) -fsyntax-only -std=c11 $(CPPFLAGS) $(WARNINGS) -Werror \
	    $(CURL_CFLAGS) $(CRYPTO_CFLAGS) $(JANSSON_CFLAGS) $(INIH_CFLAGS) \
	    lib/*.c tools/*.c tools/common/*.c $(wildcard tests/unit/*.c tests/aids/*.c)

# A whole deploy in the local sandbox; KEEP=1 leaves the sandbox running.
demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/sandbox/demo $(if $(filter 1,$(KEEP)),--keep)

bench: all $(TEST_AIDS)
	$(Q)DK_BUILD=$(O) tests/bench/run

# The fault matrix: every tool and every stage of a deploy against a faulty
# network and faulty servers; prints a table of cases and outcomes.
faults: all $(TEST_AIDS)
	$(Q)DK_BUILD=$(O) tests/faults/run

# make fuzz (libFuzzer, clang): tests/fuzz/fuzz.mk.
include tests/fuzz/fuzz.mk

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7 \
	    $(DESTDIR)$(DATADIR)/mk $(DESTDIR)$(DATADIR)/workflows
	cp -f $(TOOL_BINS) $(DESTDIR)$(BINDIR)/
	ln -sf ecr-token $(DESTDIR)$(BINDIR)/docker-credential-ecr-token
	ln -sf ecr-token.1 $(DESTDIR)$(MANDIR)/man1/docker-credential-ecr-token.1
	cp -f $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	cp -f $(MAN7) $(DESTDIR)$(MANDIR)/man7/
	install -m 644 $(MK_FILES) $(DESTDIR)$(DATADIR)/mk/
	install -m 755 mk/registry-digest mk/report mk/notify $(DESTDIR)$(DATADIR)/mk/
	$(if $(WORKFLOW_FILES),cp -f $(WORKFLOW_FILES) $(DESTDIR)$(DATADIR)/workflows/)

uninstall:
	rm -f $(TOOLS:%=$(DESTDIR)$(BINDIR)/%) $(MAN1:man/%=$(DESTDIR)$(MANDIR)/man1/%) \
	    $(MAN7:man/%=$(DESTDIR)$(MANDIR)/man7/%)
	rm -f $(DESTDIR)$(BINDIR)/docker-credential-ecr-token \
	    $(DESTDIR)$(MANDIR)/man1/docker-credential-ecr-token.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-san

-include $(wildcard $(O)/*/*.d $(O)/*/*/*.d)
