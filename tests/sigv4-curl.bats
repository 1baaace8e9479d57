#!/usr/bin/env bats
# sigv4-curl: usage, bad input (exit 2, nothing sent), AWS's official suite
# through the command line, and real signed calls to moto with IAM auth on.

load lib/common

setup_file() {
	moto_start
}

teardown_file() {
	moto_stop
}

setup() {
	moto_env
}

sts_call() {
	sigv4-curl "$@" --service sts -d 'Action=GetCallerIdentity&Version=2011-06-15' "$MOTO_URL/"
}

# --- usage and bad input -----------------------------------------------------

@test "--help prints the usage on stdout and exits 0" {
	run -0 --separate-stderr sigv4-curl --help
	assert_line --index 0 --partial 'usage: sigv4-curl [-fiv]'
	[ -z "$stderr" ]
}

@test "the usage lists exactly the options of the man page's SYNOPSIS" {
	opts() { grep -o -- '--\?\(-[a-z0-9-]*\|-[A-Za-z]\)' | sort -u; }
	run -0 sigv4-curl --help
	from_usage=$(printf '%s\n' "$output" | sed 's/\[-fiv\]/-f -i -v/' | opts)
	from_man=$(mandoc -Tascii "$DK_ROOT/man/sigv4-curl.1" | col -b |
		sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed 's/\[-fiv\]/-f -i -v/' | opts)
	[ "$from_usage" = "$from_man" ]
}

@test "--version names the tool and deploykit" {
	run -0 sigv4-curl --version
	assert_output --regexp '^sigv4-curl \(deploykit\) [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "no URL: exit 2 with the usage" {
	run -2 --separate-stderr sigv4-curl
	assert_equal "${stderr_lines[0]}" 'sigv4-curl: no URL given'
	[ -z "$output" ]
}

@test "unknown option: exit 2" {
	run -2 --separate-stderr sigv4-curl --bogus https://sts.us-east-1.amazonaws.com/
	[[ $stderr == *usage:* ]]
}

@test "two URLs: exit 2" {
	run -2 --separate-stderr sigv4-curl "$MOTO_URL/" "$MOTO_URL/x"
	assert_equal "$stderr" "sigv4-curl: $MOTO_URL/x: one URL per call"
}

@test "malformed -H: exit 2 naming the header" {
	run -2 --separate-stderr sigv4-curl -H 'NoColonHere' --service sts "$MOTO_URL/"
	assert_equal "$stderr" "sigv4-curl: -H NoColonHere: not a header: write 'Name: value'"
	run -2 --separate-stderr sigv4-curl -H ': value' --service sts "$MOTO_URL/"
	[[ $stderr == *'the header has no name'* ]]
	run -2 --separate-stderr sigv4-curl -H 'Bad Name: v' --service sts "$MOTO_URL/"
	[[ $stderr == *'invalid character in the header name'* ]]
	run -2 --separate-stderr sigv4-curl -H $'X-A: a\rb' --service sts "$MOTO_URL/"
	[[ $stderr == *'control character'* ]]
}

@test "-H Authorization is refused: the tool signs" {
	run -2 --separate-stderr sigv4-curl -H 'Authorization: AWS4 x' --service sts "$MOTO_URL/"
	[[ $stderr == *'sets this header itself'* ]]
}

@test "unreadable @file: exit 2 naming the file" {
	run -2 --separate-stderr sigv4-curl -d @/nonexistent/body --service sts "$MOTO_URL/"
	assert_equal "$stderr" 'sigv4-curl: -d @/nonexistent/body: No such file or directory'
	run -2 --separate-stderr sigv4-curl -d @/ --service sts "$MOTO_URL/"
	assert_equal "$stderr" 'sigv4-curl: -d @/: is a directory'
}

@test "plain http to a host that is not loopback: exit 2, nothing sent" {
	run -2 --separate-stderr sigv4-curl http://sts.us-east-1.amazonaws.com/
	[[ $stderr == *'plain http is refused for a host that is not loopback'* ]]
	run -2 --separate-stderr sigv4-curl http://10.1.2.3/
	[[ $stderr == *'plain http is refused'* ]]
}

