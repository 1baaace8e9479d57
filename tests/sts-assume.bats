#!/usr/bin/env bats
# sts-assume against the real parts, on loopback:
#  - moto with IAM auth on: the role "gha-deploy" (made while auth was still
#    off), the deploy user's keys for role chaining, and every credential
#    sts-assume hands out proved by a signed call (GetCallerIdentity, or
#    ssm-get through a profile's credential_process).  moto 5.2 cannot take
#    an unsigned AssumeRoleWithWebIdentity with auth on (it answers 500), so
#    a web identity test lets exactly one request through unsigned first;
#  - tests/ghsim/ghsim.py: GitHub Actions' OIDC token endpoint (RS256 JWTs);
#  - tests/helpers/credserver.py: STS's refusals, which moto never gives;
#  - tests/helpers/awsfault.py in front of moto: 5xx answers.
# shellcheck disable=SC2030,SC2031 # each test sets its own environment
# shellcheck disable=SC2154 # bats sets $stderr, $stderr_lines
# shellcheck disable=SC2016 # backquotes in messages, scripts expanding their own

load lib/common

ACCOUNT=123456789012
ROLE=gha-deploy
ROLE_ARN=arn:aws:iam::$ACCOUNT:role/$ROLE
ASSUMED=arn:aws:sts::$ACCOUNT:assumed-role/$ROLE

# iam ACTION&PARAMS: an IAM call while moto's auth is still off.
iam() {
	curl -sS --fail --aws-sigv4 aws:amz:us-east-1:iam --user AKIDBOOTSTRAP:bootstrap \
	    "$MOTO_URL/" --data "$1&Version=2010-05-08" >/dev/null
}

# The role every test assumes: it may read SSM parameters and call STS.
role_create() {
	local trust policy
	trust='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["sts:AssumeRole","sts:AssumeRoleWithWebIdentity"]}]}'
	policy='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:GetCallerIdentity","sts:AssumeRole","ssm:GetParameter"],"Resource":"*"}]}'
	iam "Action=CreateRole&RoleName=$ROLE&MaxSessionDuration=43200&AssumeRolePolicyDocument=$(printf %s "$trust" | jq -sRr @uri)"
	iam "Action=PutRolePolicy&RoleName=$ROLE&PolicyName=$ROLE&PolicyDocument=$(printf %s "$policy" | jq -sRr @uri)"
}

# bg_start NAME CMD...: a helper server that prints its port first; exports
# NAME_URL and NAME_PIDFILE (NAME in upper case).
bg_start() {
	local name=$1 dir=$BATS_FILE_TMPDIR/$1 i
	shift
	mkdir -p "$dir"
	"$@" >"$dir/port" 2>"$dir/log" &
	echo $! >"$dir/pid"
	for ((i = 0; i < 100; i++)); do
		[[ -s $dir/port ]] && break
		sleep 0.1
	done
	printf -v "${name^^}_URL" 'http://127.0.0.1:%s' "$(head -n1 "$dir/port")"
	printf -v "${name^^}_PIDFILE" '%s' "$dir/pid"
	export "${name^^}_URL" "${name^^}_PIDFILE"
}

setup_file() {
	# One moto, whose auth allowance a web identity test counts on, and
	# one fault script: one test at a time.
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
	moto_start noauth
	role_create
	"$DK_ROOT/tests/helpers/moto-bootstrap" "$MOTO_URL" >"$BATS_FILE_TMPDIR/keys"
	MOTO_AK=$(sed -n 1p "$BATS_FILE_TMPDIR/keys")
	MOTO_SK=$(sed -n 2p "$BATS_FILE_TMPDIR/keys")
	export MOTO_AK MOTO_SK
	moto_env
	ssm-put -q --name /sts/probe --value through-the-role >/dev/null
	mkdir -p "$BATS_FILE_TMPDIR/ghsim"
	python3 "$DK_ROOT/tests/ghsim/ghsim.py" --port-file "$BATS_FILE_TMPDIR/ghsim/port" \
	    >/dev/null 2>"$BATS_FILE_TMPDIR/ghsim/log" &
	echo $! >"$BATS_FILE_TMPDIR/ghsim/pid"
	GHSIM_PIDFILE=$BATS_FILE_TMPDIR/ghsim/pid
	for ((i = 0; i < 100; i++)); do
		[[ -s $BATS_FILE_TMPDIR/ghsim/port ]] && break
		sleep 0.1
	done
	GHSIM_URL=http://127.0.0.1:$(cat "$BATS_FILE_TMPDIR/ghsim/port")
	wait_http "$GHSIM_URL/_sim/health"
	export GHSIM_URL GHSIM_PIDFILE
	CREDSERVER_AK=AKIAUNUSED CREDSERVER_SK=unused \
	    bg_start cred python3 "$DK_ROOT/tests/helpers/credserver.py"
	bg_start fault python3 "$DK_ROOT/tests/helpers/awsfault.py" --upstream "$MOTO_URL"
	wait_http "$FAULT_URL/_fault"
}

