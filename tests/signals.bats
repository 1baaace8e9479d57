#!/usr/bin/env bats
# Signals, in the sandbox (tests/sandbox/up): a deploy stopped inside each
# stage of `make deploy`, and each tool that may block stopped while it
# waits on a stalled server.
#
# Which signals.  ^C at a terminal sends SIGINT to the whole foreground
# process group: make and everything it runs.  A CI runner's cancel sends
# its signals to one process: GitHub's runner (actions/runner,
# src/Runner.Sdk/ProcessInvoker.cs, CancelAndKillProcessTree) sends SIGINT
# to the step's process, waits 7.5 s, sends SIGTERM, waits 2.5 s, then
# SIGKILLs that process alone (NixKillProcessTree); the step's process is
# make when the step execs it, else the step's shell, which passes nothing
# on to make.  make passes SIGTERM on to the shells it started and SIGINT
# to none (it counts on the terminal), so of that ladder only the SIGTERM
# to make stops anything: the tests send SIGTERM to make's pid alone.
# Either way make dies of the signal once its recipes have ended (GNU make
# re-raises it), so a shell sees 130 (SIGINT) or 143 (SIGTERM), never
# make's own 2.
#
# The stops are found, never slept for: a stall rule of the AWS fault proxy
# (tests/helpers/awsfault.py, its log shows the request waiting) in front
# of moto, a slow rule of the GitHub simulator (/_sim/faults says it
# fired), podman blocked opening a FIFO Dockerfile or pushing to a port
# that never answers (tests/helpers/docker-gate), a slow infra run.
#
# The matrix: every stage with both signals (the trigger twice each: a
# signal before the dispatch is sent, and one while it is in flight), then
# a re-run that must finish the deploy from where it stopped with one
# dispatch in all.  Processes "of ours" are those whose environment holds
# this test's DK_SIGTEST token: everything make started.  Then the tools
# that may block, alone: each stopped by SIGINT and by SIGTERM while it
# waits on a stalled server ends at once with 130 or 143, says so in one
# line, and prints no partial JSON (gh-dispatch, once its dispatch is
# sent, first prints the run; gh-wait, between polls, the run as seen).

load lib/common

# nosig CMD... &: CMD in a session of its own with SIGINT and SIGTERM at
# their defaults, as a terminal's job has them (bash starts background jobs
# with SIGINT ignored, and make would keep it so).  In the background only:
# it execs, so that $! is CMD's pid, its session's and its group's.
nosig() {
	exec env --default-signal=INT,TERM setsid "$@"
}

setup_file() {
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
	SB=$BATS_FILE_TMPDIR/sandbox
	"$DK_ROOT/tests/sandbox/up" "$SB" >"$BATS_FILE_TMPDIR/up.log" 2>&1 || {
		cat "$BATS_FILE_TMPDIR/up.log" >&2
		return 1
	}
	# shellcheck disable=SC1091
	. "$SB/env"
	local dir=$BATS_FILE_TMPDIR i
	# The fault proxy in front of moto: every AWS call make makes goes
	# through it (the infra workflow's go to moto itself).
	python3 "$DK_ROOT/tests/helpers/awsfault.py" --upstream "$SANDBOX_MOTO" \
		>"$dir/fault.port" 2>"$dir/fault.log" &
	echo $! >"$dir/fault.pid"
	# A port that takes connections and never says a word.
	python3 -c 'import os, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
print(s.getsockname()[1], flush=True)
held, n = [], 0
while True:
    c, _ = s.accept()
    held.append(c)
    n += 1
    with open(sys.argv[1] + ".new", "w") as f:
        f.write("%d\n" % n)
    os.rename(sys.argv[1] + ".new", sys.argv[1])' "$dir/blackhole.hits" \
		>"$dir/blackhole.port" 2>"$dir/blackhole.log" &
	echo $! >"$dir/blackhole.pid"
	for ((i = 0; i < 200; i++)); do
		[[ -s $dir/fault.port && -s $dir/blackhole.port ]] && break
		sleep 0.05
	done
	FAULT_URL=http://127.0.0.1:$(cat "$dir/fault.port")
	GATE_BLACKHOLE=$(cat "$dir/blackhole.port")
	wait_http "$FAULT_URL/_fault"
	# A repository of its own for the tools' own tests: a run that lasts.
	curl -sS --fail -X POST "$SANDBOX_GITHUB/_sim/repos" -d '{"full_name": "acme/sig",
		"workflows": [{"file": "w.yaml", "name": "W", "dispatch": true, "inputs": {"app": {}},
		"script": {"queue": 0, "jobs": [{"name": "j", "steps": [{"name": "s", "seconds": 600}]}]}}]}' \
		>/dev/null
	export SB FAULT_URL GATE_BLACKHOLE
}

