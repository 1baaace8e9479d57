#!/usr/bin/env bats
# The GitHub simulator held to GitHub's API: every exchange here goes through
# the proxy that checks it against @octokit/openapi's api.github.com.json
# (gh_teardown fails a test on any violation).  Then the behaviour the
# description cannot express: rate-limit accounting, conditional requests,
# run lives, dispatch validation, faults.

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
	gh_teardown
}

# dispatch [JSON-BODY] [WORKFLOW]: POST a dispatch, print "STATUS BODY".
dispatch() {
	local body=${1:-'{"ref":"main","inputs":{"app":"web"},"return_run_details":true}'}
	api -w '\n%{http_code}' -X POST -H 'Content-Type: application/json' -d "$body" \
		"/repos/$REPO/actions/workflows/${2:-deploy.yaml}/dispatches"
}

# wait_run ID STATUS [TRIES]: poll the admin view until the run has STATUS.
wait_run() {
	local i
	for ((i = 0; i < ${3:-200}; i++)); do
		[[ $(sim_run "$1" | jq -r .status) == "$2" ]] && return 0
		sleep 0.05
	done
	echo "run $1 never reached $2" >&2
	return 1
}

@test "started on a port of its own choosing; health and both ports answer" {
	[[ $GHSIM_URL =~ ^http://127\.0\.0\.1:[0-9]+$ && $GHSIM_API != "$GHSIM_URL" ]]
	run -0 sim GET /_sim/health
	jq -e .ok <<<"$output"
	run -0 curl -sS "$GHSIM_API/_proxy/health"
}

@test "GET /repos/{o}/{r}: a full-repository with the default branch" {
	run -0 api "/repos/$REPO"
	jq -e --arg r "$REPO" '.full_name == $r and .default_branch == "main" and .private
		and (.owner.login == "org") and (.permissions.push == true)' <<<"$output"
}

@test "unknown and invisible repositories are the same 404; bad token 401" {
	run -0 api -w '\n%{http_code}' "/repos/org/does-not-exist"
	[[ ${lines[-1]} == 404 ]]
	nf=$(sed '$d' <<<"$output" | jq -c '{message, status}')
	[[ $nf == '{"message":"Not Found","status":"404"}' ]]
	sim POST /_sim/repos '{"full_name":"elsewhere/secret"}' >/dev/null
	run -0 api -w '\n%{http_code}' "/repos/elsewhere/secret"
	[[ ${lines[-1]} == 404 && $(sed '$d' <<<"$output" | jq -c '{message, status}') == "$nf" ]]
	run -0 api -w '\n%{http_code}' "/repos/elsewhere/secret/actions/runs/1"
	[[ ${lines[-1]} == 404 ]]
	TOKEN=ghp_not_a_token_we_know run -0 api -w '\n%{http_code}' "/repos/$REPO"
	[[ ${lines[-1]} == 401 ]]
	sed '$d' <<<"$output" | jq -e '.message == "Bad credentials"'
	# "token T" is accepted as well as "Bearer T".
	run -0 curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: token $TOKEN" \
		-H 'Accept: application/vnd.github+json' -H 'X-GitHub-Api-Version: 2022-11-28' \
		"$GHSIM_API/repos/$REPO"
	[[ $output == 200 ]]
}

@test "rate-limit headers; each request costs 1; /rate_limit and a 304 are free" {
	run -0 api -D "$BATS_TEST_TMPDIR/h1" -o /dev/null "/repos/$REPO"
	grep -qi '^x-ratelimit-remaining: 4999' "$BATS_TEST_TMPDIR/h1"
	grep -qi '^x-ratelimit-used: 1' "$BATS_TEST_TMPDIR/h1"
	grep -qi '^x-ratelimit-resource: core' "$BATS_TEST_TMPDIR/h1"
	grep -qi '^x-ratelimit-reset: [0-9]\{10\}' "$BATS_TEST_TMPDIR/h1"
	etag=$(sed -n 's/^etag: //Ip' "$BATS_TEST_TMPDIR/h1" | tr -d '\r')
	[[ $etag == W/\"* ]]
	run -0 api -D "$BATS_TEST_TMPDIR/h2" -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "/repos/$REPO"
	[[ $output == 304 ]]
	grep -qi '^x-ratelimit-remaining: 4999' "$BATS_TEST_TMPDIR/h2"
	run -0 api /rate_limit
	jq -e '.rate.remaining == 4999 and .resources.core.used == 1 and .resources.search.limit == 30' <<<"$output"
	api "/repos/$REPO" >/dev/null
	run -0 api /rate_limit
	jq -e '.rate.remaining == 4998' <<<"$output"
	[[ $(sim_count '.counted') == 2 && $(sim_count '.counted | not') == 3 ]]
}

@test "primary limit exhausted: 403 with remaining 0 until the reset, then a new window" {
	sim POST /_sim/rate_limit "{\"label\":\"$TOKEN_LABEL\",\"limit\":3,\"remaining\":1,\"reset_in\":1.5}" >/dev/null
	run -0 api -o /dev/null -w '%{http_code}' "/repos/$REPO"
	[[ $output == 200 ]]
	run -0 api -D "$BATS_TEST_TMPDIR/h" -w '\n%{http_code}' "/repos/$REPO"
	[[ ${lines[-1]} == 403 ]]
	sed '$d' <<<"$output" | jq -e '.message | startswith("API rate limit exceeded for user ID")'
	grep -qi '^x-ratelimit-remaining: 0' "$BATS_TEST_TMPDIR/h"
	reset=$(sed -n 's/^x-ratelimit-reset: //Ip' "$BATS_TEST_TMPDIR/h" | tr -d '\r')
	# /rate_limit still answers while exhausted.
	run -0 api /rate_limit
	jq -e --argjson r "$reset" '.rate.remaining == 0 and .rate.reset == $r' <<<"$output"
	for ((i = 0; i < 100; i++)); do
		(($(date +%s) > reset)) && break
		sleep 0.1
	done
	run -0 api -D "$BATS_TEST_TMPDIR/h" -o /dev/null -w '%{http_code}' "/repos/$REPO"
	[[ $output == 200 ]]
	grep -qi '^x-ratelimit-remaining: 2' "$BATS_TEST_TMPDIR/h"
	# As 429 when configured so.
	sim POST /_sim/config '{"rate_status":429}' >/dev/null
	sim POST /_sim/rate_limit "{\"label\":\"$TOKEN_LABEL\",\"remaining\":0}" >/dev/null
	run -0 api -o /dev/null -w '%{http_code}' "/repos/$REPO"
	sim POST /_sim/config '{"rate_status":403}' >/dev/null
	[[ $output == 429 ]]
}

@test "dispatch with return_run_details: 200 with the run's id and URLs; without: 204" {
	run -0 dispatch
	[[ ${lines[-1]} == 200 ]]
	body=$(sed '$d' <<<"$output")
	id=$(jq -r .workflow_run_id <<<"$body")
	jq -e --arg api "$GHSIM_API" --arg r "$REPO" --argjson id "$id" \
		'.run_url == "\($api)/repos/\($r)/actions/runs/\($id)" and
		 (.html_url | endswith("/\($r)/actions/runs/\($id)"))' <<<"$body"
	run -0 api "/repos/$REPO/actions/runs/$id"
	jq -e --argjson id "$id" '.id == $id and .event == "workflow_dispatch" and .head_branch == "main"
		and .display_title == "Deploy web []" and .name == "Deploy" and .actor.login == "deploy-bot"
		and (.path | startswith(".github/workflows/deploy.yaml"))' <<<"$output"
	run -0 dispatch '{"ref":"release","inputs":{"app":"web","dispatch_id":"x1"}}'
	[[ ${lines[-1]} == 204 ]]
	run -0 dispatch '{"ref":"main","inputs":{"app":"web"},"return_run_details":false}'
	[[ ${lines[-1]} == 204 ]]
	[[ $(sim_count '.path | endswith("/dispatches")') == 3 ]]
	# The run is in the list, inputs rendered into its run-name.
	run -0 api "/repos/$REPO/actions/workflows/deploy.yaml/runs?branch=release"
	jq -e '.total_count == 1 and .workflow_runs[0].display_title == "Deploy web [x1]"' <<<"$output"
}

@test "dispatch by numeric workflow id and by .github/workflows path" {
	wid=$(api "/repos/$REPO/actions/workflows/deploy.yaml" | jq .id)
	run -0 dispatch '{"ref":"main","inputs":{"app":"a"}}' "$wid"
	[[ ${lines[-1]} == 204 ]]
	run -0 api "/repos/$REPO/actions/workflows/$wid"
	jq -e '.path == ".github/workflows/deploy.yaml" and .state == "active"' <<<"$output"
}

@test "dispatch errors carry GitHub's messages" {
	check() {
		local want_status=$1 want_msg=$2 body=$3 wf=${4:-deploy.yaml}
		run -0 dispatch "$body" "$wf"
		[[ ${lines[-1]} == "$want_status" ]] || { echo "status ${lines[-1]} for $body"; return 1; }
		sed '$d' <<<"$output" | jq -e --arg m "$want_msg" '.message == $m' ||
			{ echo "got: $output"; return 1; }
	}
	check 422 'Unexpected inputs provided: ["colour", "size"]' '{"ref":"main","inputs":{"app":"a","colour":"red","size":"9"}}'
	check 422 "Required input 'app' not provided" '{"ref":"main","inputs":{"version":"1"}}'
	check 422 "Workflow does not have 'workflow_dispatch' trigger" '{"ref":"main"}' build.yaml
	check 422 "Cannot trigger a 'workflow_dispatch' on a disabled workflow" '{"ref":"main"}' old.yaml
	check 422 'No ref found for: nope' '{"ref":"nope","inputs":{"app":"a"}}'
	check 422 "Provided value 'prod' for input 'environment' not in the list of allowed values" \
		'{"ref":"main","inputs":{"app":"a","environment":"prod"}}'
	check 400 'Problems parsing JSON' '{"ref":'
	gh_violations_reset # that one was not JSON on purpose
	check 404 'Not Found' '{"ref":"main"}' nope.yaml
	# A tag is a ref too; a read-only token may not dispatch.
	run -0 dispatch '{"ref":"v1","inputs":{"app":"a"}}'
	[[ ${lines[-1]} == 204 ]]
	sim POST /_sim/tokens '{"token":"ghp_readonly","label":"ro","repos":["org/*"],"write":false}' >/dev/null
	TOKEN=ghp_readonly check 403 'Resource not accessible by personal access token' '{"ref":"main","inputs":{"app":"a"}}'
	# None of these created a run.
	[[ $(sim_count '.run_id != null') == 1 ]]
}

@test "GHES modes refuse return_run_details with 400 or 422; legacy mode answers 204" {
	sim POST /_sim/config '{"mode":"ghes400"}' >/dev/null
	run -0 dispatch
	[[ ${lines[-1]} == 400 ]]
	sed '$d' <<<"$output" | jq -e '.message | contains("\"return_run_details\" is not a permitted key")'
	run -0 dispatch '{"ref":"main","inputs":{"app":"web"}}'
	[[ ${lines[-1]} == 204 ]]
	sim POST /_sim/config '{"mode":"ghes422"}' >/dev/null
	run -0 dispatch
	[[ ${lines[-1]} == 422 ]]
	sim POST /_sim/config '{"mode":"legacy204"}' >/dev/null
	run -0 dispatch
	sim POST /_sim/config '{"mode":"dotcom"}' >/dev/null
	[[ ${lines[-1]} == 204 ]]
	[[ $(sim_count '.run_id != null') == 2 ]]
}

@test "runs list: filters (event, branch, status, created ranges) and newest first" {
	d() { dispatch "{\"ref\":\"$1\",\"inputs\":{\"app\":\"a\"}}" >/dev/null; }
	d main
	d release
	d main
	sim POST /_sim/dispatch "{\"repo\":\"$REPO\",\"workflow\":\"deploy.yaml\",\"ref\":\"main\",\"inputs\":{\"app\":\"old\"},\"created_offset\":-7200}" >/dev/null
	L=/repos/$REPO/actions/workflows/deploy.yaml/runs
	run -0 api "$L"
	jq -e '.total_count == 4 and ([.workflow_runs[].created_at] | . == (sort | reverse))
		and .workflow_runs[-1].display_title == "Deploy old []"' <<<"$output"
	run -0 api "$L?event=workflow_dispatch&branch=main"
	jq -e '.total_count == 3' <<<"$output"
	run -0 api "$L?event=push"
	jq -e '.total_count == 0 and .workflow_runs == []' <<<"$output"
	run -0 api "$L?actor=someone-else"
	jq -e '.total_count == 1' <<<"$output"
	since=$(date -u -d '-60 seconds' +%Y-%m-%dT%H:%M:%SZ)
	run -0 api -G --data-urlencode "created=>=$since" "$L"
	jq -e '.total_count == 3' <<<"$output"
	run -0 api -G --data-urlencode "created=<$since" "$L"
	jq -e '.total_count == 1' <<<"$output"
	run -0 api -G --data-urlencode "created=$since..*" "$L"
	jq -e '.total_count == 3' <<<"$output"
	run -0 api -G --data-urlencode "created=$(date -u +%Y-%m-%d)" "$L"
	jq -e '.total_count >= 3' <<<"$output"
	wait_run "$(jq -r '.workflow_runs[0].id' <<<"$output")" completed
	run -0 api "$L?status=success"
	jq -e '.total_count >= 1 and all(.workflow_runs[]; .conclusion == "success")' <<<"$output"
	run -0 api "$L?status=completed"
	jq -e 'all(.workflow_runs[]; .status == "completed")' <<<"$output"
}

@test "runs list pagination: per_page, page, Link with next/last/prev/first" {
	for i in 1 2 3 4 5; do
		sim POST /_sim/dispatch "{\"repo\":\"$REPO\",\"workflow\":\"deploy.yaml\",\"inputs\":{\"app\":\"a$i\"}}" >/dev/null
	done
	L=/repos/$REPO/actions/workflows/deploy.yaml/runs
	run -0 api -D "$BATS_TEST_TMPDIR/h" "$L?per_page=2"
	jq -e '.total_count == 5 and (.workflow_runs | length) == 2' <<<"$output"
	link=$(sed -n 's/^link: //Ip' "$BATS_TEST_TMPDIR/h" | tr -d '\r')
	[[ $link == *'page=2>; rel="next"'* && $link == *'page=3>; rel="last"'* && $link != *prev* ]]
	[[ $link == "<$GHSIM_API$L?per_page=2&page=2>"* ]]
	run -0 api -D "$BATS_TEST_TMPDIR/h" "$L?per_page=2&page=3"
	jq -e '(.workflow_runs | length) == 1' <<<"$output"
	link=$(sed -n 's/^link: //Ip' "$BATS_TEST_TMPDIR/h" | tr -d '\r')
	[[ $link == *'page=2>; rel="prev"'* && $link == *'page=1>; rel="first"'* && $link != *next* ]]
	# Every run exactly once across the pages.
	ids=$(for p in 1 2 3; do api "$L?per_page=2&page=$p" | jq '.workflow_runs[].id'; done | sort -u | wc -l)
	[[ $ids == 5 ]]
	# One page: no Link at all; per_page is capped at 100.
	run -0 api -D "$BATS_TEST_TMPDIR/h" "$L?per_page=500"
	run ! grep -qi '^link:' "$BATS_TEST_TMPDIR/h"
}

@test "a run's life: queued, in_progress, completed; updated_at and ETag follow each change" {
	sim_script deploy.yaml '{"queue":10,"jobs":[{"name":"build","steps":[{"name":"one","seconds":10},{"name":"two","seconds":10}]}]}'
	id=$(dispatch | sed '$d' | jq .workflow_run_id)
	R=/repos/$REPO/actions/runs/$id
	run -0 api "$R"
	jq -e '.status == "queued" and .conclusion == null and .run_started_at == .created_at' <<<"$output"
	run -0 api "$R/jobs"
	jq -e '.total_count == 1 and .jobs[0].status == "queued" and .jobs[0].steps == []' <<<"$output"
	wait_run "$id" in_progress
	run -0 api "$R/jobs"
	jq -e '.jobs[0].status == "in_progress" and .jobs[0].steps[0].status == "in_progress"
		and .jobs[0].steps[1].status == "queued" and .jobs[0].runner_name != null' <<<"$output"
	wait_run "$id" completed
	run -0 api "$R"
	jq -e '.status == "completed" and .conclusion == "success" and .updated_at >= .run_started_at' <<<"$output"
	run -0 api "$R/jobs"
	jq -e '.jobs[0].conclusion == "success" and ([.jobs[0].steps[].conclusion] == ["success","success"])
		and .jobs[0].completed_at != null' <<<"$output"
	# Times: 2 s in all at scale 20 (0.5 queued, 1.5 running), whole seconds.
	tl=$(sim_run "$id")
	jq -e '(.completed - .created) > 1.4 and (.completed - .created) < 1.6' <<<"$tl"
}

@test "steps that run a command: inputs in INPUT_*, exit status is the conclusion, output kept" {
	sim_script deploy.yaml '{"queue":0,"jobs":[{"name":"deploy","steps":[
		{"name":"hello","run":"echo \"hello $INPUT_APP on $GITHUB_REF_NAME, run $GITHUB_RUN_ID\"; sleep 0.3"},
		{"name":"fail","run":"echo broken >&2; exit 3"},
		{"name":"never","run":"echo should not run"}]}]}'
	id=$(dispatch '{"ref":"main","inputs":{"app":"web"},"return_run_details":true}' | sed '$d' | jq .workflow_run_id)
	wait_run "$id" completed
	run -0 sim_run "$id"
	jq -e --arg id "$id" '.output == ["hello: hello web on main, run \($id)", "fail: broken"]' <<<"$output"
	jq -e '.jobs[0].end - .jobs[0].start >= 0.3' <<<"$output"
	run -0 api "/repos/$REPO/actions/runs/$id/jobs"
	jq -e '[.jobs[0].steps[].conclusion] == ["success","failure","skipped"] and .jobs[0].conclusion == "failure"' <<<"$output"
	[[ $(api "/repos/$REPO/actions/runs/$id" | jq -r .conclusion) == failure ]]
	# --log: every API request, one JSON line each.
	n=$(wc -l <"$GHSIM_DIR/requests.jsonl")
	((n >= 3))
	tail -n 1 "$GHSIM_DIR/requests.jsonl" | jq -e --arg id "$id" '.seq > 0 and (.path | endswith("/runs/\($id)"))'
}

