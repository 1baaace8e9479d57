#!/usr/bin/env bats
# gh-dispatch, black box, against the GitHub simulator behind the proxy that
# checks every exchange against GitHub's OpenAPI description: the result
# object, the default branch, inputs, GitHub's refusals, validation before
# anything is sent, rate limits, faults (never a second dispatch after the
# first may have reached GitHub), and the GHES fallback that finds the run
# by correlation, with another actor dispatching at the same time.

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
	sim POST /_sim/config '{"mode":"dotcom","list_lag":0}' >/dev/null
	sim DELETE /_sim/faults >/dev/null
	gh_teardown
}

# The runs the simulator created in this test (by any dispatch), as a JSON
# array of ids.
runs_created() {
	sim_log '.run_id != null' | jq -c '[.[].run_id]'
}

dispatches() {
	sim_count '.method == "POST" and (.path | endswith("/dispatches"))'
}

# assert_result: $output is one JSON line, exactly the documented fields,
# for REPO, workflow $1, ref $2, run $3.
assert_result() {
	[[ $(wc -l <<<"$output") == 1 ]]
	jq -e --arg r "$REPO" --arg w "$1" --arg ref "$2" --argjson id "$3" --arg api "$GHSIM_API" '
		(keys == ["html_url","ref","repository","run_id","run_url","workflow"])
		and .repository == $r and .workflow == $w and .ref == $ref and .run_id == $id
		and .run_url == "\($api)/repos/\($r)/actions/runs/\($id)"
		and (.html_url | endswith("/\($r)/actions/runs/\($id)"))' <<<"$output"
}

@test "--help, --version, usage errors" {
	run -0 --separate-stderr gh-dispatch --help
	assert_line --index 0 --partial 'usage: gh-dispatch'
	[[ $output == *--repo* && $output == *--workflow* ]]
	run -0 gh-dispatch --version
	assert_output --regexp '^gh-dispatch \(deploykit\) '
	run -2 --separate-stderr gh-dispatch --no-such-option
	[[ $stderr == *usage:* || $stderr == gh-dispatch:* ]]
	run -2 --separate-stderr gh-dispatch --workflow deploy.yaml
	[[ $stderr == gh-dispatch:* ]]
	run -2 --separate-stderr gh-dispatch --repo "$REPO"
	[[ $stderr == gh-dispatch:* ]]
	[[ $(sim_count) == 0 ]]
}

@test "dispatch with run details: one request, the documented object, inputs as strings" {
	run -0 --separate-stderr gh-dispatch --repo "$REPO" --workflow deploy.yaml --ref main \
		-f app=web -f version=1.2.3 -f environment=production
	id=$(runs_created | jq '.[0]')
	assert_result deploy.yaml main "$id"
	[[ $(sim_count) == 1 && $(dispatches) == 1 ]]
	sim_log '.method == "POST"' | jq -e '.[0].body == {"ref":"main","inputs":{"app":"web","version":"1.2.3","environment":"production"},"return_run_details":true}'
	sim_run "$id" | jq -e '.inputs.app == "web" and .inputs.environment == "production"'
	[[ -z $stderr ]]
}

@test "no --ref: the repository's default branch" {
	GH_DEFAULT_BRANCH=release gh_setup
	run -0 --separate-stderr gh-dispatch --repo "$REPO" --workflow deploy.yaml -f app=web
	id=$(runs_created | jq '.[0]')
	assert_result deploy.yaml release "$id"
	[[ $(sim_count '.method == "GET" and .path == "/repos/\(env.REPO)"') == 1 ]]
	sim_log '.method == "POST"' | jq -e '.[0].body.ref == "release"'
}