teardown_file() {
	kill_pid "$BATS_FILE_TMPDIR/blackhole.pid"
	kill_pid "$BATS_FILE_TMPDIR/fault.pid"
	"$DK_ROOT/tests/sandbox/down" "$SB"
}

setup() {
	aws_env_clean
	# shellcheck disable=SC1091
	. "$SB/env"
	export AWS_ENDPOINT_URL=$FAULT_URL XDG_CACHE_HOME=$BATS_TEST_TMPDIR/cache
	export DOCKER=$DK_ROOT/tests/helpers/docker-gate GATE_DIR=$BATS_TEST_TMPDIR/gate
	mkdir -p "$GATE_DIR"
	mkfifo "$GATE_DIR/fifo"
	token=dk-sigtest-$BATS_TEST_NUMBER-$$-$RANDOM
	mk_pid=
	app=$BATS_TEST_TMPDIR/app
	mkdir -p "$app"
	cp "$DK_ROOT"/tests/sandbox/app/{Makefile,Dockerfile,hello.c} "$app/"
	printf '.deploy/\nhello\n' >"$app/.gitignore"
	APP=sig$BATS_TEST_NUMBER
	git -C "$app" init -q
	git -C "$app" add .
	git -C "$app" -c user.name=t -c user.email=t@t.invalid commit -q -m app
	VERSION=$(git -C "$app" rev-parse --short=12 HEAD)
	state=$app/.deploy/sandbox/$VERSION
}

teardown() {
	local p
	if [[ -n $mk_pid ]] && running "$mk_pid"; then
		kill -KILL -- "-$mk_pid" 2>/dev/null || true
	fi
	for p in $(ours); do
		kill -KILL "$p" 2>/dev/null || true
	done
	curl -s -X DELETE "$SANDBOX_GITHUB/_sim/faults" >/dev/null || true
	curl -s -X POST "$FAULT_URL/_reset" >/dev/null || true
}

# --- helpers -------------------------------------------------------------

mk() {
	make -C "$app" --no-print-directory DEPLOYKIT_MK="$DK_ROOT/mk/deploy.mk" \
		APP="$APP" ENV=sandbox "$@"
}

# launch [MAKE-ARGS...]: make deploy in the background, in a session of its
# own (its pid is its process group's), the test's token in its environment.
launch() {
	nosig env DK_SIGTEST="$token" make -C "$app" --no-print-directory \
		DEPLOYKIT_MK="$DK_ROOT/mk/deploy.mk" APP="$APP" ENV=sandbox "$@" deploy \
		>"$BATS_TEST_TMPDIR/first.log" 2>&1 &
	mk_pid=$!
}

# running PID: alive and not a zombie (a child of ours stays one until
# waited for, and kill -0 succeeds on it).
running() {
	local st
	[[ -r /proc/$1/stat ]] || return 1
	read -r st <"/proc/$1/stat" || return 1
	st=${st##*) }
	[[ ${st%% *} != Z ]]
}

# ours: the pids of the processes that carry this test's token.
ours() {
	grep -laF "DK_SIGTEST=$token" /proc/[0-9]*/environ 2>/dev/null |
		sed 's|^/proc/\([0-9]*\)/environ$|\1|' || true
}

# poll WHAT CMD...: until CMD succeeds, 0.05 s apart, 20 s at most; fails
# at once if make ended first.
poll() {
	local what=$1 i
	shift
	for ((i = 0; i < 400; i++)); do
		"$@" && return 0
		if [[ -n $mk_pid ]] && ! running "$mk_pid"; then
			cat "$BATS_TEST_TMPDIR"/first.log "$BATS_TEST_TMPDIR"/err 2>/dev/null || true
			fail "it ended before $what"
		fi
		sleep 0.05
	done
	fail "not in 20 s: $what"
}

# stop INT|TERM: ^C (SIGINT to make's process group) or a CI runner's
# cancel (SIGTERM to make alone).  make must end within 20 s, dead of that
# signal (130 or 143 to a shell), nothing of ours left running.  Sets
# stop_ms, how long it took.
stop() {
	local want t0 i rc=0
	case $1 in
	INT) want=130 && kill -INT -- "-$mk_pid" ;;
	TERM) want=143 && kill -TERM "$mk_pid" ;;
	esac
	t0=$(date +%s%N)
	for ((i = 0; i < 400; i++)); do
		running "$mk_pid" || break
		sleep 0.05
	done
	printf '# SIG%s: make ended in %d ms\n' "$1" $((($(date +%s%N) - t0) / 1000000)) >&3
	if running "$mk_pid"; then
		ps -o pid,pgid,stat,args -g "$mk_pid" || true
		fail "make still running 20 s after SIG$1"
	fi
	wait "$mk_pid" || rc=$?
	stop_ms=$((($(date +%s%N) - t0) / 1000000))
	mk_pid=
	if [[ $rc != "$want" ]]; then
		cat "$BATS_TEST_TMPDIR/first.log"
		fail "make exited $rc after SIG$1, not $want"
	fi
	run ours
	if [[ -n $output ]]; then
		ps -o pid,ppid,stat,args -p "$(echo "$output" | paste -sd,)" || true
		fail "left running after make ended: $output"
	fi
}