@test "cancel while queued: cancelled at once, never started" {
	sim_script deploy.yaml '{"queue":200,"jobs":[{"name":"j","steps":[{"name":"s","seconds":1}]}]}'
	id=$(dispatch | sed '$d' | jq .workflow_run_id)
	run -0 api -o /dev/null -w '%{http_code}' -X POST "/repos/$REPO/actions/runs/$id/cancel"
	[[ $output == 202 ]]
	run -0 api "/repos/$REPO/actions/runs/$id"
	jq -e '.status == "completed" and .conclusion == "cancelled"' <<<"$output"
	run -0 api "/repos/$REPO/actions/runs/$id/jobs"
	jq -e '.jobs[0].conclusion == "cancelled" and .jobs[0].steps == []' <<<"$output"
}

@test "conditional polling: 304 while unchanged, 200 with a new ETag on change, 304s are free" {
	sim_script deploy.yaml '{"queue":20,"jobs":[{"name":"j","steps":[{"name":"s","seconds":20}]}]}'
	id=$(dispatch | sed '$d' | jq .workflow_run_id)
	R=/repos/$REPO/actions/runs/$id
	etag=$(api -D - -o /dev/null "$R" | sed -n 's/^etag: //Ip' | tr -d '\r')
	changes=1 polls=0
	while [[ $(sim_run "$id" | jq -r .status) != completed ]] && ((polls < 200)); do
		code=$(api -D "$BATS_TEST_TMPDIR/h" -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$R")
		new=$(sed -n 's/^etag: //Ip' "$BATS_TEST_TMPDIR/h" | tr -d '\r')
		if [[ $code == 200 ]]; then
			[[ $new != "$etag" ]]
			changes=$((changes + 1))
		else
			[[ $code == 304 && $new == "$etag" ]]
		fi
		etag=$new polls=$((polls + 1))
		sleep 0.05
	done
	api -o /dev/null "$R"
	# queued -> in_progress (and step start) -> completed: a few changes,
	# many polls, only the 200s counted.
	((changes >= 2 && changes <= 5 && polls > changes))
	[[ $(sim_count '.counted') == $((changes + 2)) ]] # + dispatch + last GET
	[[ $(sim_count '.status == 304 and (.counted | not)') == $((polls - changes + 1)) ]]
}

@test "run_updates: step transitions change the run's ETag only in the steps model" {
	distinct() {
		local id etags=() i
		sim_script deploy.yaml '{"queue":0,"jobs":[{"name":"j","steps":[{"name":"a","seconds":30},{"name":"b","seconds":30}]}]}'
		id=$(dispatch | sed '$d' | jq .workflow_run_id)
		for ((i = 0; i < 100; i++)); do
			etags+=("$(api -D - -o /dev/null "/repos/$REPO/actions/runs/$id" | sed -n 's/^etag: //Ip' | tr -d '\r')")
			[[ $(sim_run "$id" | jq -r .status) == completed ]] && break
			sleep 0.1
		done
		etags+=("$(api -D - -o /dev/null "/repos/$REPO/actions/runs/$id" | sed -n 's/^etag: //Ip' | tr -d '\r')")
		printf '%s\n' "${etags[@]}" | sort -u | wc -l
	}
	[[ $(distinct) == 2 ]] # in_progress, completed: the default, "jobs"
	sim POST /_sim/config '{"run_updates":"steps"}' >/dev/null
	n=$(distinct)
	sim POST /_sim/config '{"run_updates":"jobs"}' >/dev/null
	[[ $n == 3 ]] # and step b's start
}

@test "a failed step: later steps skipped, job and run failure; a needing job skipped" {
	sim_script deploy.yaml '{"queue":0,"jobs":[
		{"name":"build","steps":[{"name":"compile","seconds":2},{"name":"test","seconds":2,"conclusion":"failure"},{"name":"upload","seconds":2}]},
		{"name":"lint","steps":[{"name":"lint","seconds":1}]},
		{"name":"deploy","needs":["build"],"steps":[{"name":"apply","seconds":1}]}]}'
	id=$(dispatch | sed '$d' | jq .workflow_run_id)
	wait_run "$id" completed
	run -0 api "/repos/$REPO/actions/runs/$id"
	jq -e '.conclusion == "failure"' <<<"$output"
	run -0 api "/repos/$REPO/actions/runs/$id/jobs"
	jq -e '[.jobs[] | {(.name): .conclusion}] | add == {"build":"failure","lint":"success","deploy":"skipped"}' <<<"$output"
	jq -e '[.jobs[] | select(.name == "build") | .steps[] | .conclusion] == ["success","failure","skipped"]' <<<"$output"
	jq -e '.jobs[] | select(.name == "build") | .steps[1] | .name == "test" and .number == 2' <<<"$output"
}

