#!/usr/bin/env bats
# Secrets (design.md, "Security rules"): every secret deploykit handles is a
# canary here, a value known to the test, and every run is traced:
#
#   AWS        the deploy user's secret key (the sandbox's bootstrap), the
#              infra user's; the secret key and session token of a role
#              assumed by role chaining, and of one assumed with the job's
#              OIDC token; the OIDC request token; a web identity JWT;
#              bad keys and tokens for the refusals; a SecureString value
#   ECR        the registry password (what ecr-token prints: moto's)
#   GitHub     a token registered in the simulator, a bad one, the
#              sandbox's; a GitHub App's private key (made here), another
#              App's, and every installation token minted with it
#   webhook    DEPLOY_NOTIFY_URL, a canary in its path
#
# Each tool runs once in success mode (-v where it has it), on the error
# paths that involve a secret, in GitHub Actions (masks, --github-env), and
# a whole `make deploy` runs in Actions against the sandbox with the
# webhook, plus `make -n deploy` and a deploy that fails.  Every run is under
# `strace -f -e trace=execve,execveat` (traced): tests/helpers/secret-scan.py
# then decodes every argument list of every exec, and reads every captured
# stdout and stderr, the state folders, step summaries, outputs, webhook
# payloads, caches and whatever landed in HOME and TMPDIR, for each secret
# as it is, URL-encoded, JSON-escaped, in hex, base64 (at any alignment:
# Docker's "AWS:password" auth too) and cut to any 16 characters; JWTs and
# PEM keys by their shape.  A secret may be only where it is asked for
# (allow: the JSON field, the bare line, the presigned URL's parameter),
# and in a GitHub Actions run only after its ::add-mask::.
# shellcheck disable=SC2154 # traced sets status, output, stderr
# shellcheck disable=SC2030,SC2031 # each test sets its own environment
# shellcheck disable=SC2016 # sh -c scripts expand their own arguments

load lib/common

ACCOUNT=123456789012
ROLE=secrets-deploy
ROLE_ARN=arn:aws:iam::$ACCOUNT:role/$ROLE
APP_ID=5150
SECRET_REPO=acme/secrets

# --- helpers ----------------------------------------------------------------

# canary NAME VALUE: a secret to look for from now on (a 0600 file in K).
canary() {
	[[ -n $2 ]] || { echo "canary $1: empty" >&2; return 1; }
	(umask 077 && printf '%s' "$2" >"$K/$1")
}

# hex N: N random bytes in hex.
hex() {
	od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'
}

# cap NAME: the capture files' common path for NAME, in this test.
cap() {
	printf '%s/%02d-%s' "$CAP" "${BATS_TEST_NUMBER:-0}" "$1"
}

# traced NAME CMD...: run CMD with stdout in $(cap NAME).out, stderr in
# .err, every exec of it and its children (whole argv) in .strace; a
# .actions marker when GITHUB_ACTIONS=true.  Sets status, output, lines,
# stderr as bats' run does; never fails itself.
traced() {
	local c
	c=$(cap "$1")
	shift
	[[ ! -e $c.strace ]] || { echo "traced: $c: used twice" >&2; return 1; }
	[[ ${GITHUB_ACTIONS:-} != true ]] || : >"$c.actions"
	status=0
	strace -f -qq --seccomp-bpf -e trace=execve,execveat -e signal=none -s 1000000 \
		-o "$c.strace" -- "$@" >"$c.out" 2>"$c.err" || status=$?
	output=$(cat "$c.out")
	stderr=$(cat "$c.err")
	mapfile -t lines <"$c.out"
}

# expect CODE: the last traced run exited CODE (else show what it said).
expect() {
	[[ $status == "$1" ]] && return 0
	printf 'exit %s, not %s\n--- stdout\n%s\n--- stderr\n%s\n' "$status" "$1" "$output" "$stderr"
	return 1
}