@test "a tag as ref; the workflow by numeric ID and by .github/workflows path" {
	run -0 --separate-stderr gh-dispatch --repo "$REPO" --workflow deploy.yaml --ref v1 -f app=web
	jq -e '.ref == "v1"' <<<"$output"
	wid=$(api "/repos/$REPO/actions/workflows/deploy.yaml" | jq .id)
	run -0 --separate-stderr gh-dispatch --repo "$REPO" --workflow "$wid" --ref main -f app=web
	jq -e --arg w "$wid" '.workflow == $w and (.run_id | type) == "number"' <<<"$output"
	run -0 --separate-stderr gh-dispatch --repo "$REPO" --workflow .github/workflows/deploy.yaml --ref main -f app=web
	jq -e '.run_id > 0' <<<"$output"
	sim_log '.method == "POST"' | jq -e 'all(.[]; .status == 200)'
}

@test "--inputs-json: an object on stdin, every value sent as a string" {
	run -0 --separate-stderr gh-dispatch --repo "$REPO" --workflow deploy.yaml --ref main --inputs-json \
		<<<'{"app":"web","version":2,"environment":"staging","dispatch_id":"x y \"quoted\" é"}'
	sim_log '.method == "POST"' | jq -e '.[0].body.inputs == {"app":"web","version":"2","environment":"staging","dispatch_id":"x y \"quoted\" é"}'
	run -2 --separate-stderr gh-dispatch --repo "$REPO" --workflow deploy.yaml --ref main --inputs-json <<<'["not","an","object"]'
	[[ $stderr == gh-dispatch:* ]]
	run -2 --separate-stderr gh-dispatch --repo "$REPO" --workflow deploy.yaml --ref main --inputs-json <<<'{"app":'
	[[ $(dispatches) == 1 ]]
}

@test "token: GH_TOKEN before GITHUB_TOKEN, --token-file, none at all" {
	GITHUB_TOKEN=ghp_wrong_one run -0 --separate-stderr gh-dispatch --repo "$REPO" --workflow deploy.yaml --ref main -f app=a
	unset GH_TOKEN
	GITHUB_TOKEN=$TOKEN run -0 --separate-stderr gh-dispatch --repo "$REPO" --workflow deploy.yaml --ref main -f app=a
	printf '%s\n' "$TOKEN" >"$BATS_TEST_TMPDIR/token"
	chmod 600 "$BATS_TEST_TMPDIR/token"
	run -0 --separate-stderr gh-dispatch --token-file "$BATS_TEST_TMPDIR/token" --repo "$REPO" --workflow deploy.yaml --ref main -f app=a
	[[ $(sim_log '.method == "POST"' | jq -c '[.[].token] | unique') == "[\"$TOKEN_LABEL\"]" ]]
	n=$(sim_count)
	run -2 --separate-stderr gh-dispatch --token-file "$BATS_TEST_TMPDIR/missing" --repo "$REPO" --workflow deploy.yaml -f app=a
	[[ $stderr == gh-dispatch:*missing* ]]
	run -2 --separate-stderr gh-dispatch --repo "$REPO" --workflow deploy.yaml --ref main -f app=a
	[[ $stderr == *GH_TOKEN* ]]
	[[ $(sim_count) == "$n" ]]
}

@test "a bad token: exit 1, says so, never shows the token" {
	GH_TOKEN=ghp_revokedSECRETvalue123 run -1 --separate-stderr gh-dispatch --repo "$REPO" --workflow deploy.yaml --ref main -f app=a
	[[ -z $output ]]
	[[ $stderr == gh-dispatch:* ]]
	[[ $stderr == *[Tt]oken* || $stderr == *credentials* ]]
	[[ $stderr != *ghp_revokedSECRETvalue123* ]]
	[[ $(runs_created) == '[]' ]]
}