# state_is FILE...: the state folder holds these stage files and nothing
# else (no .tmp, no stage that did not complete), each a JSON object.
state_is() {
	local f have want
	want=$(printf '%s\n' "$@" | sed '/^$/d' | sort)
	have=$(find "$state" -mindepth 1 -printf '%f\n' 2>/dev/null | sort)
	assert_equal "$have" "$want"
	for f in "$@"; do
		jq -e 'type == "object"' "$state/$f" >/dev/null || fail "$f: not one JSON object"
	done
	run find "$app/.deploy" -name '*.tmp'
	assert_output ''
}

sim() {
	curl -sS --fail -X "$1" "$SANDBOX_GITHUB$2" ${3:+-d "$3"}
}

dispatches() {
	sim GET "/_sim/log?since=0" | jq --arg a "${1:-$APP}" \
		'[.entries[] | select(.method == "POST" and (.path | endswith("/dispatches"))
			and .body.inputs.app == $a)] | length'
}

# fault RULE: a GitHub simulator fault (see tests/ghsim/ghsim.py).
fault() {
	sim POST /_sim/faults "{\"rules\": [$1]}" >/dev/null
}

# slow_fired: a "slow" simulator fault has taken a request and holds it.
slow_fired() {
	sim GET /_sim/faults | jq -e 'any(.faults[]; .kind == "slow" and .fired > 0)' >/dev/null
}

# polled PATH: the simulator has answered a request for PATH.
polled() {
	sim GET '/_sim/log?since=0' | jq -e --arg p "$1" 'any(.entries[]; .path == $p)' >/dev/null
}

# stall OPERATION: the fault proxy holds the next request for OPERATION
# (e.g. GetParameter) for a minute before forwarding it.
stall() {
	curl -sS --fail -X POST "$FAULT_URL/_fault" \
		-d "{\"faults\": [{\"target\": \"$1\", \"action\": \"stall\", \"seconds\": 60}]}" >/dev/null
}

# stalled: a request is being held by a stall rule.
stalled() {
	curl -sS --fail "$FAULT_URL/_log" |
		jq -e 'any(.[]; .action == "stall" and .t1 == null)' >/dev/null
}

