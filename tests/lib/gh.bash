# The GitHub simulator (tests/ghsim/ghsim.py) and the proxy that checks every
# exchange against GitHub's OpenAPI description (tests/ghsim/validate-proxy.js),
# for bats files that `load lib/common` then `load lib/gh`.
#
#   setup_file:    ghsim_start [TIME_SCALE]     one simulator + proxy per file
#   teardown_file: ghsim_stop
#   setup:         gh_setup                     marks the logs, makes org/tN
#   teardown:      gh_teardown                  fails the test on any violation
#
# Exports GHSIM_URL (the simulator itself: admin API under /_sim/) and
# GHSIM_API (the proxy: what the tools are pointed at, GITHUB_API_URL).
# shellcheck shell=bash

GHSIM_DIR_SRC=$DK_ROOT/tests/ghsim

# ghsim_wait_file FILE [TRIES]: poll until FILE is non-empty, 0.05 s apart,
# at most TRIES times (default 200: 10 s).
ghsim_wait_file() {
	local f=$1 tries=${2:-200} i
	for ((i = 0; i < tries; i++)); do
		[[ -s $f ]] && return 0
		sleep 0.05
	done
	echo "$f: not written after $tries tries" >&2
	return 1
}

# ghsim_start [TIME_SCALE]: start the simulator (time scale default 20: a
# scripted minute lasts 3 s) and the validating proxy in front of it, both on
# loopback ports they choose themselves (no race for a free port).
ghsim_start() {
	local scale=${1:-20} dir
	if [[ ! -f $DK_ROOT/node_modules/@octokit/openapi/generated/api.github.com.json ]]; then
		echo "node_modules/@octokit/openapi missing: run 'npm ci' in $DK_ROOT" >&2
		return 1
	fi
	dir=$BATS_FILE_TMPDIR/ghsim
	mkdir -p "$dir"
	GHSIM_DIR=$dir
	(cd "$DK_ROOT" && node tests/ghsim/trim-spec.js "$dir/spec.json") || return 1
	python3 "$GHSIM_DIR_SRC/ghsim.py" --time-scale "$scale" --port-file "$dir/sim.port" \
		--log "$dir/requests.jsonl" >"$dir/sim.out" 2>"$dir/sim.err" &
	echo $! >"$dir/sim.pid"
	ghsim_wait_file "$dir/sim.port" || return 1
	GHSIM_URL=http://127.0.0.1:$(cat "$dir/sim.port")
	(cd "$DK_ROOT" && exec node tests/ghsim/validate-proxy.js --upstream "$GHSIM_URL" \
		--spec "$dir/spec.json" --port-file "$dir/proxy.port" --log "$dir/violations.jsonl") \
		>"$dir/proxy.out" 2>"$dir/proxy.err" &
	echo $! >"$dir/proxy.pid"
	ghsim_wait_file "$dir/proxy.port" || return 1
	GHSIM_API=http://127.0.0.1:$(cat "$dir/proxy.port")
	export GHSIM_DIR GHSIM_URL GHSIM_API
}

ghsim_stop() {
	kill_pid "$GHSIM_DIR/proxy.pid"
	kill_pid "$GHSIM_DIR/sim.pid"
}

# sim METHOD PATH [JSON]: call the simulator's admin API; prints the answer,
# fails on a non-2xx.
sim() {
	local method=$1 path=$2 data=${3:-}
	if [[ -n $data ]]; then
		curl -sS --fail-with-body -X "$method" -H 'Content-Type: application/json' \
			--data-binary "$data" "$GHSIM_URL$path"
	else
		curl -sS --fail-with-body -X "$method" "$GHSIM_URL$path"
	fi
}

