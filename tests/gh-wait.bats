#!/usr/bin/env bats
# gh-wait, black box, against the GitHub simulator (time scale 20: a scripted
# minute lasts 3 s) behind the proxy that checks every exchange against
# GitHub's OpenAPI description: each conclusion, approvals, --timeout,
# signals with and without cancel, rate limits, faults, and the cost of a
# wait in requests that count against the rate limit.

load lib/common
load lib/gh

setup_file() {
	ghsim_start 20
}

teardown_file() {
	ghsim_stop
}

setup() {
	gh_setup
}

teardown() {
	if [[ -n ${BG_PID:-} ]]; then
		kill "$BG_PID" 2>/dev/null || true
		wait "$BG_PID" 2>/dev/null || true
	fi
	sim DELETE /_sim/faults >/dev/null
	sim POST /_sim/config '{"cancel_delay":0,"run_updates":"jobs"}' >/dev/null
	gh_teardown
}

# A short successful run: 0.5 s queued, one job of two steps, 1 s.
OK_SCRIPT='{"queue":10,"jobs":[{"name":"build","steps":[{"name":"Set up job","seconds":10},{"name":"make","seconds":10}]}]}'

# start_run [SCRIPT]: a run of deploy.yaml in REPO following SCRIPT; prints its id.
start_run() {
	sim_script deploy.yaml "${1:-$OK_SCRIPT}"
	sim POST /_sim/dispatch "{\"repo\":\"$REPO\",\"workflow\":\"deploy.yaml\",\"ref\":\"main\",\"inputs\":{\"app\":\"web\"}}" | jq .run_id
}

# What gh-dispatch printed for run ID.
dispatch_json() {
	jq -nc --arg r "$REPO" --argjson id "$1" --arg api "$GHSIM_API" '{repository: $r,
		workflow: "deploy.yaml", ref: "main", run_id: $id,
		run_url: "\($api)/repos/\($r)/actions/runs/\($id)",
		html_url: "\($api)/\($r)/actions/runs/\($id)"}'
}

run_gets() {
	sim_count ".method == \"GET\" and (.path | test(\"/actions/runs/$1\$\"))"
}

# wait_for JQ-FILTER [TRIES]: poll this test's request log until a request
# matches (0.05 s apart, default 400 tries: 20 s).
wait_for() {
	local i
	for ((i = 0; i < ${2:-400}; i++)); do
		(($(sim_count "$1") > 0)) && return 0
		sleep 0.05
	done
	echo "no request matching $1" >&2
	return 1
}

# wait_pid PID [TRIES]: wait for a background process to end (0.05 s apart,
# default 400 tries); its exit status in $rc.  Kills it and fails if it
# does not end.
wait_pid() {
	local i
	for ((i = 0; i < ${2:-400}; i++)); do
		if ! kill -0 "$1" 2>/dev/null; then
			rc=0
			wait "$1" || rc=$?
			return 0
		fi
		sleep 0.05
	done
	kill -9 "$1" 2>/dev/null
	echo "process $1 did not end" >&2
	return 1
}

# assert_result STATUS CONCLUSION ID: $output is one JSON line with exactly
# the documented fields.
assert_result() {
	[[ $(wc -l <<<"$output") == 1 ]]
	jq -e --arg r "$REPO" --arg s "$1" --arg c "$2" --argjson id "$3" '
		(keys == ["completed_at","conclusion","failed_jobs","html_url","repository","run_id","started_at","status"])
		and .repository == $r and .run_id == $id and .status == $s
		and (if $c == "null" then .conclusion == null else .conclusion == $c end)
		and (.html_url | endswith("/\($r)/actions/runs/\($id)"))
		and (.failed_jobs | type == "array")
		and (.started_at | test("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$"))' <<<"$output"
}

@test "--help, --version, usage errors" {
	run -0 --separate-stderr gh-wait --help
	assert_line --index 0 --partial 'usage: gh-wait'
	run -0 gh-wait --version
	assert_output --regexp '^gh-wait \(deploykit\) '
	run -2 --separate-stderr gh-wait --no-such-option
	[[ $(sim_count) == 0 ]]
}

@test "success, from gh-dispatch's output on stdin: exit 0, the documented object" {
	id=$(start_run)
	run -0 --separate-stderr gh-wait --interval 1 <<<"$(dispatch_json "$id")"
	assert_result completed success "$id"
	jq -e '.failed_jobs == [] and (.completed_at | test("Z$")) and .completed_at >= .started_at' <<<"$output"
	tl=$(sim_run "$id")
	jq -e --argjson t "$(jq '.completed' <<<"$tl")" '.completed_at | fromdateiso8601 | . >= ($t | floor) - 1' <<<"$output"
}