@test "unknown repository, invisible repository, unknown workflow: exit 1 with the 404 explanation" {
	sim POST /_sim/repos '{"full_name":"elsewhere/infra","workflows":[{"file":"deploy.yaml","inputs":{"app":{}}}]}' >/dev/null
	for args in "--repo org/no-such-repo --workflow deploy.yaml --ref main" \
		"--repo elsewhere/infra --workflow deploy.yaml --ref main" \
		"--repo $REPO --workflow nope.yaml --ref main"; do
		# shellcheck disable=SC2086 # words on purpose
		run -1 --separate-stderr gh-dispatch $args -f app=a
		[[ -z $output ]]
		[[ $stderr == *"repository or workflow not found, or the token cannot see it"* ]] ||
			{ echo "for $args: $stderr"; false; }
	done
	# Without --ref the repository itself is read first: its 404 says so.
	run -1 --separate-stderr gh-dispatch --repo org/no-such-repo --workflow deploy.yaml -f app=a
	[[ $stderr == *"not found, or the token cannot see it"* ]]
	[[ $(runs_created) == '[]' ]]
}

@test "GitHub's 422 refusals: exit 1 with GitHub's own message" {
	t() {
		local want=$1
		shift
		run -1 --separate-stderr gh-dispatch --repo "$REPO" "$@"
		[[ -z $output && $stderr == gh-dispatch:* && $stderr == *"$want"* ]] ||
			{ echo "want '$want' for $*, got: $stderr"; return 1; }
	}
	t 'Unexpected inputs provided: ["colour"]' --workflow deploy.yaml --ref main -f app=a -f colour=red
	t "Required input 'app' not provided" --workflow deploy.yaml --ref main -f version=1
	t "Workflow does not have 'workflow_dispatch' trigger" --workflow build.yaml --ref main
	t "Cannot trigger a 'workflow_dispatch' on a disabled workflow" --workflow old.yaml --ref main
	t 'No ref found for: no-such-branch' --workflow deploy.yaml --ref no-such-branch -f app=a
	[[ $(runs_created) == '[]' ]]
	# A refusal is final: each was sent once.
	[[ $(dispatches) == 5 ]]
}

@test "invalid input: exit 2 and nothing sent" {
	many=()
	for i in $(seq 26); do many+=(-f "k$i=v"); done
	big=$(head -c 70000 /dev/zero | tr '\0' x)
	bad() {
		run -2 --separate-stderr gh-dispatch "$@"
		[[ -z $output && $stderr == gh-dispatch:* ]] || { echo "for $*: $stderr"; return 1; }
	}
	for repo in noslash /repo owner/ a/b/c 'own er/repo' '-owner/repo' 'owner/re po' ''; do
		bad --repo "$repo" --workflow deploy.yaml --ref main -f app=a
	done
	bad --repo "$REPO" --workflow deploy.yaml --ref main "${many[@]}"
	bad --repo "$REPO" --workflow deploy.yaml --ref main -f app=a -f "version=$big"
	bad --repo "$REPO" --workflow deploy.yaml --ref main -f no-equals-sign
	bad --repo "$REPO" --workflow deploy.yaml --ref main -f =value
	bad --repo "$REPO" --workflow '' --ref main -f app=a
	# Plain http only to loopback.
	GITHUB_API_URL=http://example.com bad --repo "$REPO" --workflow deploy.yaml --ref main -f app=a
	[[ $stderr == *http* ]]
	[[ $(sim_count) == 0 ]]
	# 25 inputs are allowed by the tool (the workflow then refuses the names).
	few=()
	for i in $(seq 24); do few+=(-f "k$i=v"); done
	run -1 --separate-stderr gh-dispatch --repo "$REPO" --workflow deploy.yaml --ref main -f app=a "${few[@]}"
	[[ $stderr == *'Unexpected inputs provided'* ]]
}

@test "the token is never in argv: there is no option for it" {
	run -2 --separate-stderr gh-dispatch --token "$TOKEN" --repo "$REPO" --workflow deploy.yaml -f app=a
	[[ $stderr != *"$TOKEN"* ]]
	[[ $(sim_count) == 0 ]]
}

