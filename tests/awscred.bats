#!/usr/bin/env bats
# lib/awscred: the SDKs' credential chain, every source for real, through
# tests/aids/awscred-probe.  Keys are proved with --call (STS
# GetCallerIdentity signed with what was found):
#  - moto with IAM auth on: the deploy user's keys, AssumeRole, and the role
#    "deployer" whose session keys the credserver hands out;
#  - moto without auth: AssumeRoleWithWebIdentity is unsigned, which moto
#    with auth on cannot take;
#  - tests/helpers/credserver.py: a container agent and IMDSv2 on loopback.
# shellcheck disable=SC2030,SC2031 # each test sets its own environment
# shellcheck disable=SC2016 # helper scripts expand their own variables
# shellcheck disable=SC2154 # bats sets $stderr

load lib/common

ACCOUNT=123456789012
ROLE_ARN=arn:aws:iam::$ACCOUNT:role/deployer

# Let the next N IAM actions through unsigned, as moto-bootstrap does for its
# own three: how a role gets made in a moto whose only user may not make one.
moto_unsigned() {
	curl -sS --fail -X POST -H 'Content-Type: text/plain' --data-binary "$2" \
	    "$1/moto-api/reset-auth" >/dev/null
}

# role_create URL: the role "deployer", which may call GetCallerIdentity and
# assume roles (chains), in the moto at URL.
role_create() {
	local url=$1 sig trust policy
	sig=(--aws-sigv4 aws:amz:us-east-1:iam --user AKIDBOOTSTRAP:bootstrap)
	trust='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}'
	policy='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:GetCallerIdentity","sts:AssumeRole"],"Resource":"*"}]}'
	moto_unsigned "$url" 2
	curl -sS --fail "${sig[@]}" "$url/" --data "Action=CreateRole&RoleName=deployer&Version=2010-05-08&AssumeRolePolicyDocument=$(printf %s "$trust" | jq -sRr @uri)" >/dev/null
	curl -sS --fail "${sig[@]}" "$url/" --data "Action=PutRolePolicy&RoleName=deployer&PolicyName=deployer&Version=2010-05-08&PolicyDocument=$(printf %s "$policy" | jq -sRr @uri)" >/dev/null
}

# assume_deployer URL FILE: assume the role with the deploy user's key (curl
# signs; the key goes through a config on stdin, not argv) and write the
# session's key id, secret and token to FILE, one a line.
assume_deployer() {
	local xml
	xml=$(printf 'user = "%s:%s"\n' "$MOTO_AK" "$MOTO_SK" |
	    curl -sS --fail -K - --aws-sigv4 aws:amz:us-east-1:sts "$1/" \
	    --data "Action=AssumeRole&Version=2011-06-15&RoleArn=$(printf %s "$ROLE_ARN" | jq -sRr @uri)&RoleSessionName=credserver")
	{
		sed -n 's:.*<AccessKeyId>\([^<]*\)</AccessKeyId>.*:\1:p' <<<"$xml"
		sed -n 's:.*<SecretAccessKey>\([^<]*\)</SecretAccessKey>.*:\1:p' <<<"$xml"
		sed -n 's:.*<SessionToken>\([^<]*\)</SessionToken>.*:\1:p' <<<"$xml"
	} >"$2"
}

credserver_start() {
	local dir=$BATS_FILE_TMPDIR/credserver i
	mkdir -p "$dir"
	CREDSERVER_AK=$SESSION_AK CREDSERVER_SK=$SESSION_SK \
	    CREDSERVER_TOKEN=$SESSION_TOKEN CREDSERVER_AUTH=$CONTAINER_AUTH \
	    python3 "$DK_ROOT/tests/helpers/credserver.py" >"$dir/port" \
	    2>"$dir/log" &
	echo $! >"$dir/pid"
	CRED_PIDFILE=$dir/pid
	for ((i = 0; i < 100; i++)); do
		[[ -s $dir/port ]] && break
		sleep 0.1
	done
	CRED_PORT=$(cat "$dir/port")
	CRED_URL=http://127.0.0.1:$CRED_PORT
	CRED_LOG=$dir/log
	wait_http "$CRED_URL/"
	export CRED_PIDFILE CRED_PORT CRED_URL CRED_LOG
}

setup_file() {
	PROBE=$DK_BUILD/tests/awscred-probe
	export PROBE
	[[ -x $PROBE ]] || {
		echo "$PROBE is not built: make $PROBE" >&2
		return 1
	}
	moto_start
	AUTH_URL=$MOTO_URL AUTH_PIDFILE=$MOTO_PIDFILE
	role_create "$AUTH_URL"
	assume_deployer "$AUTH_URL" "$BATS_FILE_TMPDIR/session"
	SESSION_AK=$(sed -n 1p "$BATS_FILE_TMPDIR/session")
	SESSION_SK=$(sed -n 2p "$BATS_FILE_TMPDIR/session")
	SESSION_TOKEN=$(sed -n 3p "$BATS_FILE_TMPDIR/session")
	[[ $SESSION_AK && $SESSION_SK && $SESSION_TOKEN ]]
	moto_start noauth
	NOAUTH_URL=$MOTO_URL NOAUTH_PIDFILE=$MOTO_PIDFILE
	CONTAINER_AUTH=Basic-$RANDOM$RANDOM$RANDOM
	export AUTH_URL AUTH_PIDFILE NOAUTH_URL NOAUTH_PIDFILE CONTAINER_AUTH
	export SESSION_AK SESSION_SK SESSION_TOKEN
	credserver_start
}