# allow NAME.STREAM CANARY@RULE...: in that capture of this test, the
# canary may be in the one place RULE says (see secret-scan.py).
allow() {
	local f r
	f=$(cap "${1%.*}").${1##*.}
	shift
	for r; do
		printf '%s %s\n' "$f" "$r" >>"$ALLOW"
	done
}

# scan PATH...: no canary in PATH but where allowed.
scan() {
	run python3 "$DK_ROOT/tests/helpers/secret-scan.py" --canaries "$K" \
		--allow-list "$ALLOW" --count-execs "$@"
	((status == 0)) || { printf '%s\n' "$output"; return 1; }
}

# no_leaks [PATH...]: this test's captures, and PATHs.
no_leaks() {
	scan "$(cap '')"* "$@"
}

# mint PREFIX JSON: the secrets of sts-assume's credential_process JSON as
# canaries PREFIX_sk and PREFIX_session.
mint() {
	canary "$1_sk" "$(jq -r .SecretAccessKey <<<"$2")"
	canary "$1_session" "$(jq -r .SessionToken <<<"$2")"
}

# unsigned_once: moto (IAM auth on) lets the next request through unsigned:
# AssumeRoleWithWebIdentity, which moto 5 cannot take signed-less otherwise.
unsigned_once() {
	curl -sS --fail -X POST -H 'Content-Type: text/plain' --data-binary 1 \
		"$SANDBOX_MOTO/moto-api/reset-auth" >/dev/null
}

sim() {
	curl -sS --fail -X "$1" "$SANDBOX_GITHUB$2" ${3:+-d "$3"}
}

# role_env: the role-chained credentials (with a session token).
role_env() {
	AWS_ACCESS_KEY_ID=$(jq -r .AccessKeyId "$FIX/role.json")
	AWS_SECRET_ACCESS_KEY=$(cat "$K/aws_role_sk")
	AWS_SESSION_TOKEN=$(cat "$K/aws_role_session")
	export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
}

# oidc_env: a GitHub Actions job that may ask for an OIDC token.
oidc_env() {
	export ACTIONS_ID_TOKEN_REQUEST_URL="$SANDBOX_GITHUB/_actions/idtoken?api-version=2.0"
	ACTIONS_ID_TOKEN_REQUEST_TOKEN=$(cat "$K/oidc_request_token")
	export ACTIONS_ID_TOKEN_REQUEST_TOKEN GITHUB_REPOSITORY=acme/shop GITHUB_RUN_ID=7
	unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
}

# app_repo DIR: the sandbox's demo app, committed.
app_repo() {
	mkdir -p "$1"
	cp "$DK_ROOT"/tests/sandbox/app/{Makefile,Dockerfile,hello.c} "$1/"
	printf '.deploy*/\nhello\n' >"$1/.gitignore"
	git -C "$1" init -q
	git -C "$1" add .
	git -C "$1" -c user.name=t -c user.email=t@t.invalid commit -q -m app
}

# --- the sandbox and the canaries ---------------------------------------------

setup_file() {
	# LeakSanitizer cannot run under ptrace (make check SANITIZE=1): leaks
	# are the other runs' business (and valgrind's, which works here).
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
	local d=$BATS_FILE_TMPDIR tool trust policy sig hookdir i deploy_sk infra_ak infra_sk
	for tool in strace podman moto_server docker-registry openssl; do
		command -v "$tool" >/dev/null || { echo "secrets.bats needs $tool" >&2; return 1; }
	done
	export SB=$d/sandbox K=$d/canaries CAP=$d/cap FIX=$d/fixtures WORK=$d/work
	export RUNNER=$d/runner ALLOW=$d/cap/allow.lst
	mkdir -p "$K" "$CAP" "$FIX" "$WORK" "$RUNNER" "$d/home" "$d/tmp"
	chmod 700 "$K" "$FIX" "$d/home" "$d/tmp"
	: >"$ALLOW"
	# Whatever a tool leaves in HOME or TMPDIR is scanned too.
	export HOME=$d/home TMPDIR=$d/tmp
	"$DK_ROOT/tests/sandbox/up" "$SB" >"$d/up.log" 2>&1 || {
		cat "$d/up.log" >&2
		"$DK_ROOT/tests/sandbox/down" "$SB"
		return 1
	}
	aws_env_clean
	# shellcheck disable=SC1091
	. "$SB/env"
	{ read -r _; read -r deploy_sk; read -r infra_ak; read -r infra_sk; } <"$SB/keys"
	canary aws_user_sk "$deploy_sk"
	canary aws_infra_sk "$infra_sk"
	canary gh_token_sandbox "$GH_TOKEN"
	echo "$infra_ak" >"$FIX/infra_ak"
	canary aws_bad_sk "CANARYbadSecretKey$(hex 12)"
	canary aws_bad_session "CANARYbadSessionToken$(hex 16)"
	canary ecr_password "$ACCOUNT-auth-token"

	# A role with what a deploy needs, which the deploy user may assume:
	# made in moto's no-auth allowance, as the bootstrap's users were.
	sig=(--aws-sigv4 aws:amz:us-east-1:iam --user AKIDBOOTSTRAP:bootstrap)
	curl -sS --fail -X POST -H 'Content-Type: text/plain' --data-binary 3 \
		"$SANDBOX_MOTO/moto-api/reset-auth" >/dev/null
	trust='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["sts:AssumeRole","sts:AssumeRoleWithWebIdentity"]}]}'
	policy='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:GetAuthorizationToken","ssm:GetParameter","ssm:GetParameterHistory","ssm:PutParameter","sts:GetCallerIdentity","kms:Encrypt","kms:Decrypt"],"Resource":"*"}]}'
	curl -sS --fail "${sig[@]}" "$SANDBOX_MOTO/" --data "Action=CreateRole&RoleName=$ROLE&AssumeRolePolicyDocument=$(printf %s "$trust" | jq -sRr @uri)&Version=2010-05-08" >/dev/null
	curl -sS --fail "${sig[@]}" "$SANDBOX_MOTO/" --data "Action=PutRolePolicy&RoleName=$ROLE&PolicyName=$ROLE&PolicyDocument=$(printf %s "$policy" | jq -sRr @uri)&Version=2010-05-08" >/dev/null
	policy='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole"],"Resource":"*"}]}'
	curl -sS --fail "${sig[@]}" "$SANDBOX_MOTO/" --data "Action=PutUserPolicy&UserName=deploy&PolicyName=chain&PolicyDocument=$(printf %s "$policy" | jq -sRr @uri)&Version=2010-05-08" >/dev/null

	# Role chaining with the deploy user's keys: a session token.
	traced sts-chain sts-assume --role-arn "$ROLE_ARN" --session-name secrets
	expect 0
	(umask 077 && printf '%s\n' "$output" >"$FIX/role.json")
	mint aws_role "$output"
	allow sts-chain.out aws_role_sk@json:SecretAccessKey aws_role_session@json:SessionToken

	# GitHub: our token, a repository with a quick workflow, the job's OIDC
	# request token, and a GitHub App installed on acme/*.
	canary gh_token "ghp_CANARYgh$(hex 16)"
	canary gh_token_bad "ghp_CANARYbad$(hex 16)"
	canary oidc_request_token "CANARYoidcRequest$(hex 16)"
	canary oidc_request_bad "CANARYoidcBad$(hex 16)"
	sim POST /_sim/tokens "$(jq -cn --rawfile t "$K/gh_token" \
		'{token: $t, label: "secrets", login: "deploy-bot", repos: ["acme/*"], write: true}')" >/dev/null
	sim POST /_sim/repos "$(jq -cn --arg r "$SECRET_REPO" '{full_name: $r, default_branch: "main",
		branches: ["main"], workflows: [{file: "deploy.yaml", name: "Deploy", dispatch: true,
			inputs: {app: {required: true}},
			script: {queue: 0, jobs: [{name: "deploy", steps: [{name: "s", seconds: 1}]}]}}]}')" >/dev/null
	sim POST /_sim/oidc "$(jq -cn --rawfile t "$K/oidc_request_token" \
		'{request_token: $t, repository: "acme/shop", environment: "sandbox", run_id: "7"}')" >/dev/null
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$FIX/app.pem" 2>/dev/null
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$FIX/other.pem" 2>/dev/null
	chmod 600 "$FIX"/*.pem
	canary app_key "$(cat "$FIX/app.pem")"
	canary app_key_other "$(cat "$FIX/other.pem")"
	sim POST /_sim/apps "$(jq -cn --argjson id "$APP_ID" --arg k "$(openssl pkey -in "$FIX/app.pem" -pubout)" \
		'{app_id: $id, slug: "secrets-deployer", public_key_pem: $k, installations: [{id: 77,
			account: "acme", repos: ["acme/*"], permissions: {actions: "write", metadata: "read"}}]}')" >/dev/null

	# The webhook: a loopback receiver, the canary in the URL's path.
	canary webhook "CANARYhook$(hex 16)"
	hookdir=$d/hook
	mkdir -p "$hookdir"
	python3 "$DK_ROOT/tests/helpers/webhook-recv.py" --log "$hookdir/log" >"$hookdir/port" &
	echo $! >"$hookdir/pid"
	: >"$hookdir/log"
	for ((i = 0; i < 100; i++)); do
		grep -q '^[0-9][0-9]*$' "$hookdir/port" 2>/dev/null && break
		sleep 0.1
	done
	export HOOK_LOG=$hookdir/log HOOK_PORT
	HOOK_PORT=$(cat "$hookdir/port")

	# ECR's stand-in, for the one thing moto cannot give: a token that is
	# still valid, so that ecr-token caches it.
	mkdir -p "$d/standin"
	python3 "$DK_ROOT/tests/helpers/ecr-standin.py" "$d/standin" >/dev/null 2>&1 &
	echo $! >"$d/standin/pid"
	for ((i = 0; i < 100; i++)); do
		[[ -s $d/standin/port ]] && break
		sleep 0.1
	done
	export STANDIN_URL
	STANDIN_URL=http://127.0.0.1:$(cat "$d/standin/port")
}

teardown_file() {
	kill_pid "$BATS_FILE_TMPDIR/hook/pid"
	kill_pid "$BATS_FILE_TMPDIR/standin/pid"
	"$DK_ROOT/tests/sandbox/down" "$SB"
}

setup() {
	umask 022
	aws_env_clean
	# shellcheck disable=SC1091
	. "$SB/env"
	unset GITHUB_ACTIONS GITHUB_ENV GITHUB_STEP_SUMMARY GITHUB_OUTPUT GITHUB_TOKEN \
		DEPLOY_NOTIFY_URL ACTIONS_ID_TOKEN_REQUEST_URL ACTIONS_ID_TOKEN_REQUEST_TOKEN \
		GH_APP_ID GH_APP_PRIVATE_KEY GITHUB_REPOSITORY GITHUB_RUN_ID
	GH_TOKEN=$(cat "$K/gh_token")
	export GH_TOKEN AWS_MAX_ATTEMPTS=2
	W=$WORK/$BATS_TEST_NUMBER
	mkdir -p "$W"
}

# --- the tracer and the scanner themselves --------------------------------------

@test "the tracer sees every exec whole; the scanner finds a secret in every form" {
	local t=$BATS_TEST_TMPDIR k=$BATS_TEST_TMPDIR/k plain special long
	mkdir -p "$k"
	plain=CANARYplain$(hex 16)
	special=CANARYspecial$(hex 8)/+=
	printf '%s' "$plain" >"$k/plain"
	: >"$t/allow"
	# Three levels of exec, one argument of 100 kB, 3000 arguments.
	long=$(head -c 100000 /dev/zero | tr '\0' x)$plain
	# shellcheck disable=SC2046 # 3000 words
	strace -f -qq --seccomp-bpf -e trace=execve,execveat -e signal=none -s 1000000 -o "$t/x.strace" \
		sh -c 'env true; /bin/echo "$1" >/dev/null; /bin/true "$@"' sh "$long" $(seq 3000)
	run -1 python3 "$DK_ROOT/tests/helpers/secret-scan.py" --canaries "$k" --allow-list "$t/allow" \
		--count-execs "$t/x.strace"
	assert_line --regexp 'x\.strace:[0-9]+: pid [0-9]+ exec /usr/bin/sh: plain \(as is\)'
	assert_line --regexp 'exec /bin/echo: plain \(as is\)'
	assert_line --regexp 'exec /bin/true: plain \(as is\)'
	assert_line --regexp '^1 canaries, 1 files, [0-9]+ execve calls \(5 succeeded, [0-9]+ strings\): 3 findings$'
	refute_output --partial "$plain"

	# Every form, each in a file of its own.
	printf '%s' "$special" >"$k/special"
	mkdir -p "$t/f"
	printf 'x=%s&y\n' "$(jq -rn --arg s "$special" '$s | @uri')" >"$t/f/url"
	printf '{"s": "%s"}\n' "${special//\//\\/}" >"$t/f/json"
	printf '"auth": "%s"\n' "$(printf 'AWS:%s' "$plain" | base64 -w0)" >"$t/f/docker-auth"
	printf '%s\n' "$(printf 'xy%s' "$plain" | base64 -w0 | tr '+/' '-_')" >"$t/f/base64url"
	printf 'token %s... (cut)\n' "${plain:0:18}" >"$t/f/cut"
	printf '%s\n' "$(printf %s "$plain" | od -An -tx1 | tr -d ' \n')" >"$t/f/hex"
	printf 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiI0MiJ9.c2ln\n' >"$t/f/jwt"
	printf -- '-----BEGIN RSA PRIVATE KEY-----\n' >"$t/f/pem"
	run -1 python3 "$DK_ROOT/tests/helpers/secret-scan.py" --canaries "$k" "$t/f"
	assert_line --partial 'f/url:1: special (URL-encoded)'
	assert_line --partial 'f/json:1: special (JSON-escaped)'
	assert_line --partial 'f/docker-auth:1: plain (base64)'
	assert_line --regexp 'f/base64url:1: plain \(base64(url)?\)'
	assert_line --partial 'f/cut:1: plain (a 16-character piece)'
	assert_line --partial 'f/hex:1: plain (hex)'
	assert_line --partial 'f/jwt:1: (a JWT)'
	assert_line --partial 'f/pem:1: (a PEM private key)'
	assert_line --regexp ': 8 findings$'
	refute_output --partial "$plain"
	refute_output --partial "$special"

	# Allowed: only the one place, and in Actions only after the mask.
	rm "$k/special"
	mkdir -p "$t/a"
	printf '%s\n' "$plain" >"$t/a/bare.out"
	jq -cn --arg s "$plain" '{password: $s, registry: "r"}' >"$t/a/json.out"
	jq -cn --arg s "$plain" '{password: "p", registry: $s}' >"$t/a/other-key.out"
	jq -cn --arg s "$plain" '{password: $s}' >"$t/a/gha.out"
	: >"$t/a/gha.actions"
	{ echo "::add-mask::$plain"; jq -cn --arg s "$plain" '{password: $s}'; } >"$t/a/gha-masked.out"
	: >"$t/a/gha-masked.actions"
	# Captures are streams (a job's log, where masks belong) by their trace.
	for f in bare json other-key gha gha-masked; do
		printf '1 execve("/bin/true", ["true"], 0x1 /* 0 vars */) = 0\n' >"$t/a/$f.strace"
	done
	# A stage's stderr kept in the state folder is no stream: no mask there.
	printf '::add-mask::%s\n' "$plain" >"$t/a/image.json.err"
	printf '%s\n' "$t/a/bare.out plain@line" "$t/a/*.out plain@json:password" >"$t/allow"
	run -1 python3 "$DK_ROOT/tests/helpers/secret-scan.py" --canaries "$k" --allow-list "$t/allow" "$t/a"
	assert_line --partial 'a/gha.out:1: plain shown without an ::add-mask:: before it'
	assert_line --partial 'a/other-key.out:1: plain (as is)'
	assert_line --partial 'a/image.json.err:1: plain (as is)'
	assert_line --regexp ': 3 findings$'
}