teardown_file() {
	kill_pid "${FAULT_PIDFILE:-}"
	kill_pid "${CRED_PIDFILE:-}"
	kill_pid "${GHSIM_PIDFILE:-}"
	moto_stop
}

setup() {
	moto_env
	unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
	unset GITHUB_ACTIONS GITHUB_ENV GITHUB_REPOSITORY GITHUB_RUN_ID
	unset ACTIONS_ID_TOKEN_REQUEST_URL ACTIONS_ID_TOKEN_REQUEST_TOKEN
	export AWS_MAX_ATTEMPTS=2
	TOKEN=$BATS_TEST_TMPDIR/token
	jwt '{"iss":"https://token.actions.githubusercontent.com","sub":"repo:acme/app:ref:refs/heads/main","aud":"sts.amazonaws.com"}' >"$TOKEN"
	curl -sSf -X POST --data-binary '{"reset": true}' "$FAULT_URL/_fault" >/dev/null
}

# jwt PAYLOAD: an unsigned JWT carrying PAYLOAD (moto checks no signature).
jwt() {
	local h p
	h=$(printf '{"alg":"RS256","typ":"JWT"}' | base64 -w0 | tr '+/' '-_' | tr -d '=')
	p=$(printf %s "$1" | base64 -w0 | tr '+/' '-_' | tr -d '=')
	printf '%s.%s.c2lnbmF0dXJl\n' "$h" "$p"
}

# Let the next request to moto through unsigned: AssumeRoleWithWebIdentity.
unsigned_once() {
	curl -sS --fail -X POST -H 'Content-Type: text/plain' --data-binary 1 \
	    "$MOTO_URL/moto-api/reset-auth" >/dev/null
}

# oidc_job TOKEN [JSON]: register a job's request token with ghsim and
# point the OIDC variables at it.
oidc_job() {
	local extra=${2:-'{}'}
	curl -sSf -X POST "$GHSIM_URL/_sim/oidc" --data-binary "$(jq -nc --arg t "$1" \
	    --argjson x "$extra" '{request_token: $t, repository: "acme/app",
	    environment: "prod", run_id: "7"} + $x')" >/dev/null
	export ACTIONS_ID_TOKEN_REQUEST_URL="$GHSIM_URL/_actions/idtoken?api-version=2.0"
	export ACTIONS_ID_TOKEN_REQUEST_TOKEN=$1
}

# The audiences the OIDC endpoint was asked for, oldest first.
oidc_audiences() {
	curl -sSf "$GHSIM_URL/_sim/oidc" | jq -c '[.log[] | .audience]'
}

# whoami AK SK TOKEN: the ARN that STS (moto, auth on) says the keys are.
whoami() {
	AWS_ACCESS_KEY_ID=$1 AWS_SECRET_ACCESS_KEY=$2 AWS_SESSION_TOKEN=$3 \
	    sigv4-curl -f --service sts -d 'Action=GetCallerIdentity&Version=2011-06-15' \
	    "$MOTO_URL/" | sed -n 's:.*<Arn>\([^<]*\)</Arn>.*:\1:p'
}

# proves ARN: the credential_process JSON in $output is one line, Version 1,
# expires in the future, and its keys are ARN to STS.
proves() {
	assert_equal "${#lines[@]}" 1
	jq -e '.Version == 1 and (.AccessKeyId | startswith("ASIA")) and
	    (.SecretAccessKey | length > 0) and (.SessionToken | length > 0) and
	    (.Expiration | fromdate > now) and (keys | length == 5)' <<<"$output"
	assert_equal "$(whoami "$(jq -r .AccessKeyId <<<"$output")" \
	    "$(jq -r .SecretAccessKey <<<"$output")" \
	    "$(jq -r .SessionToken <<<"$output")")" "$1"
}

# no_secrets: stderr holds no key, session token, JWT or request token.
no_secrets() {
	local s
	for s in "$MOTO_SK" "$(cat "$TOKEN")" "${ACTIONS_ID_TOKEN_REQUEST_TOKEN:-none}" "$@"; do
		[[ -z $s || $stderr != *"$s"* ]] || { echo "secret on stderr: $s"; false; }
	done
}

# fails CODE MESSAGE [ARGS...]: sts-assume ARGS exits CODE with the one line
# "sts-assume: MESSAGE" and prints nothing.
fails() {
	local code=$1 msg=$2
	shift 2
	run -"$code" --separate-stderr sts-assume "$@"
	assert_output ""
	assert_equal "$stderr" "sts-assume: $msg"
	no_secrets
}

# --- usage ------------------------------------------------------------------

@test "--help and --version" {
	run -0 --separate-stderr sts-assume --help
	assert_line --index 0 'usage: sts-assume [-qv] [--role-arn arn] [--token-file file]'
	assert_equal "$stderr" ""
	run -0 sts-assume --version
	assert_output --regexp '^sts-assume \(deploykit\) [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "usage errors: unknown option, an operand, no role" {
	run -2 --separate-stderr sts-assume --bogus
	assert_equal "${stderr_lines[0]}" "sts-assume: --bogus: unknown option or missing argument"
	assert_output ""
	fails 2 "extra: no operands are taken" --role-arn "$ROLE_ARN" extra
	fails 2 "no role to assume: give --role-arn or set AWS_ROLE_ARN"
}