teardown_file() {
	kill_pid "${CRED_PIDFILE:-}"
	kill_pid "${NOAUTH_PIDFILE:-}"
	kill_pid "${AUTH_PIDFILE:-}"
}

setup() {
	aws_env_clean
	CONF=$BATS_TEST_TMPDIR/config
	CREDS=$BATS_TEST_TMPDIR/credentials
	export AWS_CONFIG_FILE=$CONF AWS_SHARED_CREDENTIALS_FILE=$CREDS
	export AWS_REGION=us-east-1 AWS_ENDPOINT_URL=$AUTH_URL
}

USER_ARN=arn:aws:iam::$ACCOUNT:user/deploy
SESSION_ARN=arn:aws:sts::$ACCOUNT:assumed-role/deployer/credserver

# json_is EXPECTED: $output, one JSON line, equals EXPECTED (key order aside).
json_is() {
	assert_equal "$(jq -cS . <<<"$output")" "$(jq -cS . <<<"$1")"
	assert_equal "${#lines[@]}" 1
}

# no_secrets: nothing the probe printed holds a secret key or token.
no_secrets() {
	local s
	for s in "$MOTO_SK" "$SESSION_SK" "$SESSION_TOKEN" "$CONTAINER_AUTH"; do
		refute_output --partial "$s"
		[[ $stderr != *"$s"* ]]
	done
}

# fails CODE MESSAGE: the probe exits CODE with the one line MESSAGE.
fails() {
	run -"$1" --separate-stderr "$PROBE"
	assert_output ""
	assert_equal "$stderr" "awscred-probe: $2"
	no_secrets
}

# A credential_process script NAME printing BODY (a shell command list).
process_script() {
	printf '#!/bin/sh\n%s\n' "$2" >"$BATS_TEST_TMPDIR/$1"
	chmod +x "$BATS_TEST_TMPDIR/$1"
	echo "$BATS_TEST_TMPDIR/$1"
}

process_profile() {
	printf '[profile proc]\ncredential_process = %s\n' "$1" >"$CONF"
	export AWS_PROFILE=proc
}

# --- 1. environment ----------------------------------------------------------

@test "environment: the key pair, proved by STS" {
	export AWS_ACCESS_KEY_ID=$MOTO_AK AWS_SECRET_ACCESS_KEY=$MOTO_SK
	run -0 --separate-stderr "$PROBE" --call
	json_is "{\"source\":\"environment\",\"access_key_id\":\"$MOTO_AK\",\"has_session_token\":false,\"expiration\":null,\"arn\":\"$USER_ARN\"}"
	assert_equal "$stderr" ""
	no_secrets
}

@test "environment: with AWS_SESSION_TOKEN, proved by STS" {
	export AWS_ACCESS_KEY_ID=$SESSION_AK AWS_SECRET_ACCESS_KEY=$SESSION_SK
	export AWS_SESSION_TOKEN=$SESSION_TOKEN
	run -0 --separate-stderr "$PROBE" --call
	json_is "{\"source\":\"environment\",\"access_key_id\":\"$SESSION_AK\",\"has_session_token\":true,\"expiration\":null,\"arn\":\"$SESSION_ARN\"}"
	no_secrets
}

@test "environment: wins over the profile" {
	printf '[default]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = x\n' >"$CREDS"
	export AWS_ACCESS_KEY_ID=$MOTO_AK AWS_SECRET_ACCESS_KEY=$MOTO_SK
	run -0 --separate-stderr "$PROBE"
	assert_equal "$(jq -r .source <<<"$output")" environment
}

@test "environment: an empty variable counts as unset" {
	export AWS_ACCESS_KEY_ID='' AWS_SECRET_ACCESS_KEY=''
	printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$MOTO_AK" "$MOTO_SK" >"$CREDS"
	run -0 --separate-stderr "$PROBE"
	assert_equal "$(jq -r .source <<<"$output")" "profile default"
}

@test "environment: only AWS_ACCESS_KEY_ID is an error naming the other" {
	export AWS_ACCESS_KEY_ID=$MOTO_AK
	fails 2 "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
}

@test "environment: only AWS_SECRET_ACCESS_KEY is an error naming the other" {
	export AWS_SECRET_ACCESS_KEY=$MOTO_SK
	fails 2 "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"
}

# --- 2. web identity from the environment (moto without auth) -----------------

web_env() {
	export AWS_ENDPOINT_URL=$NOAUTH_URL
	printf 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2ln\n' >"$BATS_TEST_TMPDIR/token"
	export AWS_WEB_IDENTITY_TOKEN_FILE=$BATS_TEST_TMPDIR/token
	export AWS_ROLE_ARN=arn:aws:iam::$ACCOUNT:role/web
}