# --- AWS --------------------------------------------------------------------------

@test "sts-assume: role chaining, -v, in Actions: the keys only in the credential_process JSON, masked first" {
	# setup_file's run: one JSON line, nothing on stderr.
	run -0 cat "$CAP/00-sts-chain.err"
	assert_output ''
	jq -e '.Version == 1 and (.AccessKeyId | startswith("ASIA")) and (.SessionToken | length > 100)' "$FIX/role.json"

	traced sts-v sts-assume -v --role-arn "$ROLE_ARN" --session-name verbose
	expect 0
	mint aws_role_v "$output"
	allow sts-v.out aws_role_v_sk@json:SecretAccessKey aws_role_v_session@json:SessionToken
	[[ $stderr == *'Authorization: [redacted]'* ]]

	GITHUB_ACTIONS=true traced sts-gha sts-assume -q --role-arn "$ROLE_ARN" --session-name masked
	expect 0
	mint aws_role_gha "$output"
	allow sts-gha.out aws_role_gha_sk@json:SecretAccessKey aws_role_gha_session@json:SessionToken
	assert_equal "$stderr" "::add-mask::$(jq -r .AccessKeyId <<<"$output")
::add-mask::$(jq -r .SecretAccessKey <<<"$output")
::add-mask::$(jq -r .SessionToken <<<"$output")"

	# As a profile's credential_process, run by another tool: the keys
	# travel a pipe, never an argument list.
	printf '[profile base]\naws_access_key_id = %s\naws_secret_access_key = %s\n[profile deploy]\nregion = us-east-1\ncredential_process = env AWS_PROFILE=base sts-assume --role-arn %s --session-name via-process\n' \
		"$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$ROLE_ARN" >"$FIX/aws-config"
	AWS_CONFIG_FILE=$FIX/aws-config AWS_PROFILE=deploy traced via-process \
		env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY sigv4-curl -v -f --service sts \
		-d 'Action=GetCallerIdentity&Version=2011-06-15' "$SANDBOX_MOTO/"
	expect 0
	assert_output --partial "<Arn>arn:aws:sts::$ACCOUNT:assumed-role/$ROLE/via-process</Arn>"

	# Refusals: a user that may not assume the role; a wrong secret key.
	AWS_ACCESS_KEY_ID=$(cat "$FIX/infra_ak") AWS_SECRET_ACCESS_KEY=$(cat "$K/aws_infra_sk") \
		traced sts-denied sts-assume -v --role-arn "$ROLE_ARN"
	expect 1
	[[ $stderr == *'AccessDenied: User: arn:aws:iam::123456789012:user/infra is not authorized to perform: sts:AssumeRole'* ]]
	AWS_SECRET_ACCESS_KEY=$(cat "$K/aws_bad_sk") traced sts-badkey sts-assume --role-arn "$ROLE_ARN"
	expect 1
	[[ $stderr == *SignatureDoesNotMatch* ]]
	assert_equal "$output" ''
	no_leaks
}