@test "a bad role ARN is exit 2, nothing sent" {
	AWS_ENDPOINT_URL=http://127.0.0.1:$(free_port)
	export AWS_ENDPOINT_URL
	fails 2 "--role-arn arn:aws:iam::$ACCOUNT:user/bob: not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)" \
	    --role-arn "arn:aws:iam::$ACCOUNT:user/bob" --token-file "$TOKEN"
	fails 2 "--role-arn arn:aws:iam::12345:role/x: not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)" \
	    --role-arn arn:aws:iam::12345:role/x
	fails 2 "--role-arn $ROLE_ARN/: not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)" \
	    --role-arn "$ROLE_ARN/"
	export AWS_ROLE_ARN=gha-deploy
	fails 2 "AWS_ROLE_ARN gha-deploy: not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)"
}

@test "--session-name, --duration and --region are checked before sending" {
	AWS_ENDPOINT_URL=http://127.0.0.1:$(free_port)
	export AWS_ENDPOINT_URL
	fails 2 "--session-name a: want 2 to 64 of A-Z a-z 0-9 _ + = , . @ -" \
	    --role-arn "$ROLE_ARN" --session-name a
	fails 2 "--session-name two words: want 2 to 64 of A-Z a-z 0-9 _ + = , . @ -" \
	    --role-arn "$ROLE_ARN" --session-name 'two words'
	long=$(printf 'x%.0s' {1..65})
	fails 2 "--session-name $long: want 2 to 64 of A-Z a-z 0-9 _ + = , . @ -" \
	    --role-arn "$ROLE_ARN" --session-name "$long"
	for d in 899 43201 12h1 abc -900 ''; do
		fails 2 "--duration $d: want 900 to 43200 seconds (15m to 12h)" \
		    --role-arn "$ROLE_ARN" --duration "$d"
	done
	fails 2 "--region mars: not a valid region name" --role-arn "$ROLE_ARN" --region mars
}

@test "--token-file only in full: an abbreviation names no secret's file" {
	fails 2 "--token: unknown option (a secret is never taken from the command line: give --token-file FILE, or run in GitHub Actions with \`permissions: id-token: write\`)" \
	    --role-arn "$ROLE_ARN" --token "$TOKEN"
}

@test "--token-file: a file that is not there, or empty, is exit 2" {
	fails 2 "--token-file $BATS_TEST_TMPDIR/nothere: No such file or directory" \
	    --role-arn "$ROLE_ARN" --token-file "$BATS_TEST_TMPDIR/nothere"
	: >"$TOKEN"
	fails 2 "--token-file $TOKEN: the file is empty" --role-arn "$ROLE_ARN" --token-file "$TOKEN"
}

# --- web identity from a token file ----------------------------------------------

@test "token file: AssumeRoleWithWebIdentity, credentials that work with IAM auth on" {
	unsigned_once
	run -0 --separate-stderr sts-assume --role-arn "$ROLE_ARN" --token-file "$TOKEN" \
	    --session-name ci-run-7
	proves "$ASSUMED/ci-run-7"
	assert_equal "$stderr" ""
	no_secrets "$(jq -r .SecretAccessKey <<<"$output")"
}

@test "token file: --duration sets the expiration (also as 15m, up to 12h)" {
	unsigned_once
	run -0 --separate-stderr sts-assume --role-arn "$ROLE_ARN" --token-file "$TOKEN" --duration 15m
	jq -e '(.Expiration | fromdate) - now | . > 880 and . <= 905' <<<"$output"
	unsigned_once
	run -0 --separate-stderr sts-assume --role-arn "$ROLE_ARN" --token-file "$TOKEN" --duration 43200
	jq -e '(.Expiration | fromdate) - now | . > 43180 and . <= 43205' <<<"$output"
}

@test "token file wins over the OIDC variables" {
	oidc_job rt-unused
	before=$(oidc_audiences)
	unsigned_once
	run -0 --separate-stderr sts-assume --role-arn "$ROLE_ARN" --token-file "$TOKEN" --session-name s2
	proves "$ASSUMED/s2"
	assert_equal "$(oidc_audiences)" "$before"
}

@test "AWS_ROLE_ARN names the role when --role-arn is not given; -v keeps the secrets out" {
	export AWS_ROLE_ARN=$ROLE_ARN
	unsigned_once
	run -0 --separate-stderr sts-assume -v --token-file "$TOKEN" --session-name from-env
	proves "$ASSUMED/from-env"
	[[ $stderr == *"sts-assume: web identity token from $TOKEN: iss \"https://token.actions.githubusercontent.com\", sub \"repo:acme/app:ref:refs/heads/main\", aud \"sts.amazonaws.com\""* ]]
	[[ $stderr == *"[redacted]"* || $stderr == *"bytes of data"* ]]
	[[ $stderr != *eyJ* ]]
	no_secrets "$(jq -r .SecretAccessKey <<<"$output")" "$(jq -r .SessionToken <<<"$output")"
}

