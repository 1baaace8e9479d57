#!/usr/bin/env bats
# ssm-put against moto with IAM auth on: writes, no-op re-runs, validation
# before sending, SecureString handling, AWS errors and unreachable servers.

load lib/common

setup_file() {
	moto_start
}

teardown_file() {
	moto_stop
}

setup() {
	moto_env
	# Each test its own parameter: the file's tests share one moto.
	P=/putter/$BATS_TEST_NUMBER/version
}

aws_cli() {
	aws --endpoint-url "$MOTO_URL" "$@"
}

@test "--help and --version" {
	run -0 --separate-stderr ssm-put --help
	assert_line --index 0 --partial 'usage: ssm-put [-qv] --name name'
	run -0 ssm-put --version
	assert_output --regexp '^ssm-put \(deploykit\) '
}

@test "first write: changed, version 1, previous null; the aws CLI reads it" {
	run -0 --separate-stderr ssm-put --name "$P" --value v1
	jq -e --arg n "$P" '.name == $n and .value == "v1" and .version == 1 and
		.tier == "Standard" and .changed == true and .previous == null' <<<"$output"
	run -0 aws_cli ssm get-parameter --name "$P" --query Parameter.Value --output text
	assert_output v1
}

@test "same value again: changed false, no new version" {
	ssm-put --name "$P" --value v1 >/dev/null
	run -0 --separate-stderr ssm-put --name "$P" --value v1
	jq -e '.changed == false and .version == 1 and .previous.version == 1' <<<"$output"
	run -0 aws_cli ssm get-parameter --name "$P" --query Parameter.Version --output text
	assert_output 1
}

@test "new value: version 2 with the previous one" {
	ssm-put --name "$P" --value v1 >/dev/null
	run -0 --separate-stderr ssm-put --name "$P" --value v2
	jq -e '.changed and .version == 2 and .previous == {"value":"v1","version":1}' <<<"$output"
}

@test "value from stdin, one trailing newline stripped" {
	run -0 --separate-stderr ssm-put --name "$P" <<<"from-stdin"
	jq -e '.value == "from-stdin"' <<<"$output"
	printf 'two\n\n' | ssm-put --name "$P" >/dev/null
	run -0 aws_cli ssm get-parameter --name "$P" --output json
	jq -e '.Parameter.Value == "two\n"' <<<"$output"
}

@test "SecureString: from stdin only, never printed" {
	run -2 --separate-stderr ssm-put --name "$P" --type SecureString --value s3cret
	[[ $stderr == *'a SecureString value is a secret: give it on stdin'* ]]
	run -0 --separate-stderr ssm-put --name "$P" --type SecureString <<<"canary-secret-value"
	[[ $output != *canary-secret-value* && $stderr != *canary-secret-value* ]]
	jq -e 'has("value") | not' <<<"$output"
	run -0 aws_cli ssm get-parameter --name "$P" --with-decryption --query Parameter.Value --output text
	assert_output canary-secret-value
	# Unchanged SecureString: compared decrypted, nothing written.
	run -0 ssm-put --name "$P" --type SecureString <<<"canary-secret-value"
	jq -e '.changed == false and (.previous | has("value") | not)' <<<"$output"
}

@test "invalid names: exit 2, nothing sent" {
	for bad in 'has space' 'no/leading/slash' '/a//b' '/a/' '/aws/x' 'ssm-thing' \
		'/SSM/x' "/$(printf 'l/%.0s' {1..15})x" "/$(head -c 1011 /dev/zero | tr '\0' a)"; do
		AWS_ENDPOINT_URL=http://127.0.0.1:9 run -2 --separate-stderr ssm-put --name "$bad" --value v
		[[ $stderr == ssm-put:* ]] || { echo "no message for $bad"; false; }
	done
	run -2 --separate-stderr ssm-put --name '/a/b c' --value v
	assert_equal "$stderr" 'ssm-put: /a/b c: parameter names take only letters, digits and _.-/'
}

