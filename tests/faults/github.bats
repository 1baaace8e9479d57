#!/usr/bin/env bats
# Fault matrix, GitHub side: gh-dispatch and gh-wait against the GitHub
# simulator (its own faults: GitHub's error pages, secondary rate limits,
# dropped connections, dispatches done but unanswered) behind the validating
# proxy, and tests/helpers/awsfault.py in front of both for what ghsim
# cannot say (a 50 MB body).

load lib
load ../lib/gh

setup_file() {
	ghsim_start 20
	proxy_start GH "$GHSIM_API"
	# A GitHub App installed on org/*, for gh-app-token.
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
		-out "$BATS_FILE_TMPDIR/app.pem" 2>/dev/null
	chmod 600 "$BATS_FILE_TMPDIR/app.pem"
	openssl pkey -in "$BATS_FILE_TMPDIR/app.pem" -pubout -out "$BATS_FILE_TMPDIR/app.pub"
	sim_app 4242 "$BATS_FILE_TMPDIR/app.pub"
}

teardown_file() {
	proxy_stop GH
	ghsim_stop
}

setup() {
	gh_setup
	sim DELETE /_sim/faults >/dev/null
	fault "$PROXY_GH" '[]'
}

teardown() {
	sim DELETE /_sim/faults >/dev/null
	gh_teardown
}

# ghfault RULE...: the simulator's fault rules (tests/ghsim/ghsim.py).
ghfault() {
	sim DELETE /_sim/faults >/dev/null
	sim POST /_sim/faults "$(jq -cn '{rules: $ARGS.positional | map(fromjson)}' --args "$@")" >/dev/null
}

# runs: how many runs the repository has (every dispatch that happened).
runs() {
	curl -sS -H "Authorization: Bearer $TOKEN" "$GHSIM_URL/repos/$REPO/actions/workflows/deploy.yaml/runs" |
		jq .total_count
}

dispatch() {
	gh-dispatch --repo "$REPO" --workflow deploy.yaml --ref main -f app=faults \
		--correlate-input dispatch_id --correlate-timeout 5s
}

# dcase FAULT WANT BOUND PATTERN RULE: one dispatch under RULE; then exactly
# one new run if it succeeded, at most one if it failed: never two.
dcase() {
	local before after v0=$PROXY_V0
	# A repository of its own: the last case's run is not a stranger's.
	GH_REPO_NAME=f$BATS_TEST_NUMBER-$RANDOM gh_setup
	PROXY_V0=$v0
	ghfault "$5"
	before=$(runs)
	case_run gh-dispatch "$1" "$2" "$3" "$4" -- dispatch
	sim DELETE /_sim/faults >/dev/null
	after=$(runs)
	if (($2 == 0 && after != before + 1)) || ((after > before + 1)); then
		echo "gh-dispatch / $1: $((after - before)) runs" >&2
		sed -i '$ s/\tok$/\tFAIL: '"$((after - before))"' runs/' "$FAULTS_OUT"
		return 1
	fi
	sed -i '$ s/\tok$/\tok, '"$((after - before))"' run/' "$FAULTS_OUT"
}

D='"method":"POST","path":"/dispatches$"'

@test "gh-dispatch under faults: never two runs" {
	dcase "502 (GitHub's HTML page)" 0 15 '' "{$D,\"kind\":\"status\",\"status\":502}"
	dcase "503 twice" 0 15 '' "{$D,\"kind\":\"status\",\"status\":503,\"count\":2}"
	dcase "secondary rate limit, Retry-After 1" 0 15 '' "{$D,\"kind\":\"secondary\",\"retry_after\":1}"
	dcase "429, Retry-After 1" 0 15 '' "{$D,\"kind\":\"secondary\",\"status\":429,\"retry_after\":1}"
	dcase "reset before it was done" 0 15 '' "{$D,\"kind\":\"reset\"}"
	dcase "dropped after it was done" 0 70 '' "{$D,\"kind\":\"drop\",\"after\":true}"
	dcase "502 after it was done" 0 70 '' "{$D,\"kind\":\"status\",\"status\":502,\"after\":true}"
	dcase "slow answer (3 s)" 0 15 '' "{$D,\"kind\":\"slow\",\"delay\":3}"
	dcase "malformed JSON (200)" 0 70 '' "{$D,\"kind\":\"malformed\"}"
	dcase "503 on every attempt" 3 70 'no answer|503' "{$D,\"kind\":\"status\",\"status\":503,\"count\":50}"
	dcase "bad credentials (401)" 1 15 'Bad credentials|401|token' "{$D,\"kind\":\"status\",\"status\":401}"
}

