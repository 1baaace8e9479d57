# The fault matrix's shared part (tests/faults/*.bats, run by tests/faults/run
# and `make faults`): a fault proxy in front of a real server, and one
# function that runs a case, checks every promise the tools make under
# faults, and records a row of the table.
# shellcheck shell=bash

load ../lib/common

# proxy_start NAME UPSTREAM: tests/helpers/awsfault.py on a loopback port of
# its choosing in front of UPSTREAM; exports PROXY_NAME (its URL).
proxy_start() {
	local name=$1 up=$2 dir=$BATS_FILE_TMPDIR/proxy-$1
	mkdir -p "$dir"
	python3 "$DK_ROOT/tests/helpers/awsfault.py" --upstream "$up" \
		>"$dir/port" 2>"$dir/log" &
	echo $! >"$dir/pid"
	ghsim_wait_port "$dir/port"
	printf -v "PROXY_${name}" 'http://127.0.0.1:%s' "$(cat "$dir/port")"
	export "PROXY_${name?}"
}

proxy_stop() {
	kill_pid "$BATS_FILE_TMPDIR/proxy-$1/pid"
}

# ghsim_wait_port FILE: poll until FILE holds a port, 0.05 s apart, 10 s.
ghsim_wait_port() {
	local i
	for ((i = 0; i < 200; i++)); do
		[[ -s $1 ]] && return 0
		sleep 0.05
	done
	echo "$1: no port after 10 s" >&2
	return 1
}

# fault URL SCRIPT: replace the proxy's faults (and clock) by SCRIPT, a
# JSON rule or list of rules (see tests/helpers/awsfault.py).
fault() {
	local script
	script=$(jq -c '{reset: true} + (if type == "array" then {faults: .}
		elif has("clock") then . else {faults: [.]} end)' <<<"$2") || return 1
	curl -sS --fail -o /dev/null -X POST --data-binary "$script" "$1/_fault"
}

# What a tool says on its way (retry and correlation notices, silenced by
# -q): not the one line that says why it failed.
NOTICE='; (retrying (in|after) |waiting [0-9.]+ s,|looking for its run)|: dispatching again$'

# The row being built by case_run, and where rows go (tests/faults/run).
FAULTS_OUT=${FAULTS_OUT:-$BATS_FILE_TMPDIR/rows.tsv}

# case_run SURFACE FAULT WANT BOUND PATTERN -- COMMAND...: run COMMAND (its
# stdin from /dev/null) and hold it to what a fault may do to a tool:
#   WANT     the exit status expected (0: it recovered)
#   BOUND    seconds it may take at most; longer is a hang
#   PATTERN  on failure, a regular expression its one-line stderr matches
# and never: a crash (a signal, a sanitizer report), more than one line of
# stderr on failure, stdout on failure (a partial result).  Records a row
# "SURFACE  FAULT  WANT  GOT  SECONDS  VERDICT" and fails on a mismatch.
# Leaves $status, $output (stdout), $stderr and $elapsed for more checks.
case_run() {
	local surface=$1 what=$2 want=$3 bound=$4 pattern=$5 t0 t1 verdict=ok why= last
	shift 5
	[[ $1 == -- ]] && shift
	t0=$(date +%s%N)
	run --separate-stderr "$@" </dev/null
	t1=$(date +%s%N)
	elapsed=$(( (t1 - t0) / 1000000 ))
	if ((status != want)); then
		why="exit $status, want $want"
	elif ((elapsed > bound * 1000)); then
		why="took ${elapsed} ms, bound ${bound} s"
	elif grep -qE 'AddressSanitizer|UndefinedBehaviorSanitizer|runtime error:' <<<"$stderr"; then
		why="sanitizer report"
	elif ((want != 0)) && [[ -n ${CASE_LOOSE:-} ]]; then
		# make: its own lines and the stages' output; one names the cause.
		grep -qE -- "$pattern" <<<"$stderr" ||
			why="no line of stderr matches /$pattern/"
	elif ((want != 0)); then
		# Retry notices come first (quiet with -q); then one line says why.
		last=$(grep -v -E "$NOTICE" <<<"$stderr")
		if [[ -n $output ]]; then
			why="stdout on failure: ${output:0:60}"
		elif (($(grep -c '' <<<"$last") != 1)); then
			why="stderr is not one line: $(head -c 200 <<<"$last" | tr '\n' '|')"
		elif ! grep -qE -- "$pattern" <<<"$last"; then
			why="stderr does not match /$pattern/: $last"
		fi
	fi
	[[ -n $why ]] && verdict="FAIL: $why"
	local got=$status
	if [[ -n ${CASE_LOOSE:-} ]] && ((status)); then
		got="$status: $(grep -E -- "$pattern" <<<"$stderr" | head -n1 | cut -c1-90)"
	elif ((status)); then
		got="$status: $(grep -v -E "$NOTICE" <<<"$stderr" | head -n1 | cut -c1-90)"
	fi
	printf '%s\t%s\t%s\t%s\t%d.%02d\t%s\n' "$surface" "$what" "$want" "$got" \
		$((elapsed / 1000)) $((elapsed % 1000 / 10)) "$verdict" >>"$FAULTS_OUT"
	if [[ -n $why ]]; then
		echo "$surface / $what: $why" >&2
		echo "stderr: $stderr" >&2
		return 1
	fi
}