@test "sts-assume --github-env with the job's OIDC token: masks on stderr, the keys only in GITHUB_ENV" {
	oidc_env
	export GITHUB_ACTIONS=true GITHUB_ENV=$RUNNER/env-$BATS_TEST_NUMBER
	printf 'EARLIER=kept\n' >"$GITHUB_ENV"
	unsigned_once
	traced sts-oidc sts-assume -v --role-arn "$ROLE_ARN" --github-env --region us-east-1
	expect 0
	assert_equal "$(head -n 1 "$GITHUB_ENV")" 'EARLIER=kept'
	vars=$(env_file "$GITHUB_ENV")
	jq -e '.EARLIER == "kept" and (.AWS_ACCESS_KEY_ID | startswith("ASIA")) and .AWS_REGION == "us-east-1"' <<<"$vars"
	canary aws_oidc_sk "$(jq -r .AWS_SECRET_ACCESS_KEY <<<"$vars")"
	canary aws_oidc_session "$(jq -r .AWS_SESSION_TOKEN <<<"$vars")"
	# stdout: one JSON line without them; stderr: the masks, the trace.
	jq -e 'keys == ["access_key_id", "assumed_role_arn", "expiration", "role_arn", "session_name"]' <<<"$output"
	grep -qx "::add-mask::$(cat "$K/aws_oidc_sk")" "$(cap sts-oidc).err"
	grep -qx "::add-mask::$(cat "$K/aws_oidc_session")" "$(cap sts-oidc).err"
	[[ $stderr == *'Authorization: [redacted]'* && $stderr == *'sub "repo:acme/shop:environment:sandbox"'* ]]

	# A request token GitHub refuses: named nowhere.
	ACTIONS_ID_TOKEN_REQUEST_TOKEN=$(cat "$K/oidc_request_bad") traced sts-oidc-bad \
		sts-assume -v --role-arn "$ROLE_ARN" --github-env
	expect 1
	assert_equal "$(grep -c '^AWS_ACCESS_KEY_ID<<' "$GITHUB_ENV")" 1

	# A web identity token from a file (as Kubernetes projects it).
	unset ACTIONS_ID_TOKEN_REQUEST_URL ACTIONS_ID_TOKEN_REQUEST_TOKEN GITHUB_ACTIONS
	jwt=$(printf '{"alg":"RS256","typ":"JWT"}' | base64 -w0 | tr '+/' '-_' | tr -d =).$(
		jq -cn --arg j "CANARYjti$(hex 8)" '{iss: "https://token.actions.githubusercontent.com",
			sub: "repo:acme/shop:ref:refs/heads/main", aud: "sts.amazonaws.com", jti: $j}' |
			base64 -w0 | tr '+/' '-_' | tr -d =).c2lnbmF0dXJl
	canary web_identity_jwt "$jwt"
	(umask 077 && printf '%s\n' "$jwt" >"$FIX/jwt")
	unsigned_once
	traced sts-file sts-assume -v --role-arn "$ROLE_ARN" --token-file "$FIX/jwt"
	expect 0
	mint aws_file "$output"
	allow sts-file.out aws_file_sk@json:SecretAccessKey aws_file_session@json:SessionToken
	no_leaks
}