@test "--repo with --run-id, and --url (the HTML URL or the API URL)" {
	id=$(start_run)
	run -0 --separate-stderr gh-wait --interval 1 --quiet --repo "$REPO" --run-id "$id"
	assert_result completed success "$id"
	[[ -z $stderr ]]
	html=$(api "/repos/$REPO/actions/runs/$id" | jq -r .html_url)
	run -0 --separate-stderr gh-wait --interval 1 --quiet --url "$html"
	assert_result completed success "$id"
	run -0 --separate-stderr gh-wait --interval 1 --quiet --url "$GHSIM_API/repos/$REPO/actions/runs/$id"
	assert_result completed success "$id"
}

@test "failure: exit 1, names the failed job, step and the run's URL; the object on stdout" {
	id=$(start_run '{"queue":0,"jobs":[
		{"name":"build","steps":[{"name":"compile","seconds":5},{"name":"unit tests","seconds":5,"conclusion":"failure"},{"name":"upload","seconds":5}]},
		{"name":"lint","steps":[{"name":"lint","seconds":5}]},
		{"name":"deploy","needs":["build"],"steps":[{"name":"apply","seconds":5}]}]}')
	run -1 --separate-stderr gh-wait --interval 1 --repo "$REPO" --run-id "$id"
	assert_result completed failure "$id"
	jq -e '.failed_jobs | tostring | contains("build") and (contains("lint") | not) and (contains("deploy") | not)' <<<"$output"
	html=$(jq -r .html_url <<<"$output")
	[[ $stderr == *build* && $stderr == *"unit tests"* && $stderr == *"$html"* ]]
	[[ $stderr == *gh-wait:* ]]
}

@test "every other conclusion exits 1 with the object on stdout" {
	for c in cancelled timed_out action_required neutral skipped stale startup_failure; do
		id=$(start_run "{\"queue\":0,\"conclusion\":\"$c\",\"jobs\":[{\"name\":\"j\",\"steps\":[{\"name\":\"s\",\"seconds\":1}]}]}")
		# Already over when gh-wait starts: this is about reading conclusions.
		for ((i = 0; i < 100; i++)); do
			[[ $(sim_run "$id" | jq -r .status) == completed ]] && break
			sleep 0.02
		done
		run -1 --separate-stderr gh-wait --interval 1 --quiet --repo "$REPO" --run-id "$id"
		assert_result completed "$c" "$id" || { echo "for $c: $output"; false; }
		[[ $stderr == *"$c"* || $stderr == *"${c//_/ }"* ]] || { echo "for $c: $stderr"; false; }
	done
}

@test "a timed-out step: exit 1, failed_jobs names the job" {
	id=$(start_run '{"queue":0,"jobs":[{"name":"migrate","steps":[{"name":"run migrations","seconds":4,"conclusion":"timed_out"}]}]}')
	run -1 --separate-stderr gh-wait --interval 1 --repo "$REPO" --run-id "$id"
	assert_result completed timed_out "$id"
	jq -e '.failed_jobs | tostring | contains("migrate")' <<<"$output"
	[[ $stderr == *migrate* && $stderr == *"run migrations"* ]]
}

@test "waiting for approval: says which environment, then goes on once approved" {
	id=$(start_run '{"queue":0,"jobs":[{"name":"build","steps":[{"name":"b","seconds":4}]},
		{"name":"deploy","needs":["build"],"environment":"production","steps":[{"name":"apply","seconds":10}]}]}')
	(
		for ((i = 0; i < 400; i++)); do
			[[ $(sim_run "$id" | jq -r .status) == waiting ]] && break
			sleep 0.05
		done
		# Let gh-wait see the waiting state for a while.
		for ((i = 0; i < 400; i++)); do
			(($(sim_count '.path | endswith("/pending_deployments")') > 0)) && break
			sleep 0.05
		done
		sleep 1.5
		sim POST "/_sim/runs/$id/approve" '{"environment":"production"}' >/dev/null
	) &
	BG_PID=$!
	run -0 --separate-stderr gh-wait --interval 1 --repo "$REPO" --run-id "$id"
	assert_result completed success "$id"
	[[ $stderr == *"waiting for approval of environment production"* ]]
	[[ $(grep -c 'waiting for approval of environment production' <<<"$stderr") == 1 ]]
}