@test "jobs list pagination" {
	sim_script deploy.yaml "$(jq -nc '{queue:0, jobs: [range(5) | {name: "job\(.)", steps: [{name: "s", seconds: 1}]}]}')"
	id=$(dispatch | sed '$d' | jq .workflow_run_id)
	run -0 api -D "$BATS_TEST_TMPDIR/h" "/repos/$REPO/actions/runs/$id/jobs?per_page=2&page=2"
	jq -e '.total_count == 5 and ([.jobs[].name] == ["job2","job3"])' <<<"$output"
	grep -qi '^link: .*rel="next"' "$BATS_TEST_TMPDIR/h"
}

@test "run conclusions set by the script: cancelled, timed_out, action_required, neutral, skipped, stale, startup_failure" {
	for c in cancelled timed_out action_required neutral skipped stale startup_failure; do
		sim_script deploy.yaml "{\"queue\":0,\"conclusion\":\"$c\",\"jobs\":[{\"name\":\"j\",\"steps\":[{\"name\":\"s\",\"seconds\":1}]}]}"
		id=$(dispatch | sed '$d' | jq .workflow_run_id)
		wait_run "$id" completed
		run -0 api "/repos/$REPO/actions/runs/$id"
		jq -e --arg c "$c" '.status == "completed" and .conclusion == $c' <<<"$output"
	done
	# A step that timed out makes the job and the run timed_out.
	sim_script deploy.yaml '{"queue":0,"jobs":[{"name":"j","steps":[{"name":"slow","seconds":1,"conclusion":"timed_out"}]}]}'
	id=$(dispatch | sed '$d' | jq .workflow_run_id)
	wait_run "$id" completed
	run -0 api "/repos/$REPO/actions/runs/$id/jobs"
	jq -e '.jobs[0].conclusion == "timed_out"' <<<"$output"
	[[ $(api "/repos/$REPO/actions/runs/$id" | jq -r .conclusion) == timed_out ]]
}