# --- web identity from GitHub Actions' OIDC endpoint ----------------------------

@test "OIDC: the token from GitHub, audience sts.amazonaws.com, session from the run" {
	oidc_job "rt-$BATS_TEST_NUMBER-$RANDOM"
	export GITHUB_REPOSITORY=acme/app GITHUB_RUN_ID=7
	unsigned_once
	run -0 --separate-stderr sts-assume --role-arn "$ROLE_ARN"
	proves "$ASSUMED/gha-acme-app-7"
	assert_equal "$stderr" ""
	assert_equal "$(oidc_audiences | jq -c '.[-1]')" '"sts.amazonaws.com"'
	no_secrets "$(jq -r .SessionToken <<<"$output")"
}

@test "OIDC: --audience, and a request URL without a query gets ?audience=" {
	oidc_job "rt-$BATS_TEST_NUMBER"
	export ACTIONS_ID_TOKEN_REQUEST_URL=$GHSIM_URL/_actions/idtoken
	unsigned_once
	run -0 --separate-stderr sts-assume --role-arn "$ROLE_ARN" --audience 'https://github.com/acme x' \
	    --session-name aud
	proves "$ASSUMED/aud"
	assert_equal "$(oidc_audiences | jq -c '.[-1]')" '"https://github.com/acme x"'
}

@test "OIDC: -v names the token's claims and redacts the request token" {
	oidc_job "rt-secret-$RANDOM$RANDOM"
	unsigned_once
	run -0 --separate-stderr sts-assume -v --role-arn "$ROLE_ARN" --session-name verbose
	proves "$ASSUMED/verbose"
	[[ $stderr == *'sts-assume: web identity token from GitHub OIDC: iss "https://token.actions.githubusercontent.com", sub "repo:acme/app:environment:prod", aud "sts.amazonaws.com"'* ]]
	[[ $stderr == *"> Authorization: [redacted]"* ]]
	[[ $stderr == *"assuming role $ROLE_ARN with web identity, session verbose"* ]]
	# No JWT (they all start {"... encoded as eyJ) in the trace.
	[[ $stderr != *eyJ* ]]
	no_secrets "$(jq -r .SecretAccessKey <<<"$output")" "$(jq -r .SessionToken <<<"$output")"
}

@test "OIDC: a refused request token is exit 1, with what it means" {
	oidc_job rt-known
	export ACTIONS_ID_TOKEN_REQUEST_TOKEN=rt-unknown-$RANDOM
	fails 1 "GitHub OIDC token from ${GHSIM_URL#http://}: HTTP 401: Unauthorized: the request token is not valid; ACTIONS_ID_TOKEN_REQUEST_TOKEN was refused: it is good only while its job runs" \
	    --role-arn "$ROLE_ARN"
}

@test "OIDC: one 503, then the token: retried, announced; -q says nothing" {
	oidc_job "rt-$BATS_TEST_NUMBER-a" '{"fail": [503]}'
	unsigned_once
	run -0 --separate-stderr sts-assume --role-arn "$ROLE_ARN" --session-name retried
	proves "$ASSUMED/retried"
	assert_equal "${#stderr_lines[@]}" 1
	assert_regex "$stderr" "^sts-assume: GitHub OIDC token from ${GHSIM_URL#http://}: HTTP 503; retrying in [0-9]+\.[0-9] s \(attempt 2 of 2\)$"
	oidc_job "rt-$BATS_TEST_NUMBER-b" '{"fail": [502]}'
	unsigned_once
	run -0 --separate-stderr sts-assume -q --role-arn "$ROLE_ARN"
	assert_equal "$stderr" ""
}

@test "OIDC: 5xx on every attempt is exit 3" {
	oidc_job "rt-$BATS_TEST_NUMBER" '{"fail": [500, 503, 503]}'
	export AWS_MAX_ATTEMPTS=3
	run -3 --separate-stderr sts-assume -q --role-arn "$ROLE_ARN"
	assert_output ""
	assert_equal "$stderr" "sts-assume: GitHub OIDC token from ${GHSIM_URL#http://}: HTTP 503: Server Error (after retries)"
}

@test "OIDC: an endpoint nobody answers on is exit 3 after the attempts" {
	ACTIONS_ID_TOKEN_REQUEST_URL="http://127.0.0.1:$(free_port)/_actions/idtoken?api-version=2.0"
	export ACTIONS_ID_TOKEN_REQUEST_URL
	export ACTIONS_ID_TOKEN_REQUEST_TOKEN=rt-nobody
	run -3 --separate-stderr sts-assume --role-arn "$ROLE_ARN"
	assert_output ""
	assert_equal "${#stderr_lines[@]}" 2
	assert_regex "${stderr_lines[0]}" '^sts-assume: GitHub OIDC token: GET 127\.0\.0\.1:[0-9]+.*; retrying in [0-9.]+ s \(attempt 2 of 2\)$'
	assert_regex "${stderr_lines[1]}" '^sts-assume: GitHub OIDC token: GET 127\.0\.0\.1:[0-9]+'
	no_secrets
}