@test "--quiet: nothing on stderr, even while waiting for approval" {
	id=$(start_run '{"queue":0,"jobs":[{"name":"deploy","environment":"production","approve_after":20,"steps":[{"name":"apply","seconds":4}]}]}')
	run -0 --separate-stderr gh-wait --quiet --interval 1 --repo "$REPO" --run-id "$id"
	assert_result completed success "$id"
	[[ -z $stderr ]]
}

@test "without --quiet and off a terminal: one line per change, no terminal control codes" {
	id=$(start_run '{"queue":10,"jobs":[{"name":"build","steps":[{"name":"one","seconds":20},{"name":"two","seconds":20}]}]}')
	NO_COLOR=1 run -0 --separate-stderr gh-wait --interval 1 --repo "$REPO" --run-id "$id"
	[[ $stderr != *$'\e'* && $stderr != *$'\r'* ]]
	n=$(grep -c . <<<"$stderr")
	((n >= 1))
	# No line said twice in a row: lines are changes, not polls.
	[[ -z $(uniq -d <<<"$stderr") ]]
}

@test "--timeout: exit 124 when the run does not end in time; no cancel" {
	id=$(start_run '{"queue":0,"jobs":[{"name":"j","steps":[{"name":"forever","seconds":100000}]}]}')
	t0=$(date +%s%N)
	run -124 --separate-stderr gh-wait --interval 1 --timeout 2 --repo "$REPO" --run-id "$id"
	elapsed=$((($(date +%s%N) - t0) / 1000000))
	echo "elapsed $elapsed ms"
	((elapsed >= 1900 && elapsed < 5000))
	[[ $stderr == gh-wait:* ]]
	[[ $(sim_count '.path | endswith("/cancel")') == 0 ]]
	if [[ -n $output ]]; then assert_result in_progress null "$id"; fi
}

@test "SIGINT: exit 130 at once, the run is left alone" {
	id=$(start_run '{"queue":0,"jobs":[{"name":"j","steps":[{"name":"forever","seconds":100000}]}]}')
	env --default-signal=INT gh-wait --interval 1 --repo "$REPO" --run-id "$id" \
		>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	BG_PID=$!
	wait_for ".path | test(\"/actions/runs/$id\$\")"
	kill -INT "$BG_PID"
	wait_pid "$BG_PID" 100
	BG_PID=
	[[ $rc == 130 ]]
	[[ $(sim_count '.path | endswith("/cancel")') == 0 ]]
	sim_run "$id" | jq -e '.status == "in_progress" and .cancel_requested == null'
}

@test "SIGINT with --cancel-on-interrupt: cancels the run first (202), exit 130" {
	id=$(start_run '{"queue":0,"jobs":[{"name":"j","steps":[{"name":"forever","seconds":100000}]}]}')
	env --default-signal=INT gh-wait --interval 1 --cancel-on-interrupt --repo "$REPO" --run-id "$id" \
		>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	BG_PID=$!
	wait_for ".path | test(\"/actions/runs/$id\$\")"
	kill -INT "$BG_PID"
	wait_pid "$BG_PID" 200
	BG_PID=
	cat "$BATS_TEST_TMPDIR/err"
	[[ $rc == 130 ]]
	sim_log '.path | endswith("/cancel")' | jq -e 'length == 1 and .[0].method == "POST" and .[0].status == 202'
	sim_run "$id" | jq -e '.cancel_requested != null'
	for ((i = 0; i < 100; i++)); do
		[[ $(sim_run "$id" | jq -r .status) == completed ]] && break
		sleep 0.05
	done
	[[ $(api "/repos/$REPO/actions/runs/$id" | jq -r .conclusion) == cancelled ]]
}

@test "SIGTERM with --cancel-on-interrupt on a run someone else cancelled: 409 is fine, exit 143" {
	# Cancelling takes 3 s here, so gh-wait has not seen the end yet.
	sim POST /_sim/config '{"cancel_delay":60}' >/dev/null
	id=$(start_run '{"queue":0,"jobs":[{"name":"j","steps":[{"name":"forever","seconds":100000}]}]}')
	gh-wait --interval 1 --cancel-on-interrupt --repo "$REPO" --run-id "$id" \
		>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	BG_PID=$!
	wait_for ".path | test(\"/actions/runs/$id\$\")"
	# Someone else cancels it first; gh-wait has not seen it yet.
	api -o /dev/null -X POST "/repos/$REPO/actions/runs/$id/cancel"
	kill -TERM "$BG_PID"
	wait_pid "$BG_PID" 200
	BG_PID=
	cat "$BATS_TEST_TMPDIR/err"
	[[ $rc == 143 ]]
	sim_log '.path | endswith("/cancel")' | jq -e 'map(.status) == [202, 409]'
}