@test "web identity: AssumeRoleWithWebIdentity, session name given" {
	web_env
	export AWS_ROLE_SESSION_NAME=ci-run-7
	run -0 --separate-stderr "$PROBE" --call
	assert_equal "$(jq -r .source <<<"$output")" "web identity"
	assert_equal "$(jq -r .has_session_token <<<"$output")" true
	assert_equal "$(jq -r .arn <<<"$output")" \
	    "arn:aws:sts::$ACCOUNT:assumed-role/web/ci-run-7"
	# STS gives an hour; the probe shows when.
	[[ $(jq -r .expiration <<<"$output") =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$ ]]
	assert_equal "$stderr" ""
}

@test "web identity: a default session name is made up" {
	web_env
	run -0 --separate-stderr "$PROBE" --call
	assert_regex "$(jq -r .arn <<<"$output")" \
	    "^arn:aws:sts::$ACCOUNT:assumed-role/web/deploykit-session-[0-9]+$"
}

@test "web identity: works without a region (STS's global endpoint region)" {
	web_env
	unset AWS_REGION
	run -0 --separate-stderr "$PROBE"
	assert_equal "$(jq -r .source <<<"$output")" "web identity"
}

@test "web identity: comes before the profile" {
	web_env
	printf '[default]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = x\n' >"$CREDS"
	run -0 --separate-stderr "$PROBE"
	assert_equal "$(jq -r .source <<<"$output")" "web identity"
}

@test "web identity: AWS_ROLE_ARN missing" {
	web_env
	unset AWS_ROLE_ARN
	fails 2 "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not"
}

@test "web identity: the token file missing" {
	web_env
	export AWS_WEB_IDENTITY_TOKEN_FILE=$BATS_TEST_TMPDIR/nothere
	fails 2 "AWS_WEB_IDENTITY_TOKEN_FILE $BATS_TEST_TMPDIR/nothere: No such file or directory"
}

@test "web identity: an empty token file" {
	web_env
	printf '\n' >"$BATS_TEST_TMPDIR/token"
	fails 2 "AWS_WEB_IDENTITY_TOKEN_FILE $BATS_TEST_TMPDIR/token: the file is empty"
}

@test "web identity: a symlinked token file is read (Kubernetes projects them so)" {
	web_env
	mkdir "$BATS_TEST_TMPDIR/..data"
	mv "$BATS_TEST_TMPDIR/token" "$BATS_TEST_TMPDIR/..data/token"
	ln -s ..data/token "$BATS_TEST_TMPDIR/token"
	run -0 --separate-stderr "$PROBE"
	assert_equal "$(jq -r .source <<<"$output")" "web identity"
}

@test "web identity: a FIFO is refused, not waited on" {
	web_env
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	export AWS_WEB_IDENTITY_TOKEN_FILE=$BATS_TEST_TMPDIR/fifo
	fails 2 "AWS_WEB_IDENTITY_TOKEN_FILE $BATS_TEST_TMPDIR/fifo: not a regular file"
}

@test "web identity: STS refusing the token is exit 1 with its message" {
	web_env
	export AWS_ENDPOINT_URL_STS=$CRED_URL/sts-denied
	fails 1 "environment: assuming role arn:aws:iam::$ACCOUNT:role/web with web identity: InvalidIdentityToken: Couldn't retrieve verification key from your identity provider"
}

@test "web identity: STS unreachable is exit 3" {
	web_env
	AWS_ENDPOINT_URL=http://127.0.0.1:$(free_port)
	export AWS_ENDPOINT_URL AWS_MAX_ATTEMPTS=2
	run -3 --separate-stderr "$PROBE"
	assert_output ""
	assert_regex "$stderr" "^awscred-probe: environment: assuming role arn:aws:iam::$ACCOUNT:role/web with web identity: POST 127\.0\.0\.1:[0-9]+: .*"
}

# --- 3. profiles --------------------------------------------------------------

@test "profile: static keys in the credentials file, proved by STS" {
	printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$MOTO_AK" "$MOTO_SK" >"$CREDS"
	run -0 --separate-stderr "$PROBE" --call
	json_is "{\"source\":\"profile default\",\"access_key_id\":\"$MOTO_AK\",\"has_session_token\":false,\"expiration\":null,\"arn\":\"$USER_ARN\"}"
	no_secrets
}

@test "profile: AWS_PROFILE, keys and session token in the config file" {
	printf '[profile dev]\naws_access_key_id = %s\naws_secret_access_key = %s\naws_session_token = %s\n' \
	    "$SESSION_AK" "$SESSION_SK" "$SESSION_TOKEN" >"$CONF"
	export AWS_PROFILE=dev
	run -0 --separate-stderr "$PROBE" --call
	json_is "{\"source\":\"profile dev\",\"access_key_id\":\"$SESSION_AK\",\"has_session_token\":true,\"expiration\":null,\"arn\":\"$SESSION_ARN\"}"
	no_secrets
}

@test "profile: half a key pair names the missing key" {
	printf '[half]\naws_access_key_id = AKIAHALF\n' >"$CREDS"
	export AWS_PROFILE=half
	fails 2 "profile half has aws_access_key_id but no aws_secret_access_key"
}