@test "sigv4-curl: -v and --dry-run redact the session token; --presign is the one place it is printed" {
	role_env
	traced sig-v sigv4-curl -v -f --service sts -d 'Action=GetCallerIdentity&Version=2011-06-15' "$SANDBOX_MOTO/"
	expect 0
	assert_output --partial "<Arn>arn:aws:sts::$ACCOUNT:assumed-role/$ROLE/secrets</Arn>"
	[[ $stderr == *'X-Amz-Security-Token: [redacted]'* && $stderr == *'Authorization: [redacted]'* ]]
	traced sig-dry sigv4-curl --dry-run --service ssm --region us-east-1 --target AmazonSSM.GetParameter \
		-d '{"Name":"/x"}' "$SANDBOX_MOTO/"
	expect 0
	assert_output --partial 'X-Amz-Security-Token: [redacted]'
	traced sig-presign sigv4-curl --presign 60 --service sts \
		"$SANDBOX_MOTO/?Action=GetCallerIdentity&Version=2011-06-15"
	expect 0
	# The presigned URL carries the token, as documented: its one place.
	tok=$(sed -n 's/.*[?&]X-Amz-Security-Token=\([^&]*\).*/\1/p' <<<"$output")
	assert_equal "$(printf '%b' "${tok//%/\\x}")" "$AWS_SESSION_TOKEN"
	allow sig-presign.out aws_role_session@urlparam:X-Amz-Security-Token
	# Refused: a wrong secret key, a wrong session token.
	AWS_SECRET_ACCESS_KEY=$(cat "$K/aws_bad_sk") traced sig-badkey sigv4-curl -v -f --service sts \
		-d 'Action=GetCallerIdentity&Version=2011-06-15' "$SANDBOX_MOTO/"
	expect 1
	[[ $stderr == *SignatureDoesNotMatch* ]]
	AWS_SESSION_TOKEN=$(cat "$K/aws_bad_session") traced sig-badsession sigv4-curl -f --service sts \
		-d 'Action=GetCallerIdentity&Version=2011-06-15' "$SANDBOX_MOTO/"
	expect 1
	[[ $stderr == *InvalidClientTokenId* ]]
	no_leaks
}

@test "ssm-put and ssm-get: a SecureString value only from stdin, printed only by --decrypt; -v redacted" {
	role_env
	canary ssm_secure "CANARYsecure$(hex 12)"
	canary ssm_secure_denied "CANARYsecureDenied$(hex 12)"
	(umask 077 && cat "$K/ssm_secure" >"$FIX/secure" && cat "$K/ssm_secure_denied" >"$FIX/secure-denied")
	traced put-v ssm-put -v --name /secrets/plain --value v1
	expect 0
	[[ $stderr == *'X-Amz-Security-Token: [redacted]'* ]]
	traced put-secure ssm-put -v --name /secrets/secure --type SecureString <"$FIX/secure"
	expect 0
	jq -e '.changed == true and (has("value") | not)' <<<"$output"
	traced get-secure ssm-get -v /secrets/secure
	expect 0
	jq -e 'has("value") | not' <<<"$output"
	traced get-decrypt ssm-get --decrypt /secrets/secure
	expect 0
	assert_equal "$(jq -r .value <<<"$output")" "$(cat "$K/ssm_secure")"
	allow get-decrypt.out ssm_secure@json:value
	# Again with the same value: nothing written, nothing printed.
	traced put-again ssm-put --name /secrets/secure --type SecureString <"$FIX/secure"
	expect 0
	jq -e '.changed == false' <<<"$output"
	# Refused: the infra user may not write; the value is not in the message.
	AWS_ACCESS_KEY_ID=$(cat "$FIX/infra_ak") AWS_SECRET_ACCESS_KEY=$(cat "$K/aws_infra_sk") AWS_SESSION_TOKEN='' \
		traced put-denied ssm-put -v --name /secrets/secure --type SecureString <"$FIX/secure-denied"
	expect 1
	[[ $stderr == *'not authorized to perform: ssm:PutParameter'* ]]
	no_leaks
}

@test "ecr-token: the password only in its JSON field, --password's line, the helper's Secret; masked first in Actions" {
	role_env
	traced ecr-v ecr-token -v
	expect 0
	assert_equal "$(jq -r .password <<<"$output")" "$(cat "$K/ecr_password")"
	allow ecr-v.out ecr_password@json:password
	[[ $stderr == *'X-Amz-Security-Token: [redacted]'* ]]
	traced ecr-pw ecr-token --password
	expect 0
	allow ecr-pw.out ecr_password@line
	# In Actions: to a pipe, the mask goes ahead of the JSON on stdout; with
	# --password, on stderr.
	GITHUB_ACTIONS=true traced ecr-gha-pipe sh -c 'ecr-token | cat'
	expect 0
	assert_equal "${output%%$'\n'*}" "::add-mask::$(cat "$K/ecr_password")"
	allow ecr-gha-pipe.out ecr_password@json:password
	GITHUB_ACTIONS=true traced ecr-gha-pw ecr-token --password
	expect 0
	assert_equal "$stderr" "::add-mask::$(cat "$K/ecr_password")"
	allow ecr-gha-pw.out ecr_password@line
	# The Docker credential helper.
	printf '%s\n' "$SANDBOX_REGISTRY" >"$W/server"
	DEPLOYKIT_ECR_REGISTRY_ID=$ACCOUNT traced helper-get docker-credential-ecr-token get <"$W/server"
	expect 0
	jq -e --arg s "$SANDBOX_REGISTRY" '.ServerURL == $s and .Username == "AWS"' <<<"$output"
	allow helper-get.out ecr_password@json:Secret
	traced helper-list docker-credential-ecr-token list
	expect 0
	# Refused credentials: the messages name no secret.
	AWS_SESSION_TOKEN=$(cat "$K/aws_bad_session") traced ecr-badsession ecr-token -v --password
	expect 1
	[[ $stderr == *InvalidClientTokenId* ]]
	assert_equal "$output" ''
	AWS_SECRET_ACCESS_KEY=$(cat "$K/aws_bad_sk") DEPLOYKIT_ECR_REGISTRY_ID=$ACCOUNT \
		traced helper-badkey docker-credential-ecr-token get <"$W/server"
	expect 1
	[[ $output == *SignatureDoesNotMatch* ]]
	no_leaks
}

@test "the ecr-token cache: the password in 0600 files of a 0700 folder, nothing else in it" {
	role_env
	export AWS_ENDPOINT_URL_ECR=$STANDIN_URL XDG_CACHE_HOME=$HOME/.cache
	traced cache-store ecr-token -v
	expect 0
	[[ $stderr == *'no cached token'* ]]
	allow cache-store.out ecr_password@json:password
	traced cache-hit ecr-token -v --password
	expect 0
	[[ $stderr == *'cached token'* || $stderr == *'from the cache'* || $stderr == *"$XDG_CACHE_HOME/deploykit/ecr-"* ]]
	allow cache-hit.out ecr_password@line
	traced cache-list docker-credential-ecr-token list
	expect 0
	run -0 find "$XDG_CACHE_HOME/deploykit" -type f
	assert_equal "${#lines[@]}" 1
	f=${lines[0]}
	assert_equal "$(stat -c %a "$XDG_CACHE_HOME/deploykit")" 700
	assert_equal "$(stat -c %a "$f")" 600
	assert_equal "$(jq -r .password "$f")" "$(cat "$K/ecr_password")"
	# The cache file's name holds a hash, never the key id or a secret.
	[[ $f != *"$AWS_ACCESS_KEY_ID"* ]]
	printf '%s %s\n' "$XDG_CACHE_HOME/deploykit/ecr-*.json" 'ecr_password@json:password' >>"$ALLOW"
	no_leaks "$XDG_CACHE_HOME"
}

# --- GitHub -----------------------------------------------------------------------

@test "gh-dispatch and gh-wait: the token from the environment or a file, redacted in -v; a bad token's 401 names none" {
	traced ghd-v gh-dispatch -v --repo "$SECRET_REPO" --workflow deploy.yaml -f app=env
	expect 0
	[[ $stderr == *'Authorization: [redacted]'* ]]
	printf '%s\n' "$output" >"$W/dispatch.json"
	traced ghw-v gh-wait -v --timeout 60 <"$W/dispatch.json"
	expect 0
	[[ $stderr == *'Authorization: [redacted]'* ]]
	(umask 077 && cp "$K/gh_token" "$FIX/gh-token")
	traced ghd-file env -u GH_TOKEN gh-dispatch --repo "$SECRET_REPO" --workflow deploy.yaml \
		-f app=file --token-file "$FIX/gh-token"
	expect 0
	GITHUB_TOKEN=$GH_TOKEN traced ghw-github-token env -u GH_TOKEN gh-wait -q \
		--repo "$SECRET_REPO" --run-id "$(jq -r .run_id <<<"$output")"
	expect 0
	# Refused: a token GitHub does not know.
	GH_TOKEN=$(cat "$K/gh_token_bad") traced ghd-bad gh-dispatch -v --repo "$SECRET_REPO" \
		--workflow deploy.yaml -f app=bad
	expect 1
	[[ $stderr == *'Bad credentials'* ]]
	GH_TOKEN=$(cat "$K/gh_token_bad") traced ghw-bad gh-wait --timeout 10 <"$W/dispatch.json"
	expect 1
	no_leaks
}

@test "gh-app-token: the key never shown, the token only in its JSON, --token's line or GITHUB_ENV; masked first in Actions" {
	traced app-v gh-app-token -v --app-id "$APP_ID" --repo acme/infra --private-key-file "$FIX/app.pem"
	expect 0
	canary app_token_1 "$(jq -r .token <<<"$output")"
	[[ $(cat "$K/app_token_1") == ghs_* ]]
	allow app-v.out app_token_1@json:token
	[[ $stderr == *'Authorization: [redacted]'* ]]
	GH_APP_ID=$APP_ID GH_APP_PRIVATE_KEY=$(cat "$FIX/app.pem") traced app-token \
		gh-app-token --repo acme/infra --token
	expect 0
	canary app_token_2 "$output"
	allow app-token.out app_token_2@line
	GITHUB_ACTIONS=true traced app-gha sh -c 'gh-app-token --app-id "$1" --repo acme/infra \
		--private-key-file "$2" | cat' sh "$APP_ID" "$FIX/app.pem"
	expect 0
	canary app_token_3 "$(tail -n 1 <<<"$output" | jq -r .token)"
	allow app-gha.out app_token_3@json:token
	export GITHUB_ENV=$RUNNER/env-$BATS_TEST_NUMBER
	printf 'EARLIER=kept\n' >"$GITHUB_ENV"
	GITHUB_ACTIONS=true GH_APP_ID=$APP_ID GH_APP_PRIVATE_KEY=$(cat "$FIX/app.pem") \
		traced app-env gh-app-token --repo acme/infra --github-env
	expect 0
	assert_equal "$(head -n 1 "$GITHUB_ENV")" 'EARLIER=kept'
	canary app_token_4 "$(env_file "$GITHUB_ENV" | jq -r .GH_TOKEN)"
	# The mask on stderr, since stdout is a file here.
	grep -qx "::add-mask::$(cat "$K/app_token_4")" "$(cap app-env).err"
	# Refused: another App's key (GitHub's 401), a file that is no key, a
	# key in the environment that is none: none of them shown.
	traced app-other gh-app-token -v --app-id "$APP_ID" --repo acme/infra --private-key-file "$FIX/other.pem"
	expect 1
	canary app_key_garbage "CANARYnotAKey$(hex 24)"
	(umask 077 && cat "$K/app_key_garbage" >"$FIX/garbage.pem")
	traced app-garbage gh-app-token --app-id "$APP_ID" --repo acme/infra --private-key-file "$FIX/garbage.pem"
	expect 2
	GH_APP_PRIVATE_KEY=$(cat "$K/app_key_garbage") traced app-garbage-env gh-app-token \
		--app-id "$APP_ID" --repo acme/infra
	expect 2
	no_leaks
}

# --- make deploy ------------------------------------------------------------------

@test "make deploy in Actions with the job's credentials: no secret in argv, output, state, summary, outputs or the webhook" {
	# The job: AWS credentials from its OIDC token and a token of the App,
	# both handed over in GITHUB_ENV as the workflow template does.
	oidc_env
	export GITHUB_ENV=$RUNNER/env-$BATS_TEST_NUMBER
	printf 'EARLIER=kept\n' >"$GITHUB_ENV"
	unsigned_once
	GITHUB_ACTIONS=true traced job-sts sts-assume --role-arn "$ROLE_ARN" --github-env
	expect 0
	GITHUB_ACTIONS=true GH_APP_ID=$APP_ID GH_APP_PRIVATE_KEY=$(cat "$FIX/app.pem") \
		traced job-app gh-app-token --repo acme/infra --github-env
	expect 0
	vars=$(env_file "$GITHUB_ENV")
	canary aws_job_sk "$(jq -r .AWS_SECRET_ACCESS_KEY <<<"$vars")"
	canary aws_job_session "$(jq -r .AWS_SESSION_TOKEN <<<"$vars")"
	canary app_job_token "$(jq -r .GH_TOKEN <<<"$vars")"
	AWS_ACCESS_KEY_ID=$(jq -r .AWS_ACCESS_KEY_ID <<<"$vars")
	AWS_SECRET_ACCESS_KEY=$(cat "$K/aws_job_sk")
	AWS_SESSION_TOKEN=$(cat "$K/aws_job_session")
	GH_TOKEN=$(cat "$K/app_job_token")
	export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN GH_TOKEN
	unset ACTIONS_ID_TOKEN_REQUEST_URL ACTIONS_ID_TOKEN_REQUEST_TOKEN
	env_sum=$(sha256sum <"$GITHUB_ENV")

	app=$W/app
	app_repo "$app"
	export GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY=$W/summary.md GITHUB_OUTPUT=$W/output
	DEPLOY_NOTIFY_URL=http://127.0.0.1:$HOOK_PORT/services/T0/B0/$(cat "$K/webhook")
	export DEPLOY_NOTIFY_URL
	mk=(make -C "$app" --no-print-directory DEPLOYKIT_MK="$DK_ROOT/mk/deploy.mk" APP=secrets ENV=sandbox)
	hooks_before=$(wc -l <"$HOOK_LOG")

	traced make-help "${mk[@]}" help
	expect 0
	assert_line --regexp '^  DEPLOY_NOTIFY_URL +set \(a secret: not shown\)$'
	traced make-n "${mk[@]}" -n deploy
	expect 0
	assert_output --partial 'ecr-token -q --password'
	[ ! -e "$app/.deploy" ]

	traced make-deploy "${mk[@]}" deploy V=1
	expect 0
	assert_line --regexp '^deploy: done  app=secrets env=sandbox .* result=success$'
	# The password was masked for the runner (ecr-token in the stages).
	grep -qx "::add-mask::$(cat "$K/ecr_password")" "$(cap make-deploy).err"
	grep -qx '### deploy secrets to sandbox: success' "$GITHUB_STEP_SUMMARY"

	# A deploy that fails after ecr-token spoke (the registry does not
	# answer): its stderr goes into the state folder, the annotation, the
	# summary and the webhook; the mask line must not.
	git -C "$app" -c user.name=t -c user.email=t@t.invalid commit -q --allow-empty -m two
	traced make-fail "${mk[@]}" deploy DEPLOY_REGISTRY="127.0.0.1:$(free_port)"
	expect 2
	assert_line --partial '::error title=deploy image failed::'
	grep -q '^| message | .*registry-digest: ' "$GITHUB_STEP_SUMMARY"
	# (make keeps the failed stage's stderr in the state folder.)
	ls "$app"/.deploy/sandbox/*/image.json.err

	# The webhook got both outcomes at its URL; the bodies are scanned.
	tail -n +$((hooks_before + 1)) "$HOOK_LOG" >"$W/hook.jsonl"
	jq -se --arg p "/services/T0/B0/$(cat "$K/webhook")" 'length == 2 and all(.path == $p)' "$W/hook.jsonl"
	jq -r .body "$W/hook.jsonl" >"$W/hook-bodies.json"
	rm "$W/hook.jsonl"
	# make left the runner's file alone.
	assert_equal "$(sha256sum <"$GITHUB_ENV")" "$env_sum"
	no_leaks "$W"

	# The target stage asks ecr-token for the registry: in Actions its JSON
	# comes after the mask line (to a pipe), which must not break it.
	traced make-target env -u DEPLOY_REGISTRY "${mk[@]}" DEPLOY_STATE=.deploy-target deploy-target
	expect 0
	jq -e --arg r "$ACCOUNT.dkr.ecr.us-east-1.amazonaws.com" '.registry == $r' \
		"$app"/.deploy-target/sandbox/*/target.json
	no_leaks "$W"
}

# --- files ----------------------------------------------------------------------

@test "files holding secrets are 0600: the sandbox's env and keys, the caches; podman's auth file noted" {
	for f in "$SB/env" "$SB/infra.env" "$SB/keys"; do
		assert_equal "$f $(stat -c %a "$f")" "$f 600"
	done
	run -0 find "$HOME" "$SB/cache" -path '*/deploykit' -type d
	assert [ "${#lines[@]}" -ge 1 ]
	for d in "${lines[@]}"; do
		assert_equal "$d $(stat -c %a "$d")" "$d 700"
		run -0 find "$d" -type f ! -perm 600
		assert_output ''
	done
	# podman keeps the login as base64 of AWS:password, as docker does
	# (deploy.mk(7) says so): its business, noted here, not a failure.
	a=$SB/podman/auth.json
	if grep -qF "$(printf 'AWS:%s' "$(cat "$K/ecr_password")" | base64 -w0)" "$a"; then
		echo "# note: $a (mode $(stat -c %a "$a")) holds the ECR password as podman's base64 auth" >&3
	fi
}

@test "every exec, capture and file of this file: no secret but where it is asked for" {
	scan "$CAP" "$WORK" "$HOME" "$TMPDIR" "$SB/cache"
	echo "# ${lines[-1]}" >&3
}