# wait_cost: run gh-wait on a 2-job run and check the cost: unchanged
# polls are free 304s, every counted request brought a change but at most 3,
# jobs are fetched only when the run changed, one connection.  The 4 s step
# leaves room for unchanged polls even when a poll takes a second or more
# (under valgrind).
wait_cost() {
	id=$(start_run '{"queue":10,"jobs":[{"name":"build","steps":[{"name":"one","seconds":15},{"name":"two","seconds":15}]},
		{"name":"deploy","needs":["build"],"steps":[{"name":"apply","seconds":80},{"name":"check","seconds":5}]}]}')
	run -0 --separate-stderr gh-wait --interval 1 --repo "$REPO" --run-id "$id"
	log=$(sim_log)
	gets=$(jq --arg id "$id" '[.[] | select(.method == "GET" and (.path | endswith("/runs/\($id)")))]' <<<"$log")
	run_changes=$(jq "$GH_CHANGES" <<<"$gets")
	changes=$(jq "$GH_CHANGES" <<<"$log")
	counted=$(jq '[.[] | select(.counted)] | length' <<<"$log")
	jobs=$(jq '[.[] | select(.path | endswith("/jobs"))] | length' <<<"$log")
	echo "run GETs $(jq length <<<"$gets") ($run_changes changed), jobs GETs $jobs, changes $changes, counted $counted"
	# Every poll after the first sends If-None-Match, and unchanged ones are 304.
	jq -e '.[1:] | all(.[]; .if_none_match != null)' <<<"$gets"
	jq -e '[.[] | select(.status == 304)] | length > 0 and all(.[]; .counted | not)' <<<"$gets"
	((counted <= changes + 3))
	((jobs <= run_changes))
	jq -e '[.[].conn] | unique | length == 1' <<<"$log"
}

@test "the cost of a wait: free 304s, counted <= changes + 3, jobs only on change, one connection" {
	wait_cost
}

@test "the cost of a wait when every step changes the run (the pessimistic model)" {
	sim POST /_sim/config '{"run_updates":"steps"}' >/dev/null
	wait_cost
}

@test "--quiet: at most 5 counted requests for a wait of any length" {
	id=$(start_run '{"queue":10,"jobs":[{"name":"build","steps":[{"name":"one","seconds":20},{"name":"two","seconds":20},{"name":"three","seconds":20}]},
		{"name":"deploy","needs":["build"],"steps":[{"name":"apply","seconds":20}]}]}')
	run -0 --separate-stderr gh-wait --quiet --interval 1 --repo "$REPO" --run-id "$id"
	counted=$(sim_count '.counted')
	echo "counted $counted of $(sim_count) requests"
	((counted <= 5))
}

@test "completion is noticed within one interval" {
	id=$(start_run '{"queue":0,"jobs":[{"name":"j","steps":[{"name":"s","seconds":50}]}]}')
	run -0 --separate-stderr gh-wait --quiet --interval 1 --repo "$REPO" --run-id "$id"
	done_at=$(sim_run "$id" | jq .completed)
	noticed=$(sim_log '.status == 200' | jq --arg id "$id" '[.[] | select(.path | endswith("/runs/\($id)"))][-1].t')
	echo "completed $done_at, noticed $noticed"
	jq -ne --argjson a "$done_at" --argjson b "$noticed" '$b - $a < 1.5 and $b >= $a'
}

@test "primary rate limit exhausted mid-wait: waits for the reset, says until when, finishes" {
	id=$(start_run '{"queue":0,"jobs":[{"name":"j","steps":[{"name":"s","seconds":40}]}]}')
	sim POST /_sim/rate_limit "{\"label\":\"$TOKEN_LABEL\",\"limit\":100,\"remaining\":1,\"reset_in\":3}" >/dev/null
	run -0 --separate-stderr gh-wait --interval 1 --repo "$REPO" --run-id "$id"
	assert_result completed success "$id"
	[[ $stderr == *rate* ]]
	[[ $stderr =~ [0-9]{2}:[0-9]{2} ]]
	(($(sim_count '.status == 403') >= 1))
	# It did not hammer the API while exhausted: at most a couple of 403s.
	(($(sim_count '.status == 403') <= 3))
}

@test "secondary rate limit: honours retry-after and finishes" {
	id=$(start_run)
	sim_faults '{"kind":"secondary","retry_after":1,"path":"/actions/runs/[0-9]+$","count":2}'
	run -0 --separate-stderr gh-wait --interval 1 --repo "$REPO" --run-id "$id"
	assert_result completed success "$id"
	[[ $stderr == *rate* || $stderr == *retry* ]]
	first403=$(sim_log '.status == 403' | jq '.[0].t')
	second=$(sim_log '.status == 403' | jq '.[1].t // empty')
	[[ -z $second ]] || jq -ne --argjson a "$first403" --argjson b "$second" '$b - $a >= 0.9'
}