@test "5xx after the dispatch reached GitHub: never a second dispatch" {
	sim_faults '{"kind":"status","status":502,"after":true,"path":"/dispatches$"}'
	run --separate-stderr gh-dispatch --repo "$REPO" --workflow deploy.yaml --ref main -f app=web
	echo "exit $status; $stderr"
	[[ $(dispatches) == 1 ]]
	created=$(runs_created)
	[[ $(jq length <<<"$created") == 1 ]]
	# Either it found the run it made (by correlation), or it says it cannot
	# know: exit 3, and nothing on stdout.
	if ((status == 0)); then
		jq -e --argjson c "$created" '.run_id == $c[0]' <<<"$output"
	else
		((status == 3)) && [[ -z $output && $stderr == gh-dispatch:* ]]
	fi
}

@test "5xx bursts before the dispatch and on the default-branch lookup: retried, one run" {
	sim_faults '{"kind":"status","status":503,"count":2,"method":"GET","path":"^/repos/[^/]+/[^/]+$"}'
	run -0 --separate-stderr gh-dispatch --repo "$REPO" --workflow deploy.yaml -f app=web
	[[ $(sim_count '.method == "GET" and .path == "/repos/\(env.REPO)"') == 3 ]]
	[[ $(jq length <<<"$(runs_created)") == 1 ]]
	# A 5xx to the dispatch that did NOT create a run: at most one run in
	# the end, and the output names it.
	sim_faults '{"kind":"status","status":500,"path":"/dispatches$"}'
	run --separate-stderr gh-dispatch --correlate-timeout 3 --repo "$REPO" --workflow deploy.yaml --ref main -f app=again
	echo "exit $status; $stderr"
	created=$(sim_log '.run_id != null and .body.inputs.app == "again"' | jq -c '[.[].run_id]')
	(($(jq length <<<"$created") <= 1))
	if ((status == 0)); then
		jq -e --argjson c "$created" '.run_id == $c[0]' <<<"$output"
	else
		((status == 3))
	fi
}

@test "a dropped connection on the dispatch: never two runs" {
	sim_faults '{"kind":"drop","after":true,"path":"/dispatches$"}'
	run --separate-stderr gh-dispatch --repo "$REPO" --workflow deploy.yaml --ref main -f app=web
	echo "exit $status; $stderr"
	[[ $(jq length <<<"$(runs_created)") == 1 ]]
	if ((status == 0)); then
		jq -e --argjson c "$(runs_created)" '.run_id == $c[0]' <<<"$output"
	else
		((status == 3)) && [[ -z $output ]]
	fi
	# The same after a default-branch lookup, so that the dispatch goes out
	# on a reused connection (libcurl resends a request whose reused
	# connection died before any answer, unless told not to).
	sim_faults '{"kind":"drop","after":true,"path":"/dispatches$"}'
	run --separate-stderr gh-dispatch --repo "$REPO" --workflow deploy.yaml -f app=reused
	echo "exit $status; $stderr"
	[[ $(sim_count '.run_id != null and .body.inputs.app == "reused"') == 1 ]]
	[[ $(sim_count '.method == "POST" and .body.inputs.app == "reused"') == 1 ]]
	# Dropped before GitHub acted: still at most one run.
	sim_faults '{"kind":"drop","path":"/dispatches$"}'
	run --separate-stderr gh-dispatch --correlate-timeout 3 --repo "$REPO" --workflow deploy.yaml --ref main -f app=second
	echo "exit $status; $stderr"
	(($(sim_count '.run_id != null and .body.inputs.app == "second"') <= 1))
	((status == 0 || status == 3))
}

@test "connection refused: exit 3, nothing dispatched" {
	port=$(free_port)
	GITHUB_API_URL=http://127.0.0.1:$port run -3 --separate-stderr timeout 120 gh-dispatch --repo "$REPO" --workflow deploy.yaml --ref main -f app=a
	[[ -z $output && $stderr == gh-dispatch:* ]]
}