@test "gh-dispatch: a 50 MB answer to a dispatch is not swallowed, nor dispatched again" {
	local before
	before=$(runs)
	fault "$PROXY_GH" '{"method":"POST","path":"/dispatches$","action":"huge","count":50}'
	GITHUB_API_URL=$PROXY_GH case_run gh-dispatch "50 MB answer to the dispatch" 0 30 '' -- dispatch
	assert_equal "$(runs)" $((before + 1))
}

# A finished run to wait for, and gh-wait on it under RULE.
wcase() {
	local out=$BATS_TEST_TMPDIR/dispatch.json
	sim DELETE /_sim/faults >/dev/null
	dispatch >"$out"
	ghfault "$5"
	case_run gh-wait "$1" "$2" "$3" "$4" -- gh-wait --interval 1s --timeout "${TIMEOUT:-60s}" --url \
		"$(jq -r .run_url "$out")"
}

R='"method":"GET","path":"/actions/runs/[0-9]+$"'

@test "gh-wait under faults" {
	wcase "500 three times" 0 20 '' "{$R,\"kind\":\"status\",\"status\":500,\"count\":3}"
	wcase "502 (GitHub's HTML page)" 0 20 '' "{$R,\"kind\":\"status\",\"status\":502}"
	wcase "secondary rate limit, Retry-After 1" 0 20 '' "{$R,\"kind\":\"secondary\",\"retry_after\":1}"
	wcase "reset" 0 20 '' "{$R,\"kind\":\"reset\"}"
	wcase "dropped" 0 20 '' "{$R,\"kind\":\"drop\"}"
	wcase "malformed JSON (200)" 0 20 '' "{$R,\"kind\":\"malformed\"}"
	wcase "slow answer (3 s)" 0 20 '' "{$R,\"kind\":\"slow\",\"delay\":3}"
	wcase "bad credentials (401)" 1 15 'Bad credentials|401|token' "{$R,\"kind\":\"status\",\"status\":401}"
	wcase "503 on every attempt" 3 90 '503|server error' "{$R,\"kind\":\"status\",\"status\":503,\"count\":100}"
	TIMEOUT=3s wcase "stalls past --timeout 3s" 124 8 'timed out|timeout' "{$R,\"kind\":\"slow\",\"delay\":30,\"count\":5}"
}

@test "gh-wait: a 50 MB answer is refused, not swallowed" {
	local out=$BATS_TEST_TMPDIR/dispatch.json
	dispatch >"$out"
	fault "$PROXY_GH" '{"method":"GET","path":"/actions/runs/","action":"huge","count":50}'
	GITHUB_API_URL=$PROXY_GH case_run gh-wait "50 MB body" 3 40 'too large|large' -- \
		gh-wait --interval 1s --repo "$REPO" --run-id "$(jq -r .run_id "$out")"
}

A='"method":"POST","path":"/access_tokens$"'

@test "gh-app-token under faults" {
	local t=(gh-app-token --app-id 4242 --repo "$REPO" --private-key-file "$BATS_FILE_TMPDIR/app.pem")
	acase() {
		ghfault "$5"
		case_run gh-app-token "$1" "$2" "$3" "$4" -- "${t[@]}"
	}
	acase "502 (GitHub's HTML page)" 0 15 '' "{$A,\"kind\":\"status\",\"status\":502}"
	acase "503 twice" 0 15 '' "{$A,\"kind\":\"status\",\"status\":503,\"count\":2}"
	acase "secondary rate limit, Retry-After 1" 0 15 '' "{$A,\"kind\":\"secondary\",\"retry_after\":1}"
	acase "reset" 0 15 '' "{$A,\"kind\":\"reset\"}"
	acase "dropped after it was done" 0 15 '' "{$A,\"kind\":\"drop\",\"after\":true}"
	acase "malformed JSON (200)" 0 15 '' "{$A,\"kind\":\"malformed\"}"
	acase "slow answer (3 s)" 0 15 '' "{$A,\"kind\":\"slow\",\"delay\":3}"
	acase "503 on every attempt" 3 60 '503|server error' "{$A,\"kind\":\"status\",\"status\":503,\"count\":50}"
	acase "JWT refused (401)" 1 15 '401|App|key|credentials' "{$A,\"kind\":\"status\",\"status\":401}"
	sim DELETE /_sim/faults >/dev/null
	# GitHub's clock 10 minutes ahead: the JWT is signed on GitHub's time.
	sim_clock 600
	case_run gh-app-token "GitHub's clock 10 min ahead" 0 15 '' -- "${t[@]}"
	sim_clock 0
	fault "$PROXY_GH" '{"method":"POST","path":"/access_tokens$","action":"huge","count":50}'
	GITHUB_API_URL=$PROXY_GH case_run gh-app-token "50 MB body" 3 40 'large' -- "${t[@]}"
}