@test "profile: SSO is refused with the workaround" {
	printf '[profile corp]\nsso_session = corp\nsso_account_id = %s\nsso_role_name = Admin\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n' "$ACCOUNT" >"$CONF"
	export AWS_PROFILE=corp
	fails 2 "profile corp uses AWS SSO, which deploykit does not speak: run \`aws configure export-credentials --profile corp --format process\` as its credential_process, or export the variables with \`aws configure export-credentials --format env\`"
}

@test "profile: one with no credentials lets the chain go on" {
	printf '[default]\nregion = eu-west-1\n' >"$CONF"
	fails 2 "no AWS credentials: looked in the environment, AWS_WEB_IDENTITY_TOKEN_FILE, profile default in $CONF and $CREDS, container credentials, instance metadata (disabled)"
}

# --- 3. credential_process ----------------------------------------------------

@test "credential_process: Version 1 output, proved by STS" {
	process_profile "$(process_script good 'printf "{\"Version\": 1, \"AccessKeyId\": \"%s\", \"SecretAccessKey\": \"%s\"}" "$MOTO_AK" "$MOTO_SK"') --flag 'two words'"
	run -0 --separate-stderr "$PROBE" --call
	json_is "{\"source\":\"profile proc: credential_process\",\"access_key_id\":\"$MOTO_AK\",\"has_session_token\":false,\"expiration\":null,\"arn\":\"$USER_ARN\"}"
	no_secrets
}

@test "credential_process: SessionToken and Expiration (fraction and offset)" {
	process_profile "$(process_script tok 'printf "{\"Version\":1,\"AccessKeyId\":\"%s\",\"SecretAccessKey\":\"%s\",\"SessionToken\":\"%s\",\"Expiration\":\"2099-01-01T02:00:00.123+02:00\"}" "$SESSION_AK" "$SESSION_SK" "$SESSION_TOKEN"')"
	run -0 --separate-stderr "$PROBE" --call
	json_is "{\"source\":\"profile proc: credential_process\",\"access_key_id\":\"$SESSION_AK\",\"has_session_token\":true,\"expiration\":\"2099-01-01T00:00:00Z\",\"arn\":\"$SESSION_ARN\"}"
	no_secrets
}

@test "credential_process: stderr passes through, stdin is not the tool's" {
	process_profile "$(process_script talk 'echo "helper: read $(wc -c) bytes of stdin" >&2; printf "{\"Version\":1,\"AccessKeyId\":\"AKIATALK\",\"SecretAccessKey\":\"s\"}"')"
	run -0 --separate-stderr "$PROBE" <<<"the tool's own input"
	assert_equal "$(jq -r .access_key_id <<<"$output")" AKIATALK
	assert_equal "$stderr" "helper: read 0 bytes of stdin"
}

@test "credential_process: non-zero exit is exit 1 naming the profile and status" {
	process_profile "$(process_script fail 'echo "helper: not logged in" >&2; exit 3')"
	run -1 --separate-stderr "$PROBE"
	assert_output ""
	assert_equal "$stderr" "helper: not logged in
awscred-probe: profile proc: credential_process: exited with status 3"
}

@test "credential_process: a command that is not there" {
	process_profile "$BATS_TEST_TMPDIR/no-such-helper"
	run -1 --separate-stderr "$PROBE"
	assert_equal "${stderr##*$'\n'}" "awscred-probe: profile proc: credential_process: exited with status 127"
}

@test "credential_process: killed by a signal" {
	process_profile 'kill -KILL $$'
	fails 1 "profile proc: credential_process: killed by signal 9"
}

@test "credential_process: output that is not JSON, not echoed" {
	process_profile "$(process_script bad 'echo "AccessKeyId=$MOTO_AK SecretAccessKey=$MOTO_SK"')"
	fails 2 "profile proc: credential_process: the output is not JSON (line 1, column 11)"
}

@test "credential_process: no output at all" {
	process_profile true
	fails 2 "profile proc: credential_process: the output is empty"
}

@test "credential_process: JSON that is not an object" {
	process_profile "$(process_script arr 'echo "[1, 2]"')"
	fails 2 "profile proc: credential_process: the output is not a JSON object"
}

@test "credential_process: Version 2 is refused" {
	process_profile "$(process_script v2 'printf "{\"Version\":2,\"AccessKeyId\":\"AKIAV2\",\"SecretAccessKey\":\"%s\"}" "$MOTO_SK"')"
	fails 2 "profile proc: credential_process: the output has Version 2 (deploykit speaks Version 1)"
}

@test "credential_process: no Version is refused" {
	process_profile "$(process_script nov 'printf "{\"AccessKeyId\":\"AKIANOV\",\"SecretAccessKey\":\"%s\"}" "$MOTO_SK"')"
	fails 2 "profile proc: credential_process: the output has no Version (deploykit speaks Version 1)"
}

@test "credential_process: Version as a string is refused" {
	process_profile "$(process_script vs 'printf "{\"Version\":\"1\",\"AccessKeyId\":\"AKIAVS\",\"SecretAccessKey\":\"s\"}"')"
	fails 2 "profile proc: credential_process: Version is not the number 1"
}

@test "credential_process: SecretAccessKey missing" {
	process_profile "$(process_script nosk 'printf "{\"Version\":1,\"AccessKeyId\":\"AKIANOSK\"}"')"
	fails 2 "profile proc: credential_process: SecretAccessKey is missing"
}

@test "credential_process: expired credentials are refused" {
	process_profile "$(process_script old 'printf "{\"Version\":1,\"AccessKeyId\":\"AKIAOLD\",\"SecretAccessKey\":\"%s\",\"Expiration\":\"2001-02-03T04:05:06Z\"}" "$MOTO_SK"')"
	fails 2 "profile proc: credential_process: the credentials expired at 2001-02-03T04:05:06Z"
}

@test "credential_process: a malformed Expiration is refused" {
	process_profile "$(process_script badexp 'printf "{\"Version\":1,\"AccessKeyId\":\"AKIAEXP\",\"SecretAccessKey\":\"s\",\"Expiration\":\"tomorrow\"}"')"
	fails 2 "profile proc: credential_process: Expiration is not an RFC 3339 time"
}

@test "credential_process: output past the cap is refused" {
	process_profile "$(process_script big 'yes "{\"Version\": 1}" | head -c 200000')"
	fails 2 "profile proc: credential_process: the output is larger than 65536 bytes"
}

@test "credential_process: static keys in the same profile come first" {
	printf '[default]\naws_access_key_id = AKIASTATIC\naws_secret_access_key = s\ncredential_process = false\n' >"$CREDS"
	run -0 --separate-stderr "$PROBE"
	assert_equal "$(jq -r .access_key_id <<<"$output")" AKIASTATIC
}

# --- 3. role_arn: AssumeRole in moto with auth on -----------------------------

@test "assume role: source_profile with static keys, proved by STS" {
	cat >"$CONF" <<-EOF
	[profile base]
	aws_access_key_id = $MOTO_AK
	aws_secret_access_key = $MOTO_SK
	[profile ops]
	role_arn = $ROLE_ARN
	source_profile = base
	role_session_name = ops-session
	external_id = ext-1234
	EOF
	export AWS_PROFILE=ops
	run -0 --separate-stderr "$PROBE" --call
	assert_equal "$(jq -r .source <<<"$output")" "profile ops: assume role"
	assert_equal "$(jq -r .has_session_token <<<"$output")" true
	assert_equal "$(jq -r .arn <<<"$output")" \
	    "arn:aws:sts::$ACCOUNT:assumed-role/deployer/ops-session"
	no_secrets
}

@test "assume role: duration_seconds sets the expiration" {
	cat >"$CONF" <<-EOF
	[profile base]
	aws_access_key_id = $MOTO_AK
	aws_secret_access_key = $MOTO_SK
	[profile ops]
	role_arn = $ROLE_ARN
	source_profile = base
	duration_seconds = 900
	EOF
	export AWS_PROFILE=ops
	run -0 --separate-stderr "$PROBE" --call
	exp=$(date -u -d "$(jq -r .expiration <<<"$output")" +%s)
	now=$(date -u +%s)
	((exp > now + 800 && exp <= now + 960))
	assert_regex "$(jq -r .arn <<<"$output")" \
	    "^arn:aws:sts::$ACCOUNT:assumed-role/deployer/deploykit-session-[0-9]+$"
}

@test "assume role: a chain of two roles" {
	cat >"$CONF" <<-EOF
	[profile base]
	aws_access_key_id = $MOTO_AK
	aws_secret_access_key = $MOTO_SK
	[profile first]
	role_arn = $ROLE_ARN
	source_profile = base
	[profile second]
	role_arn = $ROLE_ARN
	source_profile = first
	role_session_name = second-hop
	EOF
	export AWS_PROFILE=second
	run -0 --separate-stderr "$PROBE" --call
	assert_equal "$(jq -r .arn <<<"$output")" \
	    "arn:aws:sts::$ACCOUNT:assumed-role/deployer/second-hop"
}

@test "assume role: a profile may source its own static keys" {
	cat >"$CONF" <<-EOF
	[profile self]
	role_arn = $ROLE_ARN
	source_profile = self
	role_session_name = self-session
	aws_access_key_id = $MOTO_AK
	aws_secret_access_key = $MOTO_SK
	EOF
	export AWS_PROFILE=self
	run -0 --separate-stderr "$PROBE" --call
	assert_equal "$(jq -r .arn <<<"$output")" \
	    "arn:aws:sts::$ACCOUNT:assumed-role/deployer/self-session"
}

@test "assume role: source_profile using credential_process" {
	local helper
	helper=$(process_script src 'printf "{\"Version\":1,\"AccessKeyId\":\"%s\",\"SecretAccessKey\":\"%s\"}" "$MOTO_AK" "$MOTO_SK"')
	printf '[profile src]\ncredential_process = %s\n[profile ops]\nrole_arn = %s\nsource_profile = src\nrole_session_name = via-process\n' \
	    "$helper" "$ROLE_ARN" >"$CONF"
	export AWS_PROFILE=ops
	run -0 --separate-stderr "$PROBE" --call
	assert_equal "$(jq -r .arn <<<"$output")" \
	    "arn:aws:sts::$ACCOUNT:assumed-role/deployer/via-process"
}

@test "assume role: credential_source Ec2InstanceMetadata" {
	printf '[profile ops]\nrole_arn = %s\ncredential_source = Ec2InstanceMetadata\nrole_session_name = from-imds\n' "$ROLE_ARN" >"$CONF"
	export AWS_PROFILE=ops AWS_EC2_METADATA_SERVICE_ENDPOINT=$CRED_URL/imds/
	unset AWS_EC2_METADATA_DISABLED
	run -0 --separate-stderr "$PROBE" --call
	assert_equal "$(jq -r .source <<<"$output")" "profile ops: assume role"
	assert_equal "$(jq -r .arn <<<"$output")" \
	    "arn:aws:sts::$ACCOUNT:assumed-role/deployer/from-imds"
}

@test "assume role: credential_source EcsContainer" {
	printf '[profile ops]\nrole_arn = %s\ncredential_source = EcsContainer\nrole_session_name = from-ecs\n' "$ROLE_ARN" >"$CONF"
	export AWS_PROFILE=ops AWS_CONTAINER_CREDENTIALS_FULL_URI=$CRED_URL/container/open
	run -0 --separate-stderr "$PROBE" --call
	assert_equal "$(jq -r .arn <<<"$output")" \
	    "arn:aws:sts::$ACCOUNT:assumed-role/deployer/from-ecs"
}

@test "assume role: credential_source with nothing there" {
	printf '[profile ops]\nrole_arn = %s\ncredential_source = Ec2InstanceMetadata\n' "$ROLE_ARN" >"$CONF"
	export AWS_PROFILE=ops
	fails 2 "profile ops: credential_source Ec2InstanceMetadata: no credentials from instance metadata (disabled)"
}

@test "assume role: credential_source EcsContainer with nothing there" {
	printf '[profile ops]\nrole_arn = %s\ncredential_source = EcsContainer\n' "$ROLE_ARN" >"$CONF"
	export AWS_PROFILE=ops
	fails 2 "profile ops: credential_source EcsContainer: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set"
}

@test "assume role: credential_source Environment with nothing there" {
	printf '[profile ops]\nrole_arn = %s\ncredential_source = Environment\n' "$ROLE_ARN" >"$CONF"
	export AWS_PROFILE=ops
	fails 2 "profile ops: credential_source Environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"
}

@test "assume role: an unknown credential_source" {
	printf '[profile ops]\nrole_arn = %s\ncredential_source = Bogus\n' "$ROLE_ARN" >"$CONF"
	export AWS_PROFILE=ops
	fails 2 "profile ops: credential_source Bogus is not Environment, Ec2InstanceMetadata or EcsContainer"
}

@test "assume role: source_profile loop" {
	printf '[profile a]\nrole_arn = %s\nsource_profile = b\n[profile b]\nrole_arn = %s\nsource_profile = a\n' "$ROLE_ARN" "$ROLE_ARN" >"$CONF"
	export AWS_PROFILE=a
	fails 2 "profile a: source_profile loop: a -> b -> a"
}

@test "assume role: a profile naming itself without keys is a loop" {
	printf '[profile a]\nrole_arn = %s\nsource_profile = a\n' "$ROLE_ARN" >"$CONF"
	export AWS_PROFILE=a
	fails 2 "profile a: source_profile loop: a -> a"
}

@test "assume role: neither source_profile nor credential_source" {
	printf '[profile ops]\nrole_arn = %s\n' "$ROLE_ARN" >"$CONF"
	export AWS_PROFILE=ops
	fails 2 "profile ops has role_arn but neither source_profile nor credential_source"
}

@test "assume role: both source_profile and credential_source" {
	printf '[profile ops]\nrole_arn = %s\nsource_profile = base\ncredential_source = Environment\n' "$ROLE_ARN" >"$CONF"
	export AWS_PROFILE=ops
	fails 2 "profile ops has both source_profile and credential_source"
}

@test "assume role: a source_profile without credentials" {
	printf '[profile base]\nregion = us-east-1\n[profile ops]\nrole_arn = %s\nsource_profile = base\n' "$ROLE_ARN" >"$CONF"
	export AWS_PROFILE=ops
	fails 2 "profile ops: source_profile base has no credentials"
}

@test "assume role: a source_profile that does not exist" {
	printf '[profile ops]\nrole_arn = %s\nsource_profile = nowhere\n' "$ROLE_ARN" >"$CONF"
	export AWS_PROFILE=ops
	fails 2 "profile ops: source_profile nowhere does not exist"
}

@test "assume role: mfa_serial cannot be prompted for" {
	printf '[profile base]\naws_access_key_id = a\naws_secret_access_key = b\n[profile ops]\nrole_arn = %s\nsource_profile = base\nmfa_serial = arn:aws:iam::%s:mfa/me\n' "$ROLE_ARN" "$ACCOUNT" >"$CONF"
	export AWS_PROFILE=ops
	fails 2 "profile ops needs an MFA code (mfa_serial), which deploykit cannot prompt for: assume the role beforehand and export the session's variables"
}

@test "assume role: a malformed duration_seconds" {
	printf '[profile base]\naws_access_key_id = a\naws_secret_access_key = b\n[profile ops]\nrole_arn = %s\nsource_profile = base\nduration_seconds = 60\n' "$ROLE_ARN" >"$CONF"
	export AWS_PROFILE=ops
	fails 2 "profile ops: duration_seconds 60 is not a number of seconds from 900 to 43200"
}

@test "assume role: STS refusing the source's key is exit 1" {
	printf '[profile base]\naws_access_key_id = %s\naws_secret_access_key = wrong-secret\n[profile ops]\nrole_arn = %s\nsource_profile = base\n' "$MOTO_AK" "$ROLE_ARN" >"$CONF"
	export AWS_PROFILE=ops
	run -1 --separate-stderr "$PROBE"
	assert_output ""
	assert_regex "$stderr" "^awscred-probe: profile ops: assuming role $ROLE_ARN: SignatureDoesNotMatch: .+$"
	no_secrets
}

# --- 3. role_arn + web_identity_token_file (moto without auth) ----------------

@test "profile web identity: role_arn + web_identity_token_file" {
	export AWS_ENDPOINT_URL=$NOAUTH_URL
	printf 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln' >"$BATS_TEST_TMPDIR/token"
	printf '[profile w]\nrole_arn = arn:aws:iam::%s:role/web\nweb_identity_token_file = %s\nrole_session_name = from-profile\n' \
	    "$ACCOUNT" "$BATS_TEST_TMPDIR/token" >"$CONF"
	export AWS_PROFILE=w
	run -0 --separate-stderr "$PROBE" --call
	assert_equal "$(jq -r .source <<<"$output")" "profile w: web identity"
	assert_equal "$(jq -r .arn <<<"$output")" \
	    "arn:aws:sts::$ACCOUNT:assumed-role/web/from-profile"
}

@test "profile web identity: web_identity_token_file without role_arn" {
	printf '[profile w]\nweb_identity_token_file = /nonexistent\n' >"$CONF"
	export AWS_PROFILE=w
	fails 2 "profile w has web_identity_token_file but no role_arn"
}

# --- 4. container credentials (credserver) ------------------------------------

@test "container: FULL_URI with AWS_CONTAINER_AUTHORIZATION_TOKEN, proved by STS" {
	export AWS_CONTAINER_CREDENTIALS_FULL_URI=$CRED_URL/container/auth
	export AWS_CONTAINER_AUTHORIZATION_TOKEN=$CONTAINER_AUTH
	run -0 --separate-stderr "$PROBE" --call
	assert_equal "$(jq -c 'del(.expiration)' <<<"$output")" \
	    "{\"source\":\"container\",\"access_key_id\":\"$SESSION_AK\",\"has_session_token\":true,\"arn\":\"$SESSION_ARN\"}"
	[[ $(jq -r .expiration <<<"$output") =~ ^[0-9]{4}-.*Z$ ]]
	no_secrets
}

@test "container: _TOKEN_FILE wins over _TOKEN and is read each time" {
	printf '%s\n' "$CONTAINER_AUTH" >"$BATS_TEST_TMPDIR/auth"
	export AWS_CONTAINER_CREDENTIALS_FULL_URI=$CRED_URL/container/auth
	export AWS_CONTAINER_AUTHORIZATION_TOKEN=wrong
	export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$BATS_TEST_TMPDIR/auth
	run -0 --separate-stderr "$PROBE" --call
	assert_equal "$(jq -r .arn <<<"$output")" "$SESSION_ARN"
	# Rotated underneath (as EKS does): the next resolve sends the new one.
	printf 'rotated\n' >"$BATS_TEST_TMPDIR/auth"
	fails 1 "container credentials from 127.0.0.1:$CRED_PORT: HTTP 401: AccessDenied: bad authorization token"
}

@test "container: a wrong token is exit 1 with the agent's message" {
	export AWS_CONTAINER_CREDENTIALS_FULL_URI=$CRED_URL/container/auth
	export AWS_CONTAINER_AUTHORIZATION_TOKEN=wrong
	fails 1 "container credentials from 127.0.0.1:$CRED_PORT: HTTP 401: AccessDenied: bad authorization token"
}

@test "container: a token file holding a line break inside" {
	printf 'one\ntwo\n' >"$BATS_TEST_TMPDIR/auth"
	export AWS_CONTAINER_CREDENTIALS_FULL_URI=$CRED_URL/container/auth
	export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$BATS_TEST_TMPDIR/auth
	fails 2 "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE $BATS_TEST_TMPDIR/auth: the token holds a line break or NUL"
}

@test "container: a missing token file" {
	export AWS_CONTAINER_CREDENTIALS_FULL_URI=$CRED_URL/container/auth
	export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$BATS_TEST_TMPDIR/none
	fails 2 "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE $BATS_TEST_TMPDIR/none: No such file or directory"
}

@test "container: plain http to a host not allowed is refused" {
	export AWS_CONTAINER_CREDENTIALS_FULL_URI=http://192.0.2.1/creds
	fails 2 "AWS_CONTAINER_CREDENTIALS_FULL_URI: plain http to 192.0.2.1 is refused: only loopback, 169.254.170.2, 169.254.170.23 and fd00:ec2::23 may be reached without TLS"
}

@test "container: RELATIVE_URI that is not a path" {
	export AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=v2/credentials/x
	fails 2 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is not a path"
}

@test "container: an answer that is not JSON is exit 3" {
	export AWS_CONTAINER_CREDENTIALS_FULL_URI=$CRED_URL/container/bad-json
	fails 3 "container credentials from 127.0.0.1:$CRED_PORT: the answer is not a JSON object"
}

@test "container: a failing agent is exit 3 after retries" {
	export AWS_CONTAINER_CREDENTIALS_FULL_URI=$CRED_URL/container/fail
	fails 3 "container credentials from 127.0.0.1:$CRED_PORT: HTTP 500: InternalError: the agent is down"
	assert_equal "$(grep -c '^GET /container/fail' "$CRED_LOG")" 3
}

@test "container: expired credentials are refused" {
	export AWS_CONTAINER_CREDENTIALS_FULL_URI=$CRED_URL/container/expired
	fails 3 "container credentials from 127.0.0.1:$CRED_PORT: the credentials expired at 2001-02-03T04:05:06Z"
}

@test "container: comes after the profile" {
	printf '[default]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = x\n' >"$CREDS"
	export AWS_CONTAINER_CREDENTIALS_FULL_URI=$CRED_URL/container/open
	run -0 --separate-stderr "$PROBE"
	assert_equal "$(jq -r .source <<<"$output")" "profile default"
}

# --- 5. instance metadata, IMDSv2 (credserver) --------------------------------

imds_env() {
	unset AWS_EC2_METADATA_DISABLED
	export AWS_EC2_METADATA_SERVICE_ENDPOINT=$CRED_URL/$1/
}

@test "imds: token, role, credentials, proved by STS" {
	imds_env imds
	run -0 --separate-stderr "$PROBE" --call
	assert_equal "$(jq -c 'del(.expiration)' <<<"$output")" \
	    "{\"source\":\"instance metadata\",\"access_key_id\":\"$SESSION_AK\",\"has_session_token\":true,\"arn\":\"$SESSION_ARN\"}"
	no_secrets
}

@test "imds: the endpoint from the profile, without a trailing slash" {
	unset AWS_EC2_METADATA_DISABLED
	printf '[default]\nec2_metadata_service_endpoint = %s/imds\n' "$CRED_URL" >"$CONF"
	run -0 --separate-stderr "$PROBE"
	assert_equal "$(jq -r .source <<<"$output")" "instance metadata"
}

@test "imds: an instance without a role is not found" {
	imds_env imds-norole
	fails 2 "no AWS credentials: looked in the environment, AWS_WEB_IDENTITY_TOKEN_FILE, profile default in $CONF and $CREDS, container credentials, instance metadata (HTTP 404 from 127.0.0.1:$CRED_PORT: no IAM role attached)"
}

@test "imds: IMDSv1 only is not used" {
	imds_env imds-v1
	fails 2 "no AWS credentials: looked in the environment, AWS_WEB_IDENTITY_TOKEN_FILE, profile default in $CONF and $CREDS, container credentials, instance metadata (HTTP 403 from 127.0.0.1:$CRED_PORT to the IMDSv2 token request)"
}

@test "imds: a role whose credentials fail is exit 3" {
	imds_env imds-broken
	fails 3 "instance metadata at 127.0.0.1:$CRED_PORT, role deploy-role: HTTP 500"
}

@test "imds: nobody listening is not found" {
	unset AWS_EC2_METADATA_DISABLED
	AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:$(free_port)
	export AWS_EC2_METADATA_SERVICE_ENDPOINT
	run -2 --separate-stderr "$PROBE"
	assert_output ""
	assert_regex "$stderr" "^awscred-probe: no AWS credentials: .*, instance metadata \(PUT 127\.0\.0\.1:[0-9]+: .+\)$"
}

@test "imds: a bad endpoint mode" {
	imds_env imds
	export AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv5
	fails 2 "EC2 metadata endpoint mode IPv5: not IPv4 or IPv6"
}

@test "imds: a configured endpoint that http refuses is an error" {
	unset AWS_EC2_METADATA_DISABLED
	export AWS_EC2_METADATA_SERVICE_ENDPOINT=ftp://127.0.0.1/
	run -2 --separate-stderr "$PROBE"
	assert_output ""
	assert_regex "$stderr" "^awscred-probe: EC2 metadata endpoint: .+"
}

# --- nothing anywhere ---------------------------------------------------------

@test "nothing: the message lists where it looked" {
	fails 2 "no AWS credentials: looked in the environment, AWS_WEB_IDENTITY_TOKEN_FILE, profile default in $CONF and $CREDS, container credentials, instance metadata (disabled)"
}

@test "nothing: AWS_PROFILE is named" {
	printf '[profile empty]\nregion = us-east-1\n' >"$CONF"
	export AWS_PROFILE=empty
	fails 2 "no AWS credentials: looked in the environment, AWS_WEB_IDENTITY_TOKEN_FILE, profile empty in $CONF and $CREDS, container credentials, instance metadata (disabled)"
}