@test "5xx and dropped connections: backs off, finishes" {
	id=$(start_run '{"queue":0,"jobs":[{"name":"j","steps":[{"name":"s","seconds":80}]}]}')
	# Requests to the run: 502 twice, fine, dropped, then fine.
	sim_faults '{"kind":"status","status":502,"path":"/actions/runs/[0-9]+$","count":2}' \
		'{"kind":"drop","path":"/actions/runs/[0-9]+$","count":1,"skip":1}'
	run -0 --separate-stderr gh-wait --interval 1 --repo "$REPO" --run-id "$id"
	assert_result completed success "$id"
	[[ $(sim_count '.fault != null') == 3 ]]
}

@test "a malformed answer is not taken for a result" {
	id=$(start_run)
	sim_faults '{"kind":"malformed","path":"/actions/runs/[0-9]+$","count":1}'
	run --separate-stderr gh-wait --interval 1 --repo "$REPO" --run-id "$id"
	echo "exit $status: $stderr"
	# Retried (exit 0 with the real result) or given up as no usable answer.
	((status == 0 || status == 3))
	if ((status == 0)); then assert_result completed success "$id"; fi
}

@test "the server unreachable: exit 3" {
	port=$(free_port)
	GITHUB_API_URL=http://127.0.0.1:$port run -3 --separate-stderr timeout 120 gh-wait --interval 1 --repo "$REPO" --run-id 1
	[[ $stderr == gh-wait:* ]]
}

@test "bad token: exit 1, never shows it; unknown repository and run: the 404 explanation" {
	id=$(start_run)
	GH_TOKEN=ghp_revokedSECRETvalue999 run -1 --separate-stderr gh-wait --interval 1 --repo "$REPO" --run-id "$id"
	[[ $stderr == gh-wait:* && $stderr != *ghp_revokedSECRETvalue999* ]]
	[[ $stderr == *[Tt]oken* || $stderr == *credentials* ]]
	run -1 --separate-stderr gh-wait --interval 1 --repo org/no-such-repo --run-id "$id"
	[[ $stderr == *"not found, or the token cannot see it"* ]]
	run -1 --separate-stderr gh-wait --interval 1 --repo "$REPO" --run-id 999
	[[ $stderr == *"not found, or the token cannot see it"* ]]
}

@test "GITHUB_TOKEN when GH_TOKEN is unset; the token never on stderr" {
	id=$(start_run '{"queue":0,"jobs":[{"name":"j","steps":[{"name":"s","seconds":5,"conclusion":"failure"}]}]}')
	unset GH_TOKEN
	GITHUB_TOKEN=$TOKEN run -1 --separate-stderr gh-wait --interval 1 --repo "$REPO" --run-id "$id"
	[[ $stderr != *"$TOKEN"* && $output != *"$TOKEN"* ]]
	[[ $(sim_log | jq -c '[.[].token] | unique') == "[\"$TOKEN_LABEL\"]" ]]
}

@test "invalid input: exit 2, nothing sent" {
	bad() {
		run -2 --separate-stderr gh-wait "$@"
		[[ -z $output && $stderr == gh-wait:* ]] || { echo "for $*: $output / $stderr"; return 1; }
	}
	bad --repo "$REPO" --run-id abc
	bad --repo "$REPO" --run-id ''
	bad --repo noslash --run-id 5
	bad --repo "$REPO"
	bad --run-id 5
	bad --repo "$REPO" --run-id 5 --interval 1x
	bad --repo "$REPO" --run-id 5 --interval -1
	bad --repo "$REPO" --run-id 5 --timeout soon
	bad --repo "$REPO" --run-id 5 --timeout 5d
	bad --url 'https://github.com/org/infra/pulls/3'
	bad --url 'not a url'
	bad <<<'not json'
	bad <<<'{"repository":"org/infra"}'
	bad <<<'{"repository":"noslash","run_id":5}'
	bad </dev/null
	GITHUB_API_URL=http://example.com bad --repo "$REPO" --run-id 5
	[[ $(sim_count) == 0 ]]
}

@test "durations: 90, 90s, 15m, 1h are read" {
	id=$(start_run)
	for d in 90 90s 15m 1h; do
		run -0 --separate-stderr gh-wait --quiet --interval 1 --timeout "$d" --repo "$REPO" --run-id "$id"
	done
}