@test "unsupported scheme and credentials in the URL are refused" {
	run -2 --separate-stderr sigv4-curl ftp://127.0.0.1/
	[[ $stderr == *'unsupported scheme ftp'* ]]
	run -2 --separate-stderr sigv4-curl 'https://AKID:hunter2@sts.amazonaws.com/'
	[[ $stderr == *'credentials in a URL are refused'* ]]
	[[ $stderr != *hunter2* ]]
}

@test "a host that is not AWS's needs --service" {
	run -2 --separate-stderr sigv4-curl "$MOTO_URL/"
	assert_equal "$stderr" 'sigv4-curl: 127.0.0.1: not a standard AWS host: give --service'
}

@test "unknown or malformed region: exit 2" {
	run -2 --separate-stderr sigv4-curl --service sts --region 'us east 1' "$MOTO_URL/"
	assert_equal "$stderr" 'sigv4-curl: us east 1: not a valid region name'
	unset AWS_REGION AWS_DEFAULT_REGION
	run -2 --separate-stderr sigv4-curl --service sts "$MOTO_URL/"
	[[ $stderr == *'no region: give --region or set AWS_REGION'* ]]
}

@test "bad --date, --presign and durations: exit 2" {
	run -2 --separate-stderr sigv4-curl --date 2015-08-30 --service sts "$MOTO_URL/"
	[[ $stderr == *'--date 2015-08-30: want YYYYMMDDTHHMMSSZ'* ]]
	run -2 --separate-stderr sigv4-curl --presign 0 --service sts "$MOTO_URL/"
	[[ $stderr == *'--presign 0: want seconds from 1 to 604800'* ]]
	run -2 --separate-stderr sigv4-curl --presign 604801 --service sts "$MOTO_URL/"
	run -2 --separate-stderr sigv4-curl --max-time 10x --service sts "$MOTO_URL/"
	[[ $stderr == *'--max-time 10x: want a duration'* ]]
	run -2 --separate-stderr sigv4-curl -X 'get' --service sts "$MOTO_URL/"
	[[ $stderr == *'a method is upper-case letters'* ]]
}

