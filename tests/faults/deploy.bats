#!/usr/bin/env bats
# Fault matrix, stage by stage of make deploy: the sandbox (tests/sandbox/up)
# with tests/helpers/awsfault.py in front of its AWS (moto) and its GitHub
# (ghsim).  A fault a stage can ride out must leave a finished deploy; one
# it cannot must stop make with the cause named, leave no state file for the
# stage that failed (nor a .tmp), and a re-run once the fault is gone must
# finish the deploy with exactly one dispatch.

load lib

setup_file() {
	SB=$BATS_FILE_TMPDIR/sandbox
	"$DK_ROOT/tests/sandbox/up" "$SB" >"$BATS_FILE_TMPDIR/up.log" 2>&1 || {
		cat "$BATS_FILE_TMPDIR/up.log" >&2
		return 1
	}
	export SB
	# shellcheck disable=SC1091
	. "$SB/env"
	proxy_start AWS "$SANDBOX_MOTO"
	proxy_start GH "$SANDBOX_GITHUB"
}

teardown_file() {
	proxy_stop AWS
	proxy_stop GH
	"$DK_ROOT/tests/sandbox/down" "$SB"
}

setup() {
	aws_env_clean
	# shellcheck disable=SC1091
	. "$SB/env"
	export AWS_ENDPOINT_URL=$PROXY_AWS GITHUB_API_URL=$PROXY_GH
	fault "$PROXY_AWS" '[]'
	fault "$PROXY_GH" '[]'
}

# new_app: a fresh app repository (its own state folder) for one case.
new_app() {
	app=$BATS_TEST_TMPDIR/app$((++CASES))
	APP=f$BATS_TEST_NUMBER-$CASES
	mkdir -p "$app"
	cp "$DK_ROOT"/tests/sandbox/app/{Makefile,Dockerfile,hello.c} "$app/"
	printf '.deploy/\nhello\n' >"$app/.gitignore"
	git -C "$app" init -q
	git -C "$app" add .
	git -C "$app" -c user.name=t -c user.email=t@t.invalid commit -q -m first
	VERSION=$(git -C "$app" rev-parse --short=12 HEAD)
	state=$app/.deploy/sandbox/$VERSION
}

mk() {
	make -C "$app" --no-print-directory DEPLOYKIT_MK="$DK_ROOT/mk/deploy.mk" \
		APP="$APP" ENV=sandbox deploy
}

dispatches() {
	curl -sS "$SANDBOX_GITHUB/_sim/log?since=0" | jq --arg a "$APP" \
		'[.entries[] | select(.method == "POST" and (.path | endswith("/dispatches"))
			and .body.inputs.app == $a and (.status // 0) < 300)] | length'
}

# stage NAME FAULT WANT PATTERN PROXY RULE [NOFILE]: a deploy of an app of
# its own with RULE on PROXY (AWS or GH).  WANT 0: it rode the fault out.
# Otherwise make fails (2, its status for a failed recipe) with a line
# matching PATTERN; NOFILE (the stage's state file) must not exist; then the
# fault goes and a re-run finishes.  Either way: one dispatch, no .tmp.
stage() {
	local name=$1 what=$2 want=$3 pattern=$4 proxy=PROXY_$5 rule=$6 nofile=${7:-} n
	new_app
	fault "${!proxy}" "$rule"
	CASE_LOOSE=1 case_run "deploy: $name" "$what" "$want" 120 "$pattern" -- mk
	fault "${!proxy}" '[]'
	if ((want != 0)); then
		[[ -z $nofile || ! -e $state/$nofile ]] || {
			echo "$name / $what: $nofile exists after a failed stage" >&2
			return 1
		}
		run -0 --separate-stderr mk
		[[ -s $state/result.json ]] || return 1
	fi
	n=$(find "$app/.deploy" -name '*.tmp' | wc -l)
	((n == 0)) || { echo "$name / $what: $n .tmp files left" >&2; return 1; }
	n=$(dispatches)
	((n == 1)) || { echo "$name / $what: $n dispatches" >&2; return 1; }
	jq -e '.conclusion == "success"' "$state/result.json" >/dev/null
}

CASES=0
T_ECR='"target":"GetAuthorizationToken"'
T_PUT='"target":"PutParameter"'
G_DISPATCH='"method":"POST","path":"/dispatches$"'
G_RUN='"method":"GET","path":"/actions/runs/[0-9]+$"'

@test "target and image stages (ecr-token: the registry's token)" {
	stage image "500 twice" 0 '' AWS "{$T_ECR,\"status\":500,\"count\":2}"
	stage image "503 on every attempt" 2 '503' AWS "{$T_ECR,\"status\":503,\"count\":50}" image.json
}

@test "release stage (ssm-put)" {
	stage release "503 twice" 0 '' AWS "{$T_PUT,\"status\":503,\"count\":2}"
	stage release "throttled, Retry-After" 0 '' AWS \
		"{$T_PUT,\"status\":400,\"body\":{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"},\"headers\":{\"x-amz-retry-after\":\"200\"}}"
	stage release "reset after the server did it" 0 '' AWS "{$T_PUT,\"action\":\"drop_after\",\"rst\":true}"
	stage release "expired credentials" 2 'ExpiredToken|expired' AWS \
		"{$T_PUT,\"status\":400,\"body\":{\"__type\":\"ExpiredTokenException\",\"message\":\"The security token included in the request is expired\"}}" release.json
	stage release "50 MB body" 2 'large' AWS "{$T_PUT,\"action\":\"huge\",\"count\":50}" release.json
	stage release "server clock 15 min ahead" 0 '' AWS '{"clock":{"offset":900}}'
}

@test "trigger stage (gh-dispatch)" {
	stage trigger "secondary rate limit" 0 '' GH \
		"{$G_DISPATCH,\"status\":403,\"body\":{\"message\":\"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.\",\"documentation_url\":\"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits\"},\"headers\":{\"Content-Type\":\"application/json\",\"Retry-After\":\"1\"}}"
	stage trigger "dropped after it was done" 0 '' GH "{$G_DISPATCH,\"action\":\"drop_after\"}"
	stage trigger "reset before it was done" 0 '' GH "{$G_DISPATCH,\"action\":\"drop\",\"rst\":true}"
}

@test "wait stage (gh-wait)" {
	stage wait "500 three times" 0 '' GH "{$G_RUN,\"status\":500,\"count\":3}"
	stage wait "connection cut mid-body" 0 '' GH "{$G_RUN,\"action\":\"short\"}"
	stage wait "401 bad credentials" 2 'credentials|token|401' GH \
		"{$G_RUN,\"status\":401,\"count\":50,\"body\":{\"message\":\"Bad credentials\",\"documentation_url\":\"https://docs.github.com/rest\"},\"headers\":{\"Content-Type\":\"application/json\"}}" result.json
}
