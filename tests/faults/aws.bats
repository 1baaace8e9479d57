#!/usr/bin/env bats
# Fault matrix, AWS side: every AWS tool against moto (IAM auth on) through
# tests/helpers/awsfault.py.  Each case records a row (tests/faults/lib.bash).

load lib

setup_file() {
	# A role for sts-assume to chain into, made before auth is switched on.
	moto_start noauth
	local trust='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}'
	curl -sS --fail -o /dev/null --aws-sigv4 aws:amz:us-east-1:iam --user AKIDBOOTSTRAP:bootstrap \
		"$MOTO_URL/" --data "Action=CreateRole&RoleName=faults&Version=2010-05-08&AssumeRolePolicyDocument=$(jq -rn --arg t "$trust" '$t | @uri')"
	"$DK_ROOT/tests/helpers/moto-bootstrap" "$MOTO_URL" >"$BATS_FILE_TMPDIR/keys"
	MOTO_AK=$(sed -n 1p "$BATS_FILE_TMPDIR/keys")
	MOTO_SK=$(sed -n 2p "$BATS_FILE_TMPDIR/keys")
	export MOTO_AK MOTO_SK
	proxy_start AWS "$MOTO_URL"
}

teardown_file() {
	proxy_stop AWS
	moto_stop
}

setup() {
	moto_env
	export AWS_ENDPOINT_URL=$PROXY_AWS XDG_CACHE_HOME=$BATS_TEST_TMPDIR/cache
	P=/faults/t$BATS_TEST_NUMBER
	fault "$PROXY_AWS" '[]'
}

# The faults every AWS tool meets; recovering ones first.  $1 is the
# operation the faults aim at, so that a tool's earlier calls go through.
THROTTLE='{"__type":"ThrottlingException","message":"Rate exceeded"}'
EXPIRED='{"__type":"ExpiredTokenException","message":"The security token included in the request is expired"}'
TOOMANY='{"__type":"TooManyRequestsException","message":"Too many requests"}'
HTML502='<html><body><h1>502 Bad Gateway</h1></body></html>'

# matrix SURFACE OP COMMAND...: the same faults, one case each.
matrix() {
	local s=$1 op=$2
	shift 2
	local t=\"target\":\"$op\"
	# The query protocol (STS) has no target: the tool's one POST.
	[[ $op == - ]] && t='"method":"POST"'
	fault "$PROXY_AWS" "{$t,\"status\":500,\"count\":2}"
	case_run "$s" "500 twice" 0 10 '' -- "$@"
	fault "$PROXY_AWS" "{$t,\"status\":502,\"count\":2,\"body\":\"$HTML502\",\"headers\":{\"Content-Type\":\"text/html\"}}"
	case_run "$s" "502 (HTML) twice" 0 10 '' -- "$@"
	fault "$PROXY_AWS" "{$t,\"status\":503,\"count\":2}"
	case_run "$s" "503 twice" 0 10 '' -- "$@"
	fault "$PROXY_AWS" "{$t,\"status\":400,\"count\":2,\"body\":$THROTTLE,\"headers\":{\"x-amz-retry-after\":\"300\"}}"
	case_run "$s" "throttled twice, Retry-After" 0 10 '' -- "$@"
	fault "$PROXY_AWS" "{$t,\"status\":429,\"count\":1,\"body\":$TOOMANY}"
	case_run "$s" "429 TooManyRequests once" 0 10 '' -- "$@"
	fault "$PROXY_AWS" "{$t,\"action\":\"drop\",\"rst\":true}"
	case_run "$s" "reset before it was sent on" 0 10 '' -- "$@"
	fault "$PROXY_AWS" "{$t,\"action\":\"drop_after\",\"rst\":true}"
	case_run "$s" "reset after the server did it" 0 10 '' -- "$@"
	fault "$PROXY_AWS" "{$t,\"action\":\"short\"}"
	case_run "$s" "connection cut mid-body" 0 10 '' -- "$@"
	fault "$PROXY_AWS" "{$t,\"action\":\"stall\",\"seconds\":3}"
	case_run "$s" "server stalls 3 s" 0 10 '' -- "$@"
	fault "$PROXY_AWS" '{"clock":{"offset":900}}'
	case_run "$s" "server clock 15 min ahead" 0 10 '' -- "$@"
	fault "$PROXY_AWS" "{$t,\"status\":503,\"count\":50}"
	case_run "$s" "503 on every attempt" 3 20 '503' -- "$@"
	fault "$PROXY_AWS" "{$t,\"action\":\"drop\",\"count\":50}"
	case_run "$s" "no answer on every attempt" 3 20 '' -- "$@"
	fault "$PROXY_AWS" "{$t,\"action\":\"truncate\",\"count\":50}"
	case_run "$s" "truncated body (200)" 3 20 '' -- "$@"
	fault "$PROXY_AWS" "{$t,\"status\":200,\"count\":50,\"body\":\"{\\\"Parameter\\\": [1,\"}"
	case_run "$s" "malformed JSON (200)" 3 20 '' -- "$@"
	fault "$PROXY_AWS" "{$t,\"action\":\"huge\",\"count\":50}"
	case_run "$s" "50 MB body" 3 30 'too large|large' -- "$@"
	fault "$PROXY_AWS" "{$t,\"status\":400,\"body\":$EXPIRED}"
	case_run "$s" "expired credentials" 1 10 'ExpiredToken|expired' -- "$@"
	# The standard retry mode retries 429 only with a throttling code.
	fault "$PROXY_AWS" "{$t,\"status\":429,\"count\":50}"
	case_run "$s" "429 with no error code" 1 10 '429' -- "$@"
	fault "$PROXY_AWS" '[]'
}