@test "OIDC: only one of the two variables is exit 2, naming the permission" {
	export ACTIONS_ID_TOKEN_REQUEST_URL=$GHSIM_URL/_actions/idtoken
	fails 2 "ACTIONS_ID_TOKEN_REQUEST_URL is set but ACTIONS_ID_TOKEN_REQUEST_TOKEN is not: the runner sets both when the job needs \`permissions: id-token: write\`" \
	    --role-arn "$ROLE_ARN"
	unset ACTIONS_ID_TOKEN_REQUEST_URL
	export ACTIONS_ID_TOKEN_REQUEST_TOKEN=rt-half
	fails 2 "ACTIONS_ID_TOKEN_REQUEST_TOKEN is set but ACTIONS_ID_TOKEN_REQUEST_URL is not: the runner sets both when the job needs \`permissions: id-token: write\`" \
	    --role-arn "$ROLE_ARN"
}

@test "in GitHub Actions without the OIDC variables or credentials: exit 2, naming the permission" {
	export GITHUB_ACTIONS=true
	run -2 --separate-stderr sts-assume --role-arn "$ROLE_ARN"
	assert_output ""
	assert_regex "$stderr" '^sts-assume: no AWS credentials: looked in .*; no web identity either: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set \(the job needs `permissions: id-token: write`\)$'
}

@test "OIDC: SIGTERM while the endpoint stalls is exit 143" {
	bg_start stall python3 -c '
import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(s.getsockname()[1], flush=True)
c = s.accept(); time.sleep(60)'
	export ACTIONS_ID_TOKEN_REQUEST_URL=$STALL_URL/_actions/idtoken
	export ACTIONS_ID_TOKEN_REQUEST_TOKEN=rt-stall
	sts-assume --role-arn "$ROLE_ARN" >"$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	sleep 1
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	kill_pid "$STALL_PIDFILE"
	assert_equal "$rc" 143
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" ""
}

# --- STS refusals and failures ------------------------------------------------

@test "STS AccessDenied to the GitHub token: exit 1, the trust policy's sub and aud named" {
	oidc_job "rt-$BATS_TEST_NUMBER"
	export AWS_ENDPOINT_URL_STS=$CRED_URL/sts-error/AccessDenied
	fails 1 "assuming role $ROLE_ARN with web identity: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity; check the role's trust policy: its conditions on token.actions.githubusercontent.com:sub and token.actions.githubusercontent.com:aud must match this token's sub \"repo:acme/app:environment:prod\" and aud \"sts.amazonaws.com\"" \
	    --role-arn "$ROLE_ARN"
}

@test "STS InvalidIdentityToken: exit 1, the OIDC provider and sub named" {
	export AWS_ENDPOINT_URL_STS=$CRED_URL/sts-error/InvalidIdentityToken
	fails 1 "assuming role $ROLE_ARN with web identity: InvalidIdentityToken: No OpenIDConnect provider found in your account for https://token.actions.githubusercontent.com; check that the account has an IAM OIDC provider for https://token.actions.githubusercontent.com with audience \"sts.amazonaws.com\", and that the role's trust policy allows sub \"repo:acme/app:ref:refs/heads/main\"" \
	    --role-arn "$ROLE_ARN" --token-file "$TOKEN"
}

@test "STS refusing a token that is not a JWT: the hint without claims" {
	echo not-a-jwt >"$TOKEN"
	export AWS_ENDPOINT_URL_STS=$CRED_URL/sts-error/AccessDenied
	fails 1 "assuming role $ROLE_ARN with web identity: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity; check the role's trust policy: its sub and aud conditions must match the token's claims" \
	    --role-arn "$ROLE_ARN" --token-file "$TOKEN"
}

@test "STS ExpiredTokenException: exit 1 with STS's message" {
	export AWS_ENDPOINT_URL_STS=$CRED_URL/sts-error/ExpiredTokenException
	fails 1 "assuming role $ROLE_ARN with web identity: ExpiredTokenException: Token expired: current date/time 1700000300 must be before the expiration date/time 1700000000" \
	    --role-arn "$ROLE_ARN" --token-file "$TOKEN"
}

@test "STS IDPCommunicationError on every attempt: retried, then exit 3" {
	export AWS_ENDPOINT_URL_STS=$CRED_URL/sts-error/IDPCommunicationError AWS_MAX_ATTEMPTS=3
	run -3 --separate-stderr sts-assume --role-arn "$ROLE_ARN" --token-file "$TOKEN"
	assert_output ""
	assert_equal "${#stderr_lines[@]}" 3
	assert_regex "${stderr_lines[1]}" '^sts-assume: sts AssumeRoleWithWebIdentity: IDPCommunicationError \(HTTP 400\); retrying in [0-9.]+ s \(attempt 3 of 3\)$'
	assert_equal "${stderr_lines[2]}" "sts-assume: assuming role $ROLE_ARN with web identity: IDPCommunicationError: Couldn't reach the identity provider (after retries)"
	no_secrets
}