@test "waiting for approval: status waiting, pending_deployments names the environment, then approved" {
	sim_script deploy.yaml '{"queue":0,"jobs":[{"name":"build","steps":[{"name":"b","seconds":2}]},
		{"name":"deploy","needs":["build"],"environment":"production","steps":[{"name":"apply","seconds":2}]}]}'
	id=$(dispatch | sed '$d' | jq .workflow_run_id)
	R=/repos/$REPO/actions/runs/$id
	run -0 api "$R/pending_deployments"
	[[ $output == *'[]'* ]]
	wait_run "$id" waiting
	run -0 api "$R"
	jq -e '.status == "waiting" and .conclusion == null' <<<"$output"
	run -0 api "$R/pending_deployments"
	jq -e 'length == 1 and .[0].environment.name == "production" and .[0].wait_timer == 0
		and .[0].reviewers[0].type == "User"' <<<"$output"
	run -0 api "$R/jobs"
	jq -e '[.jobs[].status] == ["completed","waiting"]' <<<"$output"
	sim POST "/_sim/runs/$id/approve" '{"environment":"production"}' >/dev/null
	wait_run "$id" completed
	run -0 api "$R"
	jq -e '.conclusion == "success"' <<<"$output"
	run -0 api "$R/pending_deployments"
	[[ $(jq length <<<"$output") == 0 ]]
}