@test "no credentials anywhere: exit 2 listing where it looked" {
	unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
	run -2 --separate-stderr sts_call
	[[ $stderr == 'sigv4-curl: no AWS credentials'* ]]
	[[ $stderr == *environment* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
}

@test "malformed config file: exit 2 naming file and line" {
	unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
	printf '[default]\nregion = us-east-1\nthis is not ini\n' >"$BATS_TEST_TMPDIR/config"
	AWS_CONFIG_FILE=$BATS_TEST_TMPDIR/config run -2 --separate-stderr sts_call
	[[ $stderr == *"$BATS_TEST_TMPDIR/config"*3* ]]
}

# --- AWS's official test suite, through the command line --------------------

@test "AWS SigV4 suite: every expressible case, header and presigned forms" {
	suite=${SIGV4_SUITE:-$DK_ROOT/../shared/acceptance/sigv4-suite}
	[[ -d $suite/v4 ]] || skip "suite not present at $suite"
	run -0 python3 "$DK_ROOT/tests/helpers/sigv4-suite-cli.py" "$DK_BIN/sigv4-curl" "$suite"
	assert_line --regexp '^[0-9]+ passed, 0 failed, [0-9]+ skipped$'
	passed=${lines[-1]%% *}
	[ "$passed" -ge 60 ]
}

@test "--dry-run prints the exact request and sends nothing" {
	run -0 --separate-stderr sigv4-curl --dry-run --date 20150830T123600Z \
		--service sts -d 'Action=GetCallerIdentity&Version=2011-06-15' \
		http://127.0.0.1:9/
	assert_line --index 0 'POST / HTTP/1.1'
	assert_line 'Host: 127.0.0.1:9'
	assert_line 'Content-Type: application/x-www-form-urlencoded'
	assert_line 'X-Amz-Date: 20150830T123600Z'
	assert_line --regexp "^Authorization: AWS4-HMAC-SHA256 Credential=$MOTO_AK/20150830/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=[0-9a-f]{64}$"
	assert_line 'Content-Length: 43'
	assert_equal "${lines[-1]}" 'Action=GetCallerIdentity&Version=2011-06-15'
}

@test "a dry run replayed by curl verifies; the same headers with another body do not" {
	body='Action=GetCallerIdentity&Version=2011-06-15'
	run -0 sigv4-curl --dry-run --service sts -d "$body" "$MOTO_URL/"
	hdrs=()
	while IFS= read -r l; do
		[[ -z $l ]] && break
		[[ $l == POST* || $l == Content-Length* ]] && continue
		hdrs+=(-H "$l")
	done <<<"$output"
	run -0 curl -sS "${hdrs[@]}" --data-binary "$body" "$MOTO_URL/"
	assert_output --partial "<Arn>arn:aws:iam::123456789012:user/deploy</Arn>"
	run -0 curl -sS "${hdrs[@]}" --data-binary "${body}&x=1" "$MOTO_URL/"
	assert_output --partial 'SignatureDoesNotMatch'
}

@test "--dry-run hashes a large @file in a streaming pass" {
	head -c 20000000 /dev/zero | tr '\0' a >"$BATS_TEST_TMPDIR/big"
	want=$(sha256sum <"$BATS_TEST_TMPDIR/big" | cut -d' ' -f1)
	run -0 --separate-stderr sigv4-curl --dry-run --content-sha256 --service s3 \
		-X PUT -d @"$BATS_TEST_TMPDIR/big" "$MOTO_URL/bucket/key"
	assert_line "x-amz-content-sha256: $want"
	assert_line 'Content-Length: 20000000'
}

# --- real calls to moto, every signature checked ----------------------------

@test "STS GetCallerIdentity: 200 and the deploy user's ARN" {
	run -0 --separate-stderr sts_call -f
	assert_output --partial '<Arn>arn:aws:iam::123456789012:user/deploy</Arn>'
}

@test "SSM PutParameter with --target: the JSON reply on stdout" {
	run -0 --separate-stderr sigv4-curl -f --service ssm --target AmazonSSM.PutParameter \
		-d '{"Name":"/sigv4-curl/a","Value":"v1","Type":"String","Overwrite":true}' "$MOTO_URL/"
	[ "$(jq -r .Tier <<<"$output")" = Standard ]
	[ "$(jq -r '.Version | type' <<<"$output")" = number ]
	# A real client reads what we wrote.
	run -0 sigv4-curl -f --service ssm --target AmazonSSM.GetParameter \
		-d '{"Name":"/sigv4-curl/a"}' "$MOTO_URL/"
	[ "$(jq -r .Parameter.Value <<<"$output")" = v1 ]
}

@test "body from @file and from stdin" {
	printf '{"Name":"/sigv4-curl/f","Value":"from-file","Type":"String","Overwrite":true}' >"$BATS_TEST_TMPDIR/req.json"
	run -0 sigv4-curl -f --service ssm --target AmazonSSM.PutParameter -d @"$BATS_TEST_TMPDIR/req.json" "$MOTO_URL/"
	run -0 sigv4-curl -f --service ssm --target AmazonSSM.GetParameter -d @- "$MOTO_URL/" <<<'{"Name":"/sigv4-curl/f"}'
	[ "$(jq -r .Parameter.Value <<<"$output")" = from-file ]
}

@test "wrong secret: --fail exits 1 naming SignatureDoesNotMatch" {
	AWS_SECRET_ACCESS_KEY=wrong-secret run -1 --separate-stderr sts_call -f
	[[ $stderr == 'sigv4-curl: SignatureDoesNotMatch: '*'(HTTP 403)' ]]
	[ -z "$output" ]
}

@test "unknown access key: --fail exits 1 naming InvalidClientTokenId" {
	AWS_ACCESS_KEY_ID=AKIAUNKNOWNUNKNOWN00 run -1 --separate-stderr sts_call -f
	[[ $stderr == 'sigv4-curl: InvalidClientTokenId: '* ]]
}

@test "an action the policy denies: exit 1 with AccessDenied" {
	run -1 --separate-stderr sigv4-curl -f --service ssm --target AmazonSSM.DeleteParameter \
		-d '{"Name":"/sigv4-curl/a"}' "$MOTO_URL/"
	[[ $stderr == 'sigv4-curl: AccessDenied'*'ssm:DeleteParameter'* ]]
}

@test "without --fail a 403 is still an answer: body on stdout, exit 0" {
	AWS_SECRET_ACCESS_KEY=wrong-secret run -0 --separate-stderr sts_call
	assert_output --partial '<Code>SignatureDoesNotMatch</Code>'
}

@test "-i writes the status and headers to stderr" {
	run -0 --separate-stderr sts_call -i
	[[ ${stderr_lines[0]} == 'HTTP 200' ]]
	[[ $stderr == *'x-amzn-requestid: '* ]]
}

@test "--verbose traces the exchange and redacts every secret" {
	export AWS_SESSION_TOKEN=canary-session-token-value
	run -1 --separate-stderr sts_call -f --verbose
	[[ $stderr == *'> POST / HTTP/1.1'* ]]
	[[ $stderr == *'> User-Agent: deploykit/'*' sigv4-curl'* ]]
	[[ $stderr == *'Authorization: [redacted]'* ]]
	[[ $stderr == *'X-Amz-Security-Token: [redacted]'* ]]
	[[ $stderr == *'canonical request'* ]]
	[[ $stderr != *"$MOTO_SK"* ]]
	[[ $stderr != *canary-session-token-value* ]]
	[[ $output != *canary-session-token-value* ]]
}

@test "--presign prints a URL with the query signature and sends nothing" {
	# moto 5.2 answers 500 to any presigned request while IAM auth is on, so
	# the signature itself is proven by the suite's query form and by the
	# botocore differential test (sigv4-botocore.bats); here the command line.
	export AWS_SESSION_TOKEN=canary-session-token
	run -0 --separate-stderr sigv4-curl --presign 60 --date 20261129T000000Z \
		--unsigned-payload https://bucket.s3.eu-west-1.amazonaws.com/a/b.txt
	[[ $output == https://bucket.s3.eu-west-1.amazonaws.com/a/b.txt\?* ]]
	q=${output#*\?}
	[[ $q == *"X-Amz-Algorithm=AWS4-HMAC-SHA256"* ]]
	[[ $q == *"X-Amz-Credential=$MOTO_AK%2F20261129%2Feu-west-1%2Fs3%2Faws4_request"* ]]
	[[ $q == *"X-Amz-Date=20261129T000000Z"* && $q == *"X-Amz-Expires=60"* ]]
	[[ $q == *"X-Amz-SignedHeaders=host"* && $q == *"X-Amz-Security-Token=canary-session-token"* ]]
	[[ $q =~ X-Amz-Signature=[0-9a-f]{64}$ ]]
	[ -z "$stderr" ]
}

@test "nothing listening: exit 3 naming the host" {
	port=$(free_port)
	run -3 --separate-stderr sigv4-curl --service sts "http://127.0.0.1:$port/"
	[[ $stderr == "sigv4-curl: GET 127.0.0.1:$port: "* ]]
}

@test "stdout that cannot be written: exit 3, not a silent success" {
	[[ -w /dev/full ]] || skip "no /dev/full"
	run -3 --separate-stderr bash -c "sigv4-curl --service sts -d 'Action=GetCallerIdentity&Version=2011-06-15' '$MOTO_URL/' >/dev/full"
	[[ $stderr == *'sigv4-curl: '* ]]
}

@test "the man page's dry-run example runs" {
	run -0 sigv4-curl --dry-run --date 20150830T123600Z \
		'https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08'
	assert_line --index 0 'GET /?Action=ListUsers&Version=2010-05-08 HTTP/1.1'
	assert_line --partial '/20150830/us-east-1/iam/aws4_request'
}