@test "STS 503 then moto: the web identity call is retried and succeeds" {
	export AWS_ENDPOINT_URL_STS=$FAULT_URL
	curl -sSf -X POST "$FAULT_URL/_fault" --data-binary '{"faults": [{"count": 1, "status": 503,
	    "body": "<ErrorResponse><Error><Code>ServiceUnavailable</Code><Message>down</Message></Error></ErrorResponse>",
	    "headers": {"Content-Type": "text/xml"}}]}' >/dev/null
	unsigned_once
	run -0 --separate-stderr sts-assume --role-arn "$ROLE_ARN" --token-file "$TOKEN" --session-name after-503
	proves "$ASSUMED/after-503"
	assert_regex "$stderr" '^sts-assume: sts AssumeRoleWithWebIdentity: ServiceUnavailable \(HTTP 503\); retrying in [0-9.]+ s \(attempt 2 of 2\)$'
}

@test "STS 5xx on every attempt: exit 3, for web identity and for AssumeRole" {
	export AWS_ENDPOINT_URL_STS=$FAULT_URL
	curl -sSf -X POST "$FAULT_URL/_fault" --data-binary '{"faults": [{"count": 4, "status": 500,
	    "body": "<ErrorResponse><Error><Code>InternalFailure</Code><Message>boom</Message></Error></ErrorResponse>",
	    "headers": {"Content-Type": "text/xml"}}]}' >/dev/null
	run -3 --separate-stderr sts-assume -q --role-arn "$ROLE_ARN" --token-file "$TOKEN"
	assert_output ""
	assert_equal "$stderr" "sts-assume: assuming role $ROLE_ARN with web identity: InternalFailure: boom (after retries)"
	export AWS_ACCESS_KEY_ID=$MOTO_AK AWS_SECRET_ACCESS_KEY=$MOTO_SK
	run -3 --separate-stderr sts-assume -q --role-arn "$ROLE_ARN"
	assert_output ""
	assert_equal "$stderr" "sts-assume: assuming role $ROLE_ARN: InternalFailure: boom (after retries)"
	assert_equal "$(curl -sSf "$FAULT_URL/_log" | jq '[.[] | select(.status == 500)] | length')" 4
	no_secrets
}

# --- role chaining ------------------------------------------------------------

@test "role chaining: AssumeRole with the deploy user's keys from the environment" {
	export AWS_ACCESS_KEY_ID=$MOTO_AK AWS_SECRET_ACCESS_KEY=$MOTO_SK
	run -0 --separate-stderr sts-assume --role-arn "$ROLE_ARN" --session-name chained --duration 3600
	proves "$ASSUMED/chained"
	jq -e '(.Expiration | fromdate) - now | . > 3580 and . <= 3605' <<<"$output"
	assert_equal "$stderr" ""
	no_secrets "$(jq -r .SecretAccessKey <<<"$output")"
}

@test "role chaining: -v says whose credentials assume the role" {
	export AWS_ACCESS_KEY_ID=$MOTO_AK AWS_SECRET_ACCESS_KEY=$MOTO_SK
	run -0 --separate-stderr sts-assume -v --role-arn "$ROLE_ARN" --session-name vv
	[[ $stderr == *"sts-assume: assuming role $ROLE_ARN with the credentials from environment, session vv"* ]]
	no_secrets "$(jq -r .SecretAccessKey <<<"$output")" "$(jq -r .SessionToken <<<"$output")"
}

@test "role chaining: STS refusing the caller is exit 1, with the hint" {
	export AWS_ACCESS_KEY_ID=$MOTO_AK AWS_SECRET_ACCESS_KEY=$MOTO_SK
	export AWS_ENDPOINT_URL_STS=$CRED_URL/sts-error/AccessDenied
	fails 1 "assuming role $ROLE_ARN: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity; the credentials from environment need sts:AssumeRole on the role, and its trust policy must allow them" \
	    --role-arn "$ROLE_ARN"
}

@test "role chaining: no credentials outside GitHub Actions is the chain's exit 2" {
	run -2 --separate-stderr sts-assume --role-arn "$ROLE_ARN"
	assert_regex "$stderr" '^sts-assume: no AWS credentials: looked in the environment, .*\(disabled\)$'
}

# --- credential_process -------------------------------------------------------

@test "credential_process: ssm-get through a profile whose keys sts-assume gets (token file)" {
	printf '[profile gha]\nregion = us-east-1\ncredential_process = sts-assume --role-arn %s --token-file %s --session-name via-process\n' \
	    "$ROLE_ARN" "$TOKEN" >"$BATS_TEST_TMPDIR/config"
	export AWS_CONFIG_FILE=$BATS_TEST_TMPDIR/config AWS_PROFILE=gha
	unsigned_once
	run -0 --separate-stderr ssm-get /sts/probe
	assert_equal "$(jq -r .value <<<"$output")" through-the-role
	assert_equal "$stderr" ""
}

