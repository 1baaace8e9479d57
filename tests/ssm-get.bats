#!/usr/bin/env bats
# ssm-get against moto with IAM auth on.

load lib/common

setup_file() {
	moto_start
	moto_env
	for v in v1 v2 v3; do
		ssm-put -q --name /getter/app --value "$v" >/dev/null
	done
	ssm-put -q --name /getter/one --value only >/dev/null
	ssm-put -q --name /getter/secret --type SecureString <<<"canary-secret" >/dev/null
}

teardown_file() {
	moto_stop
}

setup() {
	moto_env
}

@test "--help and --version" {
	run -0 ssm-get --help
	assert_line --index 0 --partial 'usage: ssm-get [-qv] [--decrypt]'
	run -0 ssm-get --version
}

@test "current value with version and RFC 3339 time" {
	run -0 --separate-stderr ssm-get /getter/app
	jq -e '.name == "/getter/app" and .value == "v3" and .version == 3 and
		(.last_modified | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"))' <<<"$output"
}

@test "name:version selects a version" {
	run -0 --separate-stderr ssm-get /getter/app:1
	jq -e '.value == "v1" and .version == 1' <<<"$output"
}

@test "--history N: newest first, at most N" {
	run -0 --separate-stderr ssm-get --history 2 /getter/app
	jq -e '[.versions[].value] == ["v3","v2"] and .name == "/getter/app"' <<<"$output"
	run -0 ssm-get --history 10 /getter/app
	jq -e '[.versions[].version] == [3,2,1]' <<<"$output"
}

@test "--previous: the version before the current one" {
	run -0 --separate-stderr ssm-get --previous /getter/app
	jq -e '.value == "v2" and .version == 2' <<<"$output"
	run -1 --separate-stderr ssm-get --previous /getter/one
	assert_equal "$stderr" 'ssm-get: /getter/one: no version before the current one'
}

@test "SecureString: value left out unless --decrypt" {
	run -0 ssm-get /getter/secret
	jq -e 'has("value") | not' <<<"$output"
	[[ $output != *canary-secret* ]]
	run -0 ssm-get --decrypt /getter/secret
	jq -e '.value == "canary-secret"' <<<"$output"
}

@test "missing parameter: exit 1 with a clear line" {
	run -1 --separate-stderr ssm-get /getter/nope
	assert_equal "$stderr" 'ssm-get: /getter/nope: no such parameter'
	run -1 --separate-stderr ssm-get /getter/app:99
	[[ $stderr == *'no such parameter version or label'* ]]
}

@test "bad input: exit 2, nothing sent" {
	export AWS_ENDPOINT_URL=http://127.0.0.1:9
	run -2 --separate-stderr ssm-get
	[[ ${stderr_lines[0]} == 'ssm-get: no parameter name given' ]]
	run -2 --separate-stderr ssm-get 'bad name'
	run -2 --separate-stderr ssm-get /a /b
	run -2 --separate-stderr ssm-get /a:
	run -2 --separate-stderr ssm-get --history 0 /a
	[[ $stderr == *'--history 0: want a count'* ]]
	run -2 --separate-stderr ssm-get --history 2 --previous /a
	run -2 --separate-stderr ssm-get --previous /a:2
}

@test "denied: exit 1 with AccessDenied" {
	export AWS_ACCESS_KEY_ID=$MOTO_AK2 AWS_SECRET_ACCESS_KEY=$MOTO_SK2
	run -1 --separate-stderr ssm-get /getter/app
	[[ $stderr == 'ssm-get: AccessDenied'* ]]
}