@test "oversized and empty values: exit 2 naming the rule" {
	run -2 --separate-stderr ssm-put --name "$P" --value "$(head -c 4097 /dev/zero | tr '\0' a)"
	assert_equal "$stderr" 'ssm-put: value of 4097 bytes: the Standard tier holds at most 4096'
	run -0 ssm-put --name "$P" --tier Advanced --value "$(head -c 4097 /dev/zero | tr '\0' a)"
	run -2 --separate-stderr ssm-put --name "$P" --tier Advanced --value "$(head -c 8193 /dev/zero | tr '\0' a)"
	[[ $stderr == *'Advanced tier holds at most 8192'* ]]
	run -2 --separate-stderr ssm-put --name "$P" --value ''
	[[ $stderr == *'the value is empty'* ]]
	run -2 --separate-stderr ssm-put --name "$P" < <(head -c 9000 /dev/zero | tr '\0' a)
	[[ $stderr == *'larger than 8192 bytes'* ]]
}

@test "bad options: exit 2" {
	run -2 --separate-stderr ssm-put --value v
	[[ ${stderr_lines[0]} == 'ssm-put: --name is required' ]]
	run -2 --separate-stderr ssm-put --name "$P" --value v --type Number
	[[ $stderr == *'--type Number: want String, StringList or SecureString'* ]]
	run -2 --separate-stderr ssm-put --name "$P" --value v --tier Gold
	run -2 --separate-stderr ssm-put --name "$P" --value v --key-id k
	[[ $stderr == *'--key-id goes with --type SecureString'* ]]
	run -2 --separate-stderr ssm-put --name "$P" --value v extra
	run -2 --separate-stderr ssm-put --bogus
	run -2 --separate-stderr ssm-put --name "$P" --value v --region 'eu west'
}

@test "unreadable stdin: exit 2" {
	run -2 --separate-stderr ssm-put --name "$P" <"$BATS_TEST_TMPDIR"
	[[ $stderr == 'ssm-put: stdin: '* ]]
}

@test "a user the policy does not allow: exit 1 with AccessDenied" {
	export AWS_ACCESS_KEY_ID=$MOTO_AK2 AWS_SECRET_ACCESS_KEY=$MOTO_SK2
	run -1 --separate-stderr ssm-put --name "$P" --value v
	[[ $stderr == 'ssm-put: AccessDenied'*'ssm:GetParameter'* ]]
	[ -z "$output" ]
}

@test "wrong secret: exit 1 naming the AWS error" {
	AWS_SECRET_ACCESS_KEY=wrong run -1 --separate-stderr ssm-put --name "$P" --value v
	[[ $stderr == *SignatureDoesNotMatch* || $stderr == *UnrecognizedClient* ]]
}

@test "no server: retried, then exit 3 naming the host" {
	AWS_ENDPOINT_URL=http://127.0.0.1:$(free_port) AWS_MAX_ATTEMPTS=2 \
		run -3 --separate-stderr ssm-put --name "$P" --value v
	[[ ${stderr_lines[0]} == *'retrying in'* ]]
	[[ ${stderr_lines[-1]} == 'ssm-put: POST 127.0.0.1:'* ]]
	AWS_ENDPOINT_URL=http://127.0.0.1:$(free_port) AWS_MAX_ATTEMPTS=1 \
		run -3 --separate-stderr ssm-put -q --name "$P" --value v
	[ "${#stderr_lines[@]}" -eq 1 ]
}

@test "plain http to a remote endpoint is refused: exit 2" {
	AWS_ENDPOINT_URL=http://ssm.example.com run -2 --separate-stderr ssm-put --name "$P" --value v
	[[ $stderr == *'plain http is refused'* ]]
}

@test "the man page's example runs" {
	run -0 ssm-put --name /my-app/prod/version --value "$(git -C "$DK_ROOT" rev-parse HEAD 2>/dev/null || echo 0123abc)"
	jq -e '.name == "/my-app/prod/version"' <<<"$output"
}