@test "primary rate limit exhausted: waits for the reset, says until when, then one dispatch" {
	sim POST /_sim/rate_limit "{\"label\":\"$TOKEN_LABEL\",\"limit\":10,\"remaining\":0,\"reset_in\":2}" >/dev/null
	t0=$(date +%s%N)
	run -0 --separate-stderr gh-dispatch --repo "$REPO" --workflow deploy.yaml --ref main -f app=web
	elapsed=$((($(date +%s%N) - t0) / 1000000))
	echo "elapsed ${elapsed} ms; $stderr"
	((elapsed >= 1000))
	[[ $stderr == *rate* ]]
	[[ $stderr =~ [0-9]{2}:[0-9]{2} ]] # until when
	[[ $(jq length <<<"$(runs_created)") == 1 ]]
	jq -e --argjson c "$(runs_created)" '.run_id == $c[0]' <<<"$output"
}

@test "secondary rate limit on the dispatch: honours retry-after, resends, one run" {
	sim_faults '{"kind":"secondary","retry_after":1,"path":"/dispatches$"}'
	t0=$(date +%s%N)
	run -0 --separate-stderr gh-dispatch --repo "$REPO" --workflow deploy.yaml --ref main -f app=web
	elapsed=$((($(date +%s%N) - t0) / 1000000))
	echo "elapsed ${elapsed} ms; $stderr"
	((elapsed >= 900))
	[[ $stderr == *rate* || $stderr == *retry* ]]
	[[ $(dispatches) == 2 ]]
	[[ $(jq length <<<"$(runs_created)") == 1 ]]
	jq -e --argjson c "$(runs_created)" '.run_id == $c[0]' <<<"$output"
}

