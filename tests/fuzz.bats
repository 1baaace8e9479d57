#!/usr/bin/env bats
# The fuzz targets (tests/fuzz/fuzz_*.c) as regression tests: every seed
# (tests/fuzz/corpus/NAME/) and every crash reproducer (tests/fuzz/regress/
# NAME/) replayed through its own target, then every input through every
# target.  The targets are linked with tests/fuzz/replay.c by the suite's
# compiler, with SANITIZE=1's sanitizers when set; `make fuzz` runs the
# same targets under libFuzzer.

load lib/common

FUZZ=$DK_ROOT/tests/fuzz

# The targets, from their sources.
targets() {
	local f
	for f in "$FUZZ"/fuzz_*.c; do
		f=${f##*/fuzz_}
		echo "${f%.c}"
	done
}

# replay NAME DIR...: run target NAME on the directories that exist.
replay() {
	local name=$1 d dirs=()
	shift
	for d in "$@"; do
		[[ -d $d ]] && dirs+=("$d")
	done
	run -0 "$DK_BUILD/tests/fuzz-$name" "${dirs[@]}"
	assert_line --partial "inputs ran"
}

# own NAME: a target's seeds and reproducers.
own() {
	replay "$1" "$FUZZ/corpus/$1" "$FUZZ/regress/$1"
}

@test "every target is built, has seeds and a test here" {
	local name n
	for name in $(targets); do
		[[ -x $DK_BUILD/tests/fuzz-$name ]] || {
			echo "$name: $DK_BUILD/tests/fuzz-$name not built"
			false
		}
		n=$(find "$FUZZ/corpus/$name" -type f 2>/dev/null | wc -l)
		((n > 0)) || {
			echo "$name: no seeds in tests/fuzz/corpus/$name"
			false
		}
		grep -q "^@test \"$name:" "$BATS_TEST_FILENAME" || {
			echo "$name: no test in fuzz.bats"
			false
		}
	done
	# Reproducers belong to a target.
	for d in "$FUZZ"/regress/*/; do
		[[ -d $d ]] || continue
		name=$(basename "$d")
		[[ -f $FUZZ/fuzz_$name.c ]] || {
			echo "regress/$name: no such target"
			false
		}
	done
}

@test "awsapi_error: AWS error answers (JSON 1.1, query XML)" { own awsapi_error; }
@test "awsapi_xml: XML replies" { own awsapi_xml; }
@test "sigv4_canonical: canonical path and query" { own sigv4_canonical; }
@test "sigv4_sign: signing and presigning fuzzed requests" { own sigv4_sign; }
@test "awshost: host names, registries, regions" { own awshost; }
@test "ecrtoken: GetAuthorizationToken answers, tokens, cache records" { own ecrtoken; }
@test "awsconf: config and credentials files" { own awsconf; }
@test "ghapi_run: run objects and GitHub error bodies" { own ghapi_run; }
@test "ghapi_jobs: a run's jobs and steps" { own ghapi_jobs; }
@test "ghapi_link: Link headers" { own ghapi_link; }
@test "ghapi_inputs: -f KEY=VALUE and --inputs-json" { own ghapi_inputs; }
@test "ghapi_args: repositories, run URLs, workflows, refs" { own ghapi_args; }
@test "ghapi_time: RFC 3339 times" { own ghapi_time; }
@test "ghapi_headers: rate-limit headers and waits" { own ghapi_headers; }
@test "ghwait_stdin: gh-dispatch's output on gh-wait's stdin" { own ghwait_stdin; }
@test "ssm_reply: SSM parameter answers" { own ssm_reply; }
@test "url: endpoint and API base URLs" { own url; }
@test "sts_credentials: STS answers, OIDC JWTs, role ARNs" { own sts_credentials; }
@test "awscred_process: credential_process output" { own awscred_process; }

@test "every seed and reproducer replays clean through every target" {
	local name
	for name in $(targets); do
		replay "$name" "$FUZZ"/corpus/* "$FUZZ"/regress/*
	done
}

@test "the replay driver refuses a file it cannot read" {
	run -2 "$DK_BUILD/tests/fuzz-url" "$BATS_TEST_TMPDIR/missing"
	assert_output --partial "missing"
	run -2 "$DK_BUILD/tests/fuzz-url"
	assert_output --partial "usage"
}