@test "a rejected deployment fails the run" {
	sim_script deploy.yaml '{"queue":0,"jobs":[{"name":"deploy","environment":"production","steps":[{"name":"apply","seconds":2}]}]}'
	id=$(dispatch | sed '$d' | jq .workflow_run_id)
	wait_run "$id" waiting
	sim POST "/_sim/runs/$id/reject" '{}' >/dev/null
	wait_run "$id" completed
	[[ $(api "/repos/$REPO/actions/runs/$id" | jq -r .conclusion) == failure ]]
}

@test "cancel: 202 and the run ends cancelled; 409 once completed" {
	sim_script deploy.yaml '{"queue":0,"jobs":[{"name":"j","steps":[{"name":"a","seconds":2},{"name":"long","seconds":600},{"name":"c","seconds":1}]}]}'
	id=$(dispatch | sed '$d' | jq .workflow_run_id)
	R=/repos/$REPO/actions/runs/$id
	wait_run "$id" in_progress
	run -0 api -w '\n%{http_code}' -X POST "$R/cancel"
	[[ ${lines[-1]} == 202 ]]
	[[ $(sed '$d' <<<"$output" | jq -c .) == '{}' ]]
	wait_run "$id" completed
	run -0 api "$R"
	jq -e '.conclusion == "cancelled"' <<<"$output"
	run -0 api "$R/jobs"
	jq -e '.jobs[0].conclusion == "cancelled" and (.jobs[0].steps | map(.status) | all(. == "completed"))' <<<"$output"
	run -0 api -w '\n%{http_code}' -X POST "$R/cancel"
	[[ ${lines[-1]} == 409 ]]
	sed '$d' <<<"$output" | jq -e '.message == "Cannot cancel a workflow run that is completed."'
	sim_run "$id" | jq -e '.cancel_requested != null'
}