# put_next: ssm-put a new value each time (an unchanged one is not written),
# remembered in $BATS_TEST_TMPDIR/n.
put_next() {
	local n
	n=$(($(cat "$BATS_TEST_TMPDIR/n" 2>/dev/null || echo 0) + 1))
	echo "$n" >"$BATS_TEST_TMPDIR/n"
	ssm-put --name "$P" --value "v$n"
}

@test "ssm-put under faults" {
	matrix ssm-put PutParameter put_next
	# Nothing was lost: the last value written is the one there.  A failed
	# case may have written its value or not; the next case's read sees it.
	run -0 --separate-stderr put_next
	n=$(cat "$BATS_TEST_TMPDIR/n")
	run -0 ssm-get "$P"
	assert_equal "$(jq -r .value <<<"$output")" "v$n"
}

@test "ssm-get under faults" {
	ssm-put --name "$P" --value v1 >/dev/null
	matrix ssm-get GetParameter ssm-get "$P"
}

@test "ecr-token under faults (no cache)" {
	export DEPLOYKIT_NO_CACHE=1
	matrix ecr-token GetAuthorizationToken ecr-token
}

@test "sts-assume under faults (AssumeRole, role chaining)" {
	matrix sts-assume - sts-assume --role-arn arn:aws:iam::123456789012:role/faults
}

@test "sigv4-curl under faults: a curl, it reports what it got" {
	local body='{"Name":"'$P'","Value":"v","Type":"String","Overwrite":true}'
	fault "$PROXY_AWS" '{"status":503}'
	case_run sigv4-curl "503 (with -f)" 1 10 '503' -- \
		sigv4-curl -f --service ssm --target AmazonSSM.PutParameter -d "$body" "$PROXY_AWS/"
	fault "$PROXY_AWS" '{"action":"drop","rst":true}'
	case_run sigv4-curl "reset before answer" 3 10 '' -- \
		sigv4-curl -f --service ssm --target AmazonSSM.PutParameter -d "$body" "$PROXY_AWS/"
	fault "$PROXY_AWS" '{"action":"stall","seconds":30}'
	case_run sigv4-curl "stall past --max-time 2" 3 6 'max-time|timed out|timeout' -- \
		sigv4-curl -f --max-time 2 --service ssm --target AmazonSSM.PutParameter -d "$body" "$PROXY_AWS/"
	fault "$PROXY_AWS" '{"clock":{"offset":900}}'
	case_run sigv4-curl "server clock 15 min ahead (with -f)" 1 10 '' -- \
		sigv4-curl -f --service ssm --target AmazonSSM.PutParameter -d "$body" "$PROXY_AWS/"
	fault "$PROXY_AWS" '[]'
}