# podman_in_fifo: a podman of ours waits to open the FIFO Dockerfile.
podman_in_fifo() {
	local p
	for p in $(ours); do
		grep -qs wait_for_partner /proc/"$p"/task/*/wchan && return 0
	done
	return 1
}

blackhole_hit() {
	[[ -s $BATS_FILE_TMPDIR/blackhole.hits ]] &&
		(($(cat "$BATS_FILE_TMPDIR/blackhole.hits") > ${blackhole_before:-0}))
}

# The infra workflow's real steps after a hold of SECONDS: a run to stop
# a wait in that still deploys.
slow_run() {
	local step=$DK_ROOT/tests/sandbox/infra-step env=$SB/infra.env
	sim POST /_sim/scripts "$(jq -cn --arg s "$step" --arg e "$env" --argjson h "$1" '
		def run(n; what): {name: n, run: "\($s) \(what) \($e)"};
		{repo: "acme/infra", workflow: "deploy.yaml", scripts: [{queue: 0, jobs: [{name: "deploy",
			steps: [{name: "Hold", seconds: $h}, run("Read the release parameter"; "read-parameter"),
				run("Check the image"; "check-image"), run("Update the ECS service"; "update-service")]}]}]}')" \
		>/dev/null
}

service_image() {
	(
		# shellcheck disable=SC1091
		. "$SB/infra.env"
		"$DK_BIN/sigv4-curl" -f --service ecs \
			--target AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition \
			-d "$(jq -cn --arg a "$APP" '{taskDefinition: $a}')" "$AWS_ENDPOINT_URL/"
	) | jq -r '.taskDefinition.containerDefinitions[0].image'
}

# rerun STAGE [RUN-ID]: make deploy again finishes the deploy, starting at
# STAGE, with one dispatch in all, waiting on RUN-ID when one was recorded.
rerun() {
	run --separate-stderr mk deploy
	if ((status != 0)); then
		# shellcheck disable=SC2154 # set by run --separate-stderr
		printf '%s\n' "$output" "$stderr"
		fail "the re-run exited $status"
	fi
	assert_equal "$(grep -m1 '^deploy: ' <<<"$output" | awk '{print $2}')" "$1"
	assert_line --regexp "^deploy: done +app=$APP env=sandbox version=$VERSION .* result=success$"
	assert_equal "$(dispatches)" 1
	assert_equal "$(jq -r .run_id "$state/result.json")" "$(jq -r .run_id "$state/dispatch.json")"
	[[ -z ${2:-} ]] || assert_equal "$(jq -r .run_id "$state/result.json")" "$2"
	assert_equal "$(service_image)" "$SANDBOX_REGISTRY/$APP:$VERSION"
	state_is target.json image.json push.json release.json dispatch.json result.json
}

# --- make deploy, stopped in each stage ------------------------------------

# target: ecr-token (asked for the registry) stalled at GetAuthorizationToken.
# The sandbox's registry is not the one moto's token names: the re-run
# gives it, as the environment does.
target_case() {
	stall GetAuthorizationToken
	launch DEPLOY_REGISTRY=
	poll "ecr-token's stalled request" stalled
	stop "$1"
	state_is
	rerun target
}

@test "target, SIGINT to the process group (^C): clean stop, resumed" {
	target_case INT
}

@test "target, SIGTERM to make (CI cancel): clean stop, resumed" {
	target_case TERM
}

image_case() {
	touch "$GATE_DIR/build"
	launch
	poll "podman build waiting for its Dockerfile" podman_in_fifo
	stop "$1"
	state_is target.json
	[[ $(cat "$BATS_TEST_TMPDIR/first.log") == *"deploy: image    building"* ]]
	rerun image
}

@test "image build, SIGINT to the process group: podman stopped, resumed" {
	image_case INT
}

@test "image build, SIGTERM to make: podman stopped, resumed" {
	image_case TERM
}

push_case() {
	blackhole_before=$(cat "$BATS_FILE_TMPDIR/blackhole.hits" 2>/dev/null || echo 0)
	touch "$GATE_DIR/push"
	launch
	poll "podman push connected to a silent registry" blackhole_hit
	stop "$1"
	state_is target.json image.json
	rerun push
}

@test "push, SIGINT to the process group: podman stopped, resumed" {
	push_case INT
}

@test "push, SIGTERM to make: podman stopped, resumed" {
	push_case TERM
}

release_case() {
	stall GetParameter
	launch
	poll "ssm-put's stalled request" stalled
	stop "$1"
	state_is target.json image.json push.json
	rerun release
}

@test "release, SIGINT to the process group: ssm-put stopped, resumed" {
	release_case INT
}

@test "release, SIGTERM to make: ssm-put stopped, resumed" {
	release_case TERM
}

# trigger, before the dispatch is sent: gh-dispatch stalled reading the
# repository's default branch; it stops at once and nothing was dispatched.
trigger_before_case() {
	fault '{"method": "GET", "path": "^/repos/acme/infra$", "kind": "slow", "delay": 60}'
	launch
	poll "gh-dispatch's stalled request" slow_fired
	stop "$1"
	((stop_ms < 5000)) || fail "took $stop_ms ms"
	state_is target.json image.json push.json release.json
	assert_equal "$(dispatches)" 0
	rerun trigger
}

@test "trigger before the dispatch, SIGINT to the process group: nothing sent, resumed" {
	trigger_before_case INT
}

@test "trigger before the dispatch, SIGTERM to make: nothing sent, resumed" {
	trigger_before_case TERM
}

# trigger, the dispatch in flight (GitHub answers after 3 s): gh-dispatch
# holds the signal until the run is known, the recipe records it, then make
# stops; the re-run waits on that run and dispatches nothing.
trigger_inflight_case() {
	local run_id
	fault '{"method": "POST", "path": "/dispatches$", "kind": "slow", "delay": 3}'
	launch
	poll "the dispatch in flight" slow_fired
	stop "$1"
	state_is target.json image.json push.json release.json dispatch.json
	assert_equal "$(dispatches)" 1
	run_id=$(sim GET "/_sim/log?since=0" | jq --arg a "$APP" '.entries[] |
		select(.method == "POST" and .body.inputs.app == $a) | .run_id')
	assert_equal "$(jq -r .run_id "$state/dispatch.json")" "$run_id"
	# (deploy-sh passes a signal on as SIGTERM, which no process ignores.)
	grep -q "^gh-dispatch: interrupted (SIGTERM)$" "$BATS_TEST_TMPDIR/first.log"
	rerun wait "$run_id"
}

@test "trigger in flight, SIGINT to the process group: the dispatch is recorded, no second one" {
	trigger_inflight_case INT
}

@test "trigger in flight, SIGTERM to make: the dispatch is recorded, no second one" {
	trigger_inflight_case TERM
}

# wait, gh-wait between polls of a run that lasts.
@test "wait, SIGINT to the process group: the re-run waits on the same run" {
	local run_id
	slow_run 6
	launch
	poll "dispatch.json" test -s "$state/dispatch.json"
	run_id=$(jq -r .run_id "$state/dispatch.json")
	poll "gh-wait's first poll" polled "/repos/acme/infra/actions/runs/$run_id"
	stop INT
	state_is target.json image.json push.json release.json dispatch.json
	rerun wait "$run_id"
}

# wait, gh-wait inside a request GitHub does not answer (30 s): it gives the
# request up at once.
@test "wait, SIGTERM to make while GitHub stalls: the re-run waits on the same run" {
	local run_id
	fault '{"method": "GET", "path": "^/repos/acme/infra/actions/runs/[0-9]+$", "kind": "slow", "delay": 30}'
	launch
	poll "gh-wait's stalled request" slow_fired
	stop TERM
	((stop_ms < 5000)) || fail "took $stop_ms ms"
	state_is target.json image.json push.json release.json dispatch.json
	run_id=$(jq -r .run_id "$state/dispatch.json")
	rerun wait "$run_id"
}

# --- the tools themselves ------------------------------------------------

# tool_case SIG TOOL MARKER CMD...: CMD started in a session of its own,
# MARKER polled for (it is blocked), then SIG sent (SIGINT to its group).
# It must end within 3 s with 130 or 143, say so in one line on stderr,
# and leave stdout empty.  Sets tool_out, tool_err.
tool_case() {
	local sig=$1 tool=$2 marker=$3 want rc=0 t0 ms i
	shift 3
	nosig "$@" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	mk_pid=$!
	poll "$tool blocked" "$marker"
	case $sig in
	INT) want=130 && kill -INT -- "-$mk_pid" ;;
	TERM) want=143 && kill -TERM "$mk_pid" ;;
	esac
	t0=$(date +%s%N)
	for ((i = 0; i < 200; i++)); do
		running "$mk_pid" || break
		sleep 0.05
	done
	wait "$mk_pid" || rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	mk_pid=
	tool_out=$(cat "$BATS_TEST_TMPDIR/out")
	tool_err=$(cat "$BATS_TEST_TMPDIR/err")
	[[ $rc == "$want" ]] || fail "$tool: exit $rc after SIG$sig, not $want; stderr: $tool_err"
	((ms < 3000)) || fail "$tool: $ms ms after SIG$sig"
	assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/err")" 1
	[[ $tool_err == "$tool: interrupted"* ]] || fail "$tool: said: $tool_err"
	assert_equal "$tool_out" ''
}

@test "ssm-put, ssm-get, ecr-token, sigv4-curl: SIGINT and SIGTERM while AWS stalls" {
	local sig
	for sig in INT TERM; do
		stall GetParameter
		tool_case $sig ssm-put stalled ssm-put --name "/sig/$sig" --value v1
		[[ $tool_err == "ssm-put: interrupted (SIG$sig)" ]]
		curl -sS --fail -X POST "$FAULT_URL/_reset" >/dev/null
		stall GetParameter
		tool_case $sig ssm-get stalled ssm-get /sig/x
		curl -sS --fail -X POST "$FAULT_URL/_reset" >/dev/null
		stall GetAuthorizationToken
		tool_case $sig ecr-token stalled ecr-token
		curl -sS --fail -X POST "$FAULT_URL/_reset" >/dev/null
		stall GetParameter
		tool_case $sig sigv4-curl stalled sigv4-curl -f --service ssm \
			--target AmazonSSM.GetParameter -d '{"Name": "/sig/x"}' "$FAULT_URL/"
		curl -sS --fail -X POST "$FAULT_URL/_reset" >/dev/null
	done
	# No token cache was left half-written.
	run find "$XDG_CACHE_HOME" -name '*.tmp'
	assert_output ''
}

@test "gh-wait: SIGINT and SIGTERM while GitHub stalls" {
	local sig run_id
	for sig in INT TERM; do
		run_id=$(sim POST /_sim/dispatch '{"repo": "acme/sig", "workflow": "w.yaml"}' | jq -r .run_id)
		fault '{"method": "GET", "path": "^/repos/acme/sig/actions/runs/[0-9]+$", "kind": "slow", "delay": 30}'
		tool_case $sig gh-wait slow_fired gh-wait --repo acme/sig --run-id "$run_id"
		[[ $tool_err == "gh-wait: interrupted before any answer about run $run_id of acme/sig" ]]
		sim DELETE /_sim/faults >/dev/null
	done
}

@test "gh-wait: SIGINT and SIGTERM between polls print the run as last seen" {
	local sig run_id rc t0
	for sig in INT TERM; do
		run_id=$(sim POST /_sim/dispatch '{"repo": "acme/sig", "workflow": "w.yaml"}' | jq -r .run_id)
		nosig gh-wait -q --repo acme/sig --run-id "$run_id" \
			>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
		mk_pid=$!
		poll "gh-wait's first poll" polled "/repos/acme/sig/actions/runs/$run_id"
		t0=$(date +%s%N)
		if [[ $sig == INT ]]; then kill -INT -- "-$mk_pid"; else kill -TERM "$mk_pid"; fi
		rc=0
		wait "$mk_pid" || rc=$?
		mk_pid=
		assert_equal "$rc" "$([[ $sig == INT ]] && echo 130 || echo 143)"
		(($(date +%s%N) - t0 < 3000000000))
		# One whole JSON line: the run, still in progress.
		assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/out")" 1
		jq -e --argjson id "$run_id" '.run_id == $id and .status != "completed"' "$BATS_TEST_TMPDIR/out"
	done
}

@test "gh-dispatch: a signal before the dispatch stops it at once, nothing sent" {
	local sig before
	for sig in INT TERM; do
		before=$(dispatches "$sig-before")
		fault '{"method": "GET", "path": "^/repos/acme/sig$", "kind": "slow", "delay": 30}'
		tool_case $sig gh-dispatch slow_fired gh-dispatch --repo acme/sig --workflow w.yaml \
			-f app="$sig-before"
		[[ $tool_err == "gh-dispatch: interrupted (SIG$sig)" ]]
		sim DELETE /_sim/faults >/dev/null
		assert_equal "$(dispatches "$sig-before")" "$before"
	done
}

@test "gh-dispatch: a signal during the dispatch waits for its run, printed, then ends it" {
	local sig rc t0 ms
	for sig in INT TERM; do
		fault '{"method": "POST", "path": "/dispatches$", "kind": "slow", "delay": 2}'
		nosig gh-dispatch -q --repo acme/sig --workflow w.yaml -f app="$sig-during" \
			>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
		mk_pid=$!
		poll "the dispatch in flight" slow_fired
		t0=$(date +%s%N)
		if [[ $sig == INT ]]; then kill -INT -- "-$mk_pid"; else kill -TERM "$mk_pid"; fi
		rc=0
		wait "$mk_pid" || rc=$?
		ms=$((($(date +%s%N) - t0) / 1000000))
		mk_pid=
		assert_equal "$rc" "$([[ $sig == INT ]] && echo 130 || echo 143)"
		((ms < 5000)) || fail "$ms ms"
		assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" "gh-dispatch: interrupted (SIG$sig)"
		# The run it started, whole, on stdout; one dispatch.
		assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/out")" 1
		jq -e '.repository == "acme/sig" and (.run_id | type) == "number"' "$BATS_TEST_TMPDIR/out"
		assert_equal "$(dispatches "$sig-during")" 1
		sim DELETE /_sim/faults >/dev/null
	done
}