@test "another actor's concurrent run, started by a fault rule beside a dispatch" {
	sim_faults '{"kind":"concurrent","path":"/dispatches$","actor":"octocat","inputs":{"app":"web","dispatch_id":"theirs"}}'
	run -0 dispatch '{"ref":"main","inputs":{"app":"web","dispatch_id":"mine"}}'
	[[ ${lines[-1]} == 204 ]]
	run -0 api "/repos/$REPO/actions/workflows/deploy.yaml/runs?event=workflow_dispatch&branch=main"
	jq -e '.total_count == 2 and ([.workflow_runs[].display_title] | sort == ["Deploy web [mine]","Deploy web [theirs]"])
		and ([.workflow_runs[].actor.login] | sort == ["deploy-bot","octocat"])' <<<"$output"
}

@test "list lag: a new run shows in the list only after list_lag; GET by id at once" {
	sim POST /_sim/config '{"list_lag":0.6}' >/dev/null
	id=$(dispatch | sed '$d' | jq .workflow_run_id)
	n=$(api "/repos/$REPO/actions/workflows/deploy.yaml/runs" | jq .total_count)
	code=$(api -o /dev/null -w '%{http_code}' "/repos/$REPO/actions/runs/$id")
	sleep 0.7
	m=$(api "/repos/$REPO/actions/workflows/deploy.yaml/runs" | jq .total_count)
	sim POST /_sim/config '{"list_lag":0}' >/dev/null
	[[ $n == 0 && $code == 200 && $m == 1 ]]
}

