#!/usr/bin/env bats
# lib/sigv4 against botocore's signers: a few hundred random awkward requests
# (tests/helpers/sigv4_botocore.py says what it generates, and which inputs
# it keeps out of botocore's way and why), signed by both, compared.
# SIGV4_SEED picks other cases; a failure prints the seed and the case.

bats_require_minimum_version 1.5.0
load '/usr/lib/bats/bats-support/load.bash'
load '/usr/lib/bats/bats-assert/load.bash'

setup() {
	DK_ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
	DK_BUILD=${DK_BUILD:-build}
	case $DK_BUILD in /*) ;; *) DK_BUILD=$DK_ROOT/$DK_BUILD ;; esac
	SIGN=$DK_BUILD/tests/sigv4-sign
	DIFF=$DK_ROOT/tests/helpers/sigv4_botocore.py
	[[ -x $SIGN ]] || fail "$SIGN not built (make $DK_BUILD/tests/sigv4-sign)"
}

need_botocore() {
	python3 -c 'import botocore' 2>/dev/null || skip "python3 botocore not installed"
}

# AWS's documented IAM ListUsers example (General Reference, SigV4 examples).
IAM_REQ='{"method":"GET","path":"/","query":"Action=ListUsers&Version=2010-05-08",
 "headers":[["Host","iam.amazonaws.com"],["Content-Type","application/x-www-form-urlencoded; charset=utf-8"]],
 "access_key":"AKIDEXAMPLE","secret_key":"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
 "region":"us-east-1","service":"iam","amz_date":"20150830T123600Z"}'

@test "sigv4-sign: one request in, one JSON line out" {
	run --separate-stderr "$SIGN" <<<"$IAM_REQ"
	assert_success
	assert_equal "${#lines[@]}" 1
	run jq -r .signature <<<"$output"
	assert_output 5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7
}

@test "sigv4-sign: header form adds X-Amz-Date and Authorization" {
	run --separate-stderr "$SIGN" <<<"$IAM_REQ"
	assert_success
	run jq -c '[.add[][0]], .query' <<<"$output"
	assert_output $'["X-Amz-Date","Authorization"]\n""'
}

@test "sigv4-sign: presign_expires gives the query form" {
	run --separate-stderr "$SIGN" <<<"$(jq -c '.presign_expires = 60' <<<"$IAM_REQ")"
	assert_success
	run jq -r '.query, (.add | length)' <<<"$output"
	assert_line --index 0 --regexp '^Action=ListUsers&Version=2010-05-08&X-Amz-Algorithm=AWS4-HMAC-SHA256&.*&X-Amz-Expires=60&X-Amz-SignedHeaders=content-type%3Bhost&X-Amz-Signature=[0-9a-f]{64}$'
	assert_line --index 1 0
}

@test "sigv4-sign: bad input exits 2 with one message" {
	run -2 --separate-stderr "$SIGN" <<<'{"method":"GET"}'
	assert_output ''
	assert_equal "$stderr" 'sigv4-sign: "path" missing'
	run -2 --separate-stderr "$SIGN" <<<"$(jq -c '.amz_date = "2015-08-30"' <<<"$IAM_REQ")"
	assert_equal "${#stderr_lines[@]}" 1
	run -2 --separate-stderr "$SIGN" <<<'not json'
	run -2 --separate-stderr "$SIGN" --bench 0 <<<"$IAM_REQ"
}

@test "sigv4-sign --bench N: signatures per second as JSON" {
	run --separate-stderr "$SIGN" --bench 200 <<<"$IAM_REQ"
	assert_success
	run jq -e '.signatures == 200 and .seconds > 0 and .per_second > 0' <<<"$output"
	assert_success
}

@test "agrees with botocore on 400 random awkward requests" {
	need_botocore
	run --separate-stderr python3 "$DIFF" "$SIGN"
	assert_success
	refute_output --partial MISMATCH
	summary=${lines[-1]}
	run jq -e '.mismatches == 0 and .cases == 400' <<<"$summary"
	assert_success
	# The generator is only worth its cases if it made the awkward ones.
	for f in path_dot_segment path_double_slash path_empty_segment \
	    path_percent_encoded path_reserved_raw path_utf8_raw path_space_raw \
	    query_repeated_key query_empty_value query_no_equals \
	    query_plus_raw query_plus_encoded query_eq_encoded \
	    query_eq_raw_in_value query_amp_hash_pct_encoded \
	    query_unreserved_encoded query_utf8_raw query_utf8_encoded \
	    header_repeated header_inner_spaces header_outer_spaces header_tab \
	    token token_omitted no_normalize content_sha256 unsigned_payload \
	    mode_sigv4 mode_s3 mode_presign mode_s3-presign; do
		run jq -e --arg f "$f" '.features[$f] > 0' <<<"$summary"
		assert_success "feature $f never generated"
	done
}

@test "the comparison catches a signer that disagrees" {
	need_botocore
	# The same aid, but told a different path: every case must disagree.
	cat >"$BATS_TEST_TMPDIR/liar" <<-EOF
	#!/bin/sh
	jq -c '.path += "x"' | "$SIGN"
	EOF
	chmod +x "$BATS_TEST_TMPDIR/liar"
	SIGV4_CASES=10 run -1 --separate-stderr python3 "$DIFF" "$BATS_TEST_TMPDIR/liar"
	assert_output --partial 'MISMATCH case 0'
	assert_output --partial 'canonical request differs'
	run jq -e '.mismatches == 10' <<<"${lines[-1]}"
	assert_success
}