@test "credential_process: role chaining from another profile" {
	cat >"$BATS_TEST_TMPDIR/config" <<-EOF
	[profile base]
	aws_access_key_id = $MOTO_AK
	aws_secret_access_key = $MOTO_SK
	[profile deploy]
	credential_process = env AWS_PROFILE=base sts-assume --role-arn $ROLE_ARN --session-name chained-process
	EOF
	export AWS_CONFIG_FILE=$BATS_TEST_TMPDIR/config AWS_PROFILE=deploy
	run -0 --separate-stderr ssm-get /sts/probe
	assert_equal "$(jq -r .value <<<"$output")" through-the-role
	run -0 --separate-stderr sigv4-curl -f --service sts \
	    -d 'Action=GetCallerIdentity&Version=2011-06-15' "$MOTO_URL/"
	assert_output --partial "<Arn>$ASSUMED/chained-process</Arn>"
}

@test "GITHUB_ACTIONS=true: the values are masked on stderr, stdout stays one JSON line" {
	export GITHUB_ACTIONS=true AWS_ACCESS_KEY_ID=$MOTO_AK AWS_SECRET_ACCESS_KEY=$MOTO_SK
	run -0 --separate-stderr sts-assume -q --role-arn "$ROLE_ARN" --session-name masked
	proves "$ASSUMED/masked"
	assert_equal "$stderr" "::add-mask::$(jq -r .AccessKeyId <<<"$output")
::add-mask::$(jq -r .SecretAccessKey <<<"$output")
::add-mask::$(jq -r .SessionToken <<<"$output")"
}

# --- --github-env ------------------------------------------------------------

@test "--github-env: masks first, the variables appended, no secret on stdout" {
	oidc_job "rt-$BATS_TEST_NUMBER"
	export GITHUB_ENV=$BATS_TEST_TMPDIR/github_env GITHUB_REPOSITORY=acme/app GITHUB_RUN_ID=7
	printf 'EARLIER=kept\n' >"$GITHUB_ENV"
	unsigned_once
	run -0 --separate-stderr sts-assume --role-arn "$ROLE_ARN" --github-env
	assert_equal "${#lines[@]}" 1
	jq -e --arg r "$ROLE_ARN" --arg a "$ASSUMED/gha-acme-app-7" '
	    .role_arn == $r and .assumed_role_arn == $a and
	    .session_name == "gha-acme-app-7" and (.access_key_id | startswith("ASIA")) and
	    (.expiration | fromdate > now) and (keys | length == 5)' <<<"$output"
	vars=$(env_file "$GITHUB_ENV")
	jq -e 'keys == ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "EARLIER"]
	    and .EARLIER == "kept"' <<<"$vars"
	ak=$(jq -r .AWS_ACCESS_KEY_ID <<<"$vars")
	sk=$(jq -r .AWS_SECRET_ACCESS_KEY <<<"$vars")
	tok=$(jq -r .AWS_SESSION_TOKEN <<<"$vars")
	assert_equal "$(jq -r .access_key_id <<<"$output")" "$ak"
	[[ $output != *"$sk"* && $output != *"$tok"* ]]
	assert_equal "$stderr" "::add-mask::$ak
::add-mask::$sk
::add-mask::$tok"
	# The runner's multi-line form, one random delimiter for all three.
	assert_equal "$(sed -n 1p "$GITHUB_ENV")" "EARLIER=kept"
	assert_regex "$(sed -n 2p "$GITHUB_ENV")" '^AWS_ACCESS_KEY_ID<<ghadelimiter_[0-9a-f]{32}$'
	assert_equal "$(grep -c '<<ghadelimiter_' "$GITHUB_ENV")" 3
	assert_equal "$(whoami "$ak" "$sk" "$tok")" "$ASSUMED/gha-acme-app-7"
	# A second run appends again; the delimiter is new.
	unsigned_once
	run -0 --separate-stderr sts-assume -q --role-arn "$ROLE_ARN" --github-env --region eu-west-1
	assert_equal "$(grep -c '^AWS_ACCESS_KEY_ID<<' "$GITHUB_ENV")" 2
	assert_equal "$(grep -o 'ghadelimiter_[0-9a-f]*' "$GITHUB_ENV" | sort -u | wc -l)" 2
	jq -e '.AWS_REGION == "eu-west-1" and .AWS_DEFAULT_REGION == "eu-west-1" and .EARLIER == "kept"' \
	    <<<"$(env_file "$GITHUB_ENV")"
}

@test "--github-env: role chaining too" {
	export AWS_ACCESS_KEY_ID=$MOTO_AK AWS_SECRET_ACCESS_KEY=$MOTO_SK
	export GITHUB_ENV=$BATS_TEST_TMPDIR/github_env
	: >"$GITHUB_ENV"
	run -0 --separate-stderr sts-assume --role-arn "$ROLE_ARN" --github-env --session-name envchain
	jq -e '.session_name == "envchain"' <<<"$output"
	vars=$(env_file "$GITHUB_ENV")
	assert_equal "$(whoami "$(jq -r .AWS_ACCESS_KEY_ID <<<"$vars")" \
	    "$(jq -r .AWS_SECRET_ACCESS_KEY <<<"$vars")" \
	    "$(jq -r .AWS_SESSION_TOKEN <<<"$vars")")" "$ASSUMED/envchain"
}