@test "faults: a burst of 5xx, then normal answers; 502 is GitHub's HTML page" {
	sim_faults '{"kind":"status","status":503,"count":2,"path":"^/repos/"}' '{"kind":"status","status":502,"path":"^/repos/"}'
	codes=$(for i in 1 2 3 4; do api -o "$BATS_TEST_TMPDIR/b$i" -w '%{http_code} ' "/repos/$REPO"; done)
	[[ $codes == '503 503 502 200 ' ]]
	jq -e '.message == "Server Error"' "$BATS_TEST_TMPDIR/b1"
	grep -q 'Unicorn' "$BATS_TEST_TMPDIR/b3"
	# Faults are not counted against the rate limit.
	[[ $(sim_count '.counted') == 1 ]]
}

@test "faults: secondary rate limit, 403 with retry-after and remaining left" {
	sim_faults '{"kind":"secondary","retry_after":7}'
	run -0 api -D "$BATS_TEST_TMPDIR/h" -w '\n%{http_code}' "/repos/$REPO"
	[[ ${lines[-1]} == 403 ]]
	sed '$d' <<<"$output" | jq -e '.message | startswith("You have exceeded a secondary rate limit")'
	grep -qi '^retry-after: 7' "$BATS_TEST_TMPDIR/h"
	run ! grep -qi '^x-ratelimit-remaining: 0' "$BATS_TEST_TMPDIR/h"
}

@test "faults: dropped connection, reset, slow answer, malformed body" {
	sim_faults '{"kind":"drop"}'
	run -52 api "/repos/$REPO" # curl: empty reply from server
	sim_faults '{"kind":"reset"}'
	run api "/repos/$REPO"
	((status == 52 || status == 56))
	sim_faults '{"kind":"slow","delay":0.6}'
	t0=$(date +%s%N)
	run -0 api "/repos/$REPO"
	(($(date +%s%N) - t0 > 500000000))
	jq -e .full_name <<<"$output"
	sim_faults '{"kind":"malformed"}'
	run -0 api "/repos/$REPO"
	if jq -e . <<<"$output" >/dev/null 2>&1; then false; fi
	[[ $(sim_count '.fault != null') == 4 ]]
}

@test "faults: a 5xx after the dispatch happened; a dispatch whose run never appears" {
	sim_faults '{"kind":"status","status":500,"after":true,"path":"/dispatches$"}'
	run -0 dispatch
	[[ ${lines[-1]} == 500 ]]
	[[ $(api "/repos/$REPO/actions/workflows/deploy.yaml/runs" | jq .total_count) == 1 ]]
	sim_faults '{"kind":"vanish","path":"/dispatches$"}'
	run -0 dispatch '{"ref":"main","inputs":{"app":"web"}}'
	[[ ${lines[-1]} == 204 ]]
	[[ $(api "/repos/$REPO/actions/workflows/deploy.yaml/runs" | jq .total_count) == 1 ]]
	vanished=$(sim_log '.fault == "vanish"' | jq '.[0].run_id')
	[[ $(api -o /dev/null -w '%{http_code}' "/repos/$REPO/actions/runs/$vanished") == 404 ]]
}