@test "GHES (400 to return_run_details): dispatches without it and finds its run by correlation" {
	sim POST /_sim/config '{"mode":"ghes400","list_lag":0.5}' >/dev/null
	# An older run on the same branch must not be taken for the new one.
	sim POST /_sim/dispatch "{\"repo\":\"$REPO\",\"workflow\":\"deploy.yaml\",\"inputs\":{\"app\":\"old\"},\"created_offset\":-30}" >/dev/null
	run -0 --separate-stderr gh-dispatch --repo "$REPO" --workflow deploy.yaml --ref main -f app=web
	mine=$(sim_log '.run_id != null and .body.inputs.app == "web"' | jq '.[0].run_id')
	assert_result deploy.yaml main "$mine"
	[[ $(sim_count '.run_id != null') == 1 ]]
	sim_log '.method == "POST"' | jq -e '.[0].status == 400 and (.[-1].body | has("return_run_details") | not)'
	# The lists it read were filtered as the issue says.
	sim_log '.path | endswith("/runs")' | jq -e 'length >= 1 and all(.[]; .query.event == "workflow_dispatch"
		and .query.branch == "main" and (.query.created // "" | test("^(>=?|\\d{4}-)")))'
}

@test "GHES variants: 422 to return_run_details, and a plain 204" {
	sim POST /_sim/config '{"mode":"ghes422"}' >/dev/null
	run -0 --separate-stderr gh-dispatch --repo "$REPO" --workflow deploy.yaml --ref main -f app=one
	one=$(sim_log '.run_id != null and .body.inputs.app == "one"' | jq '.[0].run_id')
	jq -e --argjson id "$one" '.run_id == $id' <<<"$output"
	sim POST /_sim/config '{"mode":"legacy204"}' >/dev/null
	run -0 --separate-stderr gh-dispatch --repo "$REPO" --workflow deploy.yaml --ref main -f app=two
	two=$(sim_log '.run_id != null and .body.inputs.app == "two"' | jq '.[0].run_id')
	jq -e --argjson id "$two" '.run_id == $id' <<<"$output"
	[[ $(sim_count '.run_id != null') == 2 ]]
}

@test "GHES with another actor's run at the same moment, no --correlate-input: refuses, never guesses" {
	sim POST /_sim/config '{"mode":"ghes400"}' >/dev/null
	sim_faults '{"kind":"concurrent","path":"/dispatches$","actor":"octocat","inputs":{"app":"web"},"skip":1}'
	run --separate-stderr gh-dispatch --repo "$REPO" --workflow deploy.yaml --ref main -f app=web
	echo "exit $status; $output; $stderr"
	((status == 1))
	[[ -z $output ]]
	[[ $stderr == gh-dispatch:* && $stderr == *--correlate-input* ]]
	[[ $(dispatches) == 2 ]] # the 400, then one dispatch: no retry
}

@test "GHES with another actor's run at the same moment, --correlate-input: picks its own run" {
	sim POST /_sim/config '{"mode":"ghes400"}' >/dev/null
	sim_faults '{"kind":"concurrent","path":"/dispatches$","actor":"octocat","inputs":{"app":"web","dispatch_id":"theirs-0001"},"skip":1}'
	run -0 --separate-stderr gh-dispatch --repo "$REPO" --workflow deploy.yaml --ref main \
		--correlate-input dispatch_id -f app=web
	mine=$(sim_log '.run_id != null' | jq '.[0].run_id')
	assert_result deploy.yaml main "$mine"
	id=$(sim_log '.run_id != null' | jq -r '.[0].body.inputs.dispatch_id')
	[[ -n $id && $id != null && $id != theirs-0001 ]]
	sim_run "$mine" | jq -e --arg id "$id" '.title | contains($id)'
	# Also when the foreign run came first.
	sim_faults '{"kind":"concurrent","path":"/dispatches$","actor":"octocat","inputs":{"app":"web","dispatch_id":"theirs-0002"},"offset":-1,"skip":1}'
	run -0 --separate-stderr gh-dispatch --repo "$REPO" --workflow deploy.yaml --ref main \
		--correlate-input dispatch_id -f app=web
	mine2=$(sim_log '.run_id != null' | jq '.[-1].run_id')
	jq -e --argjson id "$mine2" '.run_id == $id' <<<"$output"
}

@test "with run details, --correlate-input still puts a unique id in that input" {
	run -0 --separate-stderr gh-dispatch --repo "$REPO" --workflow deploy.yaml --ref main \
		--correlate-input dispatch_id -f app=web
	sim_log '.method == "POST"' | jq -e '.[0].body.inputs.dispatch_id | type == "string" and length >= 8'
}

@test "a dispatch whose run never appears: fails clearly, never two runs" {
	sim POST /_sim/config '{"mode":"legacy204"}' >/dev/null
	sim_faults '{"kind":"vanish","path":"/dispatches$","count":10}'
	# (--correlate-timeout, the tool's own option, keeps this short; 60 s by default)
	t0=$(date +%s)
	run --separate-stderr timeout 120 gh-dispatch --correlate-timeout 3 --repo "$REPO" --workflow deploy.yaml --ref main -f app=web
	echo "exit $status after $(($(date +%s) - t0)) s; $stderr; $(dispatches) dispatches"
	((status == 1 || status == 3))
	[[ -z $output && $stderr == gh-dispatch:* ]]
	# A second dispatch only after correlation showed no run: at most 2.
	(($(dispatches) <= 2))
}

@test "requests carry the headers GitHub asks for" {
	run -0 --separate-stderr gh-dispatch --repo "$REPO" --workflow deploy.yaml -f app=web
	sim_log | jq -e 'length == 2 and all(.[]; .accept == "application/vnd.github+json"
		and .api_version == "2022-11-28" and (.user_agent | length > 0))'
}

@test "--verbose never shows the token" {
	run --separate-stderr gh-dispatch --verbose --repo "$REPO" --workflow deploy.yaml --ref main -f app=web
	((status == 0 || status == 2))
	[[ $stderr != *"$TOKEN"* ]]
}