@test "--github-env without GITHUB_ENV: exit 2, nothing sent" {
	oidc_job "rt-$BATS_TEST_NUMBER"
	before=$(oidc_audiences)
	fails 2 "--github-env: GITHUB_ENV is not set (the runner sets it in GitHub Actions steps)" \
	    --role-arn "$ROLE_ARN" --github-env
	assert_equal "$(oidc_audiences)" "$before"
}

@test "--github-env: a missing file, a symbolic link or a folder is exit 2, nothing sent" {
	AWS_ENDPOINT_URL=http://127.0.0.1:$(free_port)
	export AWS_ENDPOINT_URL
	export AWS_ACCESS_KEY_ID=$MOTO_AK AWS_SECRET_ACCESS_KEY=$MOTO_SK
	export GITHUB_ENV=$BATS_TEST_TMPDIR/none
	run -2 --separate-stderr sts-assume --role-arn "$ROLE_ARN" --github-env
	assert_output ""
	assert_equal "${stderr_lines[-1]}" "sts-assume: GITHUB_ENV $GITHUB_ENV: No such file or directory"
	: >"$BATS_TEST_TMPDIR/real"
	ln -s real "$BATS_TEST_TMPDIR/link"
	export GITHUB_ENV=$BATS_TEST_TMPDIR/link
	run -2 --separate-stderr sts-assume --role-arn "$ROLE_ARN" --github-env
	assert_equal "${stderr_lines[-1]}" "sts-assume: GITHUB_ENV $GITHUB_ENV: a symbolic link, refused"
	[[ ! -s $BATS_TEST_TMPDIR/real ]]
	export GITHUB_ENV=$BATS_TEST_TMPDIR
	run -2 --separate-stderr sts-assume --role-arn "$ROLE_ARN" --github-env
	assert_equal "${stderr_lines[-1]}" "sts-assume: GITHUB_ENV $GITHUB_ENV: Is a directory"
}

@test "--github-env: a short write is exit 3 and taken back, no half entry" {
	export AWS_ACCESS_KEY_ID=$MOTO_AK AWS_SECRET_ACCESS_KEY=$MOTO_SK
	export GITHUB_ENV=$BATS_TEST_TMPDIR/github_env
	head -c 1000 /dev/zero | tr '\0' x >"$GITHUB_ENV"
	# A file size limit of 1 KiB: the append stops after 24 bytes.
	run -3 --separate-stderr bash -c 'ulimit -f 1; exec sts-assume -q --role-arn "$1" --github-env' _ "$ROLE_ARN"
	assert_output ""
	assert_equal "${#stderr_lines[@]}" 4
	assert_regex "${stderr_lines[3]}" "^sts-assume: GITHUB_ENV $GITHUB_ENV: a short write \(24 of [0-9]+ bytes\), taken back$"
	assert_equal "$(stat -c %s "$GITHUB_ENV")" 1000
}

@test "--github-env: /dev/full is no file to append to: exit 2, nothing sent" {
	AWS_ENDPOINT_URL=http://127.0.0.1:$(free_port)
	export AWS_ENDPOINT_URL
	export AWS_ACCESS_KEY_ID=$MOTO_AK AWS_SECRET_ACCESS_KEY=$MOTO_SK GITHUB_ENV=/dev/full
	fails 2 "GITHUB_ENV /dev/full: not a regular file" --role-arn "$ROLE_ARN" --github-env
}

# --- session names ------------------------------------------------------------

# session_of: the session name sts-assume chose, as STS took it.
session_of() {
	export AWS_ACCESS_KEY_ID=$MOTO_AK AWS_SECRET_ACCESS_KEY=$MOTO_SK
	export GITHUB_ENV=$BATS_TEST_TMPDIR/github_env
	: >"$GITHUB_ENV"
	run -0 --separate-stderr sts-assume -q --role-arn "$ROLE_ARN" --github-env
	assert_equal "$(jq -r .assumed_role_arn <<<"$output")" "$ASSUMED/$(jq -r .session_name <<<"$output")"
	jq -r .session_name <<<"$output"
}

@test "session name: from GITHUB_REPOSITORY and GITHUB_RUN_ID, sanitised" {
	export GITHUB_REPOSITORY='Acme Corp/app!x' GITHUB_RUN_ID=42
	assert_equal "$(session_of)" "gha-Acme-Corp-app-x-42"
	GITHUB_REPOSITORY=org/$(printf 'r%.0s' {1..80})
	export GITHUB_REPOSITORY GITHUB_RUN_ID=1234567890123
	name=$(session_of)
	assert_equal "${#name}" 64
	assert_regex "$name" '^gha-org-r+-1234567890123$'
	unset GITHUB_RUN_ID
	export GITHUB_REPOSITORY=acme/app.v2_x+y=z,w@q
	assert_equal "$(session_of)" "gha-acme-app.v2_x+y=z,w@q"
}

@test "session name: outside GitHub Actions, deploykit-TIME-PID" {
	assert_regex "$(session_of)" '^deploykit-[0-9]{10,}-[0-9]+$'
}