@test "GHES paths: /api/v3 prefix accepted, URLs in bodies carry it" {
	run -0 api "/api/v3/repos/$REPO"
	jq -e --arg a "$GHSIM_API/api/v3" '.url | startswith($a)' <<<"$output"
	id=$(api -X POST -H 'Content-Type: application/json' -d '{"ref":"main","inputs":{"app":"x"},"return_run_details":true}' \
		"/api/v3/repos/$REPO/actions/workflows/deploy.yaml/dispatches" | jq .workflow_run_id)
	run -0 api "/api/v3/repos/$REPO/actions/runs/$id"
	jq -e --arg a "$GHSIM_API/api/v3/repos/" '.url | startswith($a)' <<<"$output"
}

@test "keep-alive: several requests on one connection" {
	run -0 curl -sS -o /dev/null -o /dev/null -o /dev/null -H "Authorization: Bearer $TOKEN" \
		-H 'Accept: application/vnd.github+json' -H 'X-GitHub-Api-Version: 2022-11-28' \
		"$GHSIM_API/repos/$REPO" "$GHSIM_API/repos/$REPO" "$GHSIM_API/rate_limit"
	[[ $(sim_log | jq '[.[].conn] | unique | length') == 1 ]]
}

@test "the request log: method, path, query, token label (never the token), headers, body" {
	dispatch '{"ref":"main","inputs":{"app":"web"}}' >/dev/null
	run -0 sim_log
	jq -e --arg l "$TOKEN_LABEL" '.[0] | .method == "POST" and .token == $l and .status == 204
		and .body.inputs.app == "web" and .api_version == "2022-11-28"
		and .accept == "application/vnd.github+json" and .counted' <<<"$output"
	[[ $output != *"$TOKEN"* ]]
}

@test "the validator catches a bad request: headers, unknown parameter, wrong types, bad body" {
	curl -sS -o /dev/null -A '' "$GHSIM_API/repos/$REPO/actions/workflows/deploy.yaml/runs?per_page=many&colour=red"
	api -o /dev/null -X POST -H 'Content-Type: application/json' \
		-d "$(jq -nc '{ref: "main", inputs: ([range(26) | {key: "k\(.)", value: "v"}] | from_entries)}')" \
		"/repos/$REPO/actions/workflows/deploy.yaml/dispatches"
	api -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"inputs":{}}' \
		"/repos/$REPO/actions/workflows/deploy.yaml/dispatches"
	api -o /dev/null "/repos/$REPO/actions/runs/not-a-number"
	run -0 curl -sS "$GHSIM_API/_proxy/violations?since=$PROXY_V0"
	v=$(jq -r '.violations[].violations[]' <<<"$output")
	for want in 'header Accept' 'header X-GitHub-Api-Version' 'header User-Agent' \
		'query parameter per_page="many"' 'query parameter colour is not in' \
		'must NOT have more than 25 properties' "must have required property 'ref'" \
		'path parameter run_id="not-a-number"'; do
		[[ $v == *"$want"* ]] || { echo "not flagged: $want in $v"; false; }
	done
	gh_violations_reset
}

@test "the validator catches a bad answer: wrong types, missing fields, undocumented status, bad 304" {
	rules=(
		'{"kind":"raw","path":"/actions/runs/1$","status":200,"body":{"id":"one","status":"completed"}}'
		'{"kind":"raw","path":"/actions/runs/2$","status":201,"body":{}}'
		'{"kind":"raw","path":"/actions/runs/3$","status":304,"body":null,"headers":{}}'
		'{"kind":"raw","path":"/actions/runs/4$","status":404,"body":{"msg":7}}'
	)
	sim_faults "${rules[@]}"
	for i in 1 2 3 4; do api -o /dev/null "/repos/$REPO/actions/runs/$i"; done
	run -0 curl -sS "$GHSIM_API/_proxy/violations?since=$PROXY_V0"
	v=$(jq -r '.violations[].violations[]' <<<"$output")
	for want in '/id must be integer' "must have required property 'node_id'" \
		'status 201 is not in' '304 to a request without If-None-Match' '304 without an ETag' \
		'404 body has no "message"' 'x-ratelimit-remaining'; do
		[[ $v == *"$want"* ]] || { echo "not flagged: $want in $v"; false; }
	done
	gh_violations_reset
}