# The standard repository of a test: org/t$BATS_TEST_NUMBER (override with
# GH_REPO_NAME before gh_setup), default branch main (GH_DEFAULT_BRANCH),
# branches main and release, a tag v1, and
#   deploy.yaml   inputs app (required), version, environment (choice,
#                 default staging), dispatch_id; run-name "Deploy APP [ID]"
#   build.yaml    no workflow_dispatch trigger
#   old.yaml      disabled
# and a token that sees org/* only.  Exports REPO, TOKEN, TOKEN_LABEL.
gh_setup() {
	REPO=org/${GH_REPO_NAME:-t$BATS_TEST_NUMBER}
	TOKEN_LABEL=tok-${BATS_TEST_NUMBER}-$RANDOM
	TOKEN=ghp_ghsimTEST${RANDOM}x${BATS_TEST_NUMBER}Secret
	export REPO TOKEN TOKEN_LABEL
	sim POST /_sim/repos "$(jq -nc --arg r "$REPO" --arg b "${GH_DEFAULT_BRANCH:-main}" '{
		full_name: $r, default_branch: $b, branches: ["main", "release"], tags: ["v1"],
		workflows: [
			{file: "deploy.yaml", name: "Deploy",
			 run_name: "Deploy ${{ inputs.app }} [${{ inputs.dispatch_id }}]",
			 inputs: {app: {required: true}, version: {},
				  environment: {type: "choice", options: ["staging", "production"], default: "staging"},
				  dispatch_id: {}}},
			{file: "build.yaml", name: "Build", dispatch: false},
			{file: "old.yaml", name: "Old", state: "disabled_manually"}]}')" >/dev/null
	sim POST /_sim/tokens "$(jq -nc --arg t "$TOKEN" --arg l "$TOKEN_LABEL" \
		'{token: $t, label: $l, login: "deploy-bot", repos: ["org/*"]}')" >/dev/null
	GHSIM_SEQ0=$(sim GET "/_sim/log?since=999999999" | jq .next)
	PROXY_V0=$(curl -sS "$GHSIM_API/_proxy/violations?since=999999999" | jq .count)
	export GHSIM_SEQ0 PROXY_V0
	gh_env
}

# gh_env: the tools' environment: the proxy as API, this test's token.
gh_env() {
	unset GITHUB_TOKEN GH_ENTERPRISE_TOKEN GITHUB_ENTERPRISE_TOKEN GH_HOST GITHUB_ACTIONS
	export GITHUB_API_URL=$GHSIM_API GH_TOKEN=$TOKEN
}

# gh_teardown: fail the test when the proxy saw anything GitHub's description
# does not allow (requests from the tools, answers from the simulator).
gh_teardown() {
	local v
	v=$(curl -sS "$GHSIM_API/_proxy/violations?since=$PROXY_V0") || return 1
	if [[ $(jq '.violations | length' <<<"$v") != 0 ]]; then
		echo "OpenAPI violations in this test:" >&2
		jq -c '.violations[]' <<<"$v" >&2
		return 1
	fi
}

# gh_violations_reset: forget violations so far (for tests that make them
# on purpose).
gh_violations_reset() {
	PROXY_V0=$(curl -sS "$GHSIM_API/_proxy/violations?since=999999999" | jq .count)
}

# sim_log [JQ-FILTER]: this test's API requests as a JSON array, filtered by
# a jq select expression over entries (default: all).
sim_log() {
	sim GET "/_sim/log?since=$GHSIM_SEQ0" | jq -c "[.entries[] | select(${1:-true})]"
}

# sim_count [JQ-FILTER]: how many of this test's requests match.
sim_count() {
	sim_log "${1:-true}" | jq length
}

# sim_faults RULE-JSON...: add fault rules (see tests/ghsim/ghsim.py).
sim_faults() {
	local r
	r=$(printf '%s\n' "$@" | jq -sc '{rules: .}')
	sim POST /_sim/faults "$r" >/dev/null
}

# sim_script WORKFLOW SCRIPT-JSON...: the next dispatches of WORKFLOW in REPO
# follow these scripts.
sim_script() {
	local wf=$1
	shift
	sim POST /_sim/scripts "$(printf '%s\n' "$@" | jq -sc --arg r "$REPO" --arg w "$wf" \
		'{repo: $r, workflow: $w, scripts: .}')" >/dev/null
}

# sim_run RUN_ID: the simulator's own view of a run (epoch-second timeline).
sim_run() {
	sim GET "/_sim/runs/$1"
}

# api [CURL-ARGS...] PATH: a request through the proxy as a well-behaved
# client sends it (the headers GitHub asks for, this test's token).
api() {
	local path=${*: -1}
	curl -sS -H 'Accept: application/vnd.github+json' -H 'X-GitHub-Api-Version: 2022-11-28' \
		-H "Authorization: Bearer $TOKEN" -H 'User-Agent: deploykit-tests' "${@:1:$#-1}" \
		"$GHSIM_API$path"
}

# GH_CHANGES: jq over log entries: how many GET answers brought something
# new, i.e. were 200 with an ETag other than that of the previous answer to
# the same path (the first 200 of a path counts).  A counted request that
# brought nothing new was wasted.
# shellcheck disable=SC2016,SC2089 # a jq program, not shell words
GH_CHANGES='[.[] | select(.method == "GET" and (.status == 200 or .status == 304))]
	| group_by(.path)
	| map(reduce .[] as $e ({prev: null, n: 0};
		(if $e.status == 200 and $e.etag != .prev then .n += 1 else . end) | .prev = $e.etag) | .n)
	| add // 0'
# shellcheck disable=SC2090
export GH_CHANGES

# sim_changes [JQ-FILTER]: GH_CHANGES over this test's requests.
sim_changes() {
	sim_log "${1:-true}" | jq "$GH_CHANGES"
}

# sim_app APP_ID PUBLIC_KEY_FILE [INSTALLATIONS_JSON]: register a GitHub App
# with the simulator (POST /_sim/apps); installations default to one (id 99)
# on org/* with actions: write, contents: read, metadata: read.
sim_app() {
	local inst=${3:-'[{"id":99,"account":"org","repos":["org/*"],"permissions":{"actions":"write","contents":"read","metadata":"read"}}]'}
	sim POST /_sim/apps "$(jq -nc --argjson id "$1" --rawfile k "$2" --argjson i "$inst" \
		'{app_id: $id, slug: "deployer-\($id)", public_key_pem: $k, installations: $i}')" >/dev/null
}

# sim_clock OFFSET [DATE]: the simulator's clock runs OFFSET seconds from
# ours; its Date header DATE seconds (default: OFFSET too).  sim_clock 0
# puts it back.
sim_clock() {
	sim POST /_sim/clock "$(jq -nc --argjson o "$1" --argjson d "${2:-null}" \
		'{offset: $o, date: $d}')" >/dev/null
}
