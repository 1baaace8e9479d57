#!/usr/bin/env bats
# shellcheck disable=SC2154 # output, stderr, stderr_lines: set by bats' run
# The AWS call layer's retries, backoff and clock-skew correction, for real:
# ssm-put and ssm-get talk to moto (IAM auth on, so every signature is
# checked) through tests/helpers/awsfault.py, a loopback proxy that forwards
# requests untouched or answers, drops or stalls them as a script says, and
# logs every attempt.  Not covered: a stall longer than the tools' 60 s HTTP
# timeout (there is no knob to shorten it), the 20 s backoff cap.

load lib/common

# fault SCRIPT: give the proxy a fault script (see tests/helpers/awsfault.py).
fault() {
	curl -sSf -X POST --data-binary "$1" "$FAULT_URL/_fault" >/dev/null
}

# calls OP: the proxy's log entries for AmazonSSM.OP, oldest first, as JSON.
calls() {
	curl -sSf "$FAULT_URL/_log" |
		jq -c --arg t "AmazonSSM.$1" '[.[] | select(.target == $t)]'
}

# stored NAME: "value<TAB>version" as moto holds it, asked past the proxy;
# "None" when there is no such parameter.
stored() {
	aws --endpoint-url "$MOTO_URL" ssm get-parameters --names "$1" \
		--query 'Parameters[0].[Value,Version]' --output text
}

# skew_case OFFSET: with the proxy's clock at now + OFFSET seconds, ssm-put's
# first request is refused with the server's Date; every later one, signed
# with the corrected clock, goes through, and the value is in moto.
skew_case() {
	local offset=$1 log
	fault "{\"clock\": {\"offset\": $offset}}"
	run -0 --separate-stderr ssm-put --name "$P" --value v1
	jq -e '.changed and .version == 1' <<<"$output"
	assert_equal "${#stderr_lines[@]}" 1
	[[ $stderr =~ ^'ssm-put: ssm AmazonSSM.GetParameter: the local clock is '([0-9]+)' s '(behind|ahead\ of)' the server'"'"'s; retrying with its time'$ ]]
	local want=${offset#-} dir=behind
	((offset > 0)) || dir='ahead of'
	((BASH_REMATCH[1] >= want - 2 && BASH_REMATCH[1] <= want + 2))
	assert_equal "${BASH_REMATCH[2]}" "$dir"
	log=$(curl -sSf "$FAULT_URL/_log")
	jq -e '[.[] | [.target, .action, .status]] == [
		["AmazonSSM.GetParameter", "skew", 400],
		["AmazonSSM.GetParameter", "forward", 400],
		["AmazonSSM.PutParameter", "forward", 200]]' <<<"$log"
	jq -e --argjson off "$offset" 'map(.amz_date | strptime("%Y%m%dT%H%M%SZ") | mktime) |
		(.[1] - .[0] - $off | fabs) <= 5' <<<"$log"
	assert_equal "$(stored "$P")" $'v1\t1'
}

fault_start() {
	local dir=$BATS_FILE_TMPDIR/awsfault i
	mkdir -p "$dir"
	python3 "$DK_ROOT/tests/helpers/awsfault.py" --upstream "$MOTO_URL" \
		>"$dir/port" 2>"$dir/log" &
	echo $! >"$dir/pid"
	FAULT_PIDFILE=$dir/pid
	for ((i = 0; i < 100; i++)); do
		[[ -s $dir/port ]] && break
		kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
		sleep 0.1
	done
	FAULT_URL=http://127.0.0.1:$(cat "$dir/port")
	FAULT_HOST=${FAULT_URL#http://}
	wait_http "$FAULT_URL/_fault"
	export FAULT_URL FAULT_HOST FAULT_PIDFILE
}

setup_file() {
	# One proxy and one fault script for the whole file: one test at a time.
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
	moto_start
	fault_start
}

teardown_file() {
	kill_pid "$FAULT_PIDFILE"
	moto_stop
}

setup() {
	moto_env
	export AWS_ENDPOINT_URL=$FAULT_URL
	P=/faults/$BATS_TEST_NUMBER/version
	fault '{"reset": true}'
}

@test "503 twice, then moto: exit 0 on the 3rd attempt; each retry announced and waited for" {
	fault '{"faults": [{"target": "PutParameter", "count": 2, "status": 503,
		"body": {"__type": "ServiceUnavailable"}}]}'
	run -0 --separate-stderr ssm-put --name "$P" --value v1
	jq -e '.changed and .version == 1 and .previous == null' <<<"$output"
	assert_equal "${#stderr_lines[@]}" 2
	local notice='ssm-put: ssm AmazonSSM.PutParameter: ServiceUnavailable (HTTP 503); retrying in '
	[[ ${stderr_lines[0]} =~ ^"$notice"([0-9]+\.[0-9])' s (attempt 2 of 3)'$ ]]
	local w1=${BASH_REMATCH[1]}
	[[ ${stderr_lines[1]} =~ ^"$notice"([0-9]+\.[0-9])' s (attempt 3 of 3)'$ ]]
	local w2=${BASH_REMATCH[1]}
	log=$(calls PutParameter)
	jq -e '[.[].status] == [503, 503, 200] and [.[].forwarded] == [false, false, true]' <<<"$log"
	# Full jitter under a cap that doubles: at most 1 s, then 2 s; and the
	# tool slept what it announced (the notice is rounded to 0.1 s).
	jq -e --argjson w1 "$w1" --argjson w2 "$w2" '$w1 <= 1 and $w2 <= 2 and
		.[1].t0 - .[0].t1 >= $w1 - 0.06 and .[2].t0 - .[1].t1 >= $w2 - 0.06' <<<"$log"
	assert_equal "$(stored "$P")" $'v1\t1'
}

@test "-q: the same retries, no notices" {
	fault '{"faults": [{"target": "PutParameter", "count": 2, "status": 503,
		"body": {"__type": "ServiceUnavailable"}, "headers": {"x-amz-retry-after": "10"}}]}'
	run -0 --separate-stderr ssm-put -q --name "$P" --value v1
	assert_equal "$stderr" ''
	jq -e 'length == 3' <<<"$(calls PutParameter)"
}

@test "503 for longer than AWS_MAX_ATTEMPTS: exit 3, one line naming the code, nothing written" {
	fault '{"faults": [{"target": "GetParameter", "count": 9, "status": 503,
		"body": {"__type": "ServiceUnavailable", "message": "Service Unavailable"},
		"headers": {"x-amz-retry-after": "10"}}]}'
	AWS_MAX_ATTEMPTS=2 run -3 --separate-stderr ssm-put --name "$P" --value v1
	[ -z "$output" ]
	assert_equal "${#stderr_lines[@]}" 2
	assert_equal "${stderr_lines[0]}" 'ssm-put: ssm AmazonSSM.GetParameter: ServiceUnavailable (HTTP 503); retrying in 0.0 s (attempt 2 of 2)'
	assert_equal "${stderr_lines[1]}" 'ssm-put: ServiceUnavailable: Service Unavailable (after retries)'
	jq -e 'length == 2' <<<"$(calls GetParameter)"
	AWS_MAX_ATTEMPTS=4 run -3 --separate-stderr ssm-put -q --name "$P" --value v1
	assert_equal "$stderr" 'ssm-put: ServiceUnavailable: Service Unavailable (after retries)'
	jq -e 'length == 6' <<<"$(calls GetParameter)"
	jq -e 'length == 0' <<<"$(calls PutParameter)"
	assert_equal "$(stored "$P")" None
}

@test "ThrottlingException with x-amz-retry-after: the wait is the server's, not the jitter" {
	# 1100 ms: more than the first retry's jitter can ever give (1 s).
	fault '{"faults": [{"target": "GetParameter", "status": 400,
		"body": {"__type": "ThrottlingException", "message": "Rate exceeded"},
		"headers": {"x-amz-retry-after": "1100"}}]}'
	run -0 --separate-stderr ssm-put --name "$P" --value v1
	assert_equal "$stderr" 'ssm-put: ssm AmazonSSM.GetParameter: ThrottlingException (HTTP 400); retrying in 1.1 s (attempt 2 of 3)'
	jq -e '[.[].status] == [400, 400] and .[1].t0 - .[0].t1 >= 1.05' <<<"$(calls GetParameter)"
}

@test "TooManyUpdates on the write: retried after x-amz-retry-after, written once" {
	fault '{"faults": [{"target": "PutParameter", "count": 2, "status": 400,
		"body": {"__type": "TooManyUpdates", "message": "There are concurrent updates for the resource that you are trying to modify. Please try again."},
		"headers": {"x-amz-retry-after": "50"}}]}'
	run -0 --separate-stderr ssm-put --name "$P" --value v1
	jq -e '.version == 1' <<<"$output"
	assert_equal "${#stderr_lines[@]}" 2
	[[ ${stderr_lines[1]} == 'ssm-put: ssm AmazonSSM.PutParameter: TooManyUpdates (HTTP 400); retrying in 0.1 s (attempt 3 of 3)' ]]
	jq -e '[.[].status] == [400, 400, 200] and
		.[1].t0 - .[0].t1 >= 0.04 and .[2].t0 - .[1].t1 >= 0.04' <<<"$(calls PutParameter)"
	assert_equal "$(stored "$P")" $'v1\t1'
}

@test "ValidationException: exit 1 at once, one attempt, the AWS message" {
	fault '{"faults": [{"target": "PutParameter", "count": 3, "status": 400,
		"body": {"__type": "ValidationException", "message": "1 validation error detected: Value at \"tier\" failed to satisfy constraint"},
		"headers": {"x-amz-retry-after": "10"}}]}'
	run -1 --separate-stderr ssm-put --name "$P" --value v1
	[ -z "$output" ]
	assert_equal "$stderr" 'ssm-put: ValidationException: 1 validation error detected: Value at "tier" failed to satisfy constraint'
	jq -e 'length == 1' <<<"$(calls PutParameter)"
	# The two answers left in the script were never asked for.
	curl -sSf "$FAULT_URL/_fault" | jq -e '.faults[0].count == 2'
	assert_equal "$(stored "$P")" None
}

@test "an HTML 500 from a load balancer: retried, then exit 3 naming HTTP 500 and the host" {
	fault '{"faults": [{"target": "GetParameter", "count": 2, "status": 500,
		"body": "<html><body><h1>500 Internal Server Error</h1></body></html>",
		"headers": {"Content-Type": "text/html"}}]}'
	AWS_MAX_ATTEMPTS=2 run -3 --separate-stderr ssm-put --name "$P" --value v1
	assert_equal "${#stderr_lines[@]}" 2
	[[ ${stderr_lines[0]} == 'ssm-put: ssm AmazonSSM.GetParameter: server error (HTTP 500); retrying in '*' s (attempt 2 of 2)' ]]
	assert_equal "${stderr_lines[1]}" "ssm-put: ssm AmazonSSM.GetParameter: HTTP 500 from $FAULT_HOST (after retries)"
	jq -e 'length == 2' <<<"$(calls GetParameter)"
	jq -e 'length == 0' <<<"$(calls PutParameter)"
}

@test "a malformed 2xx answer: exit 3 with one line, not retried, no crash" {
	AWS_ENDPOINT_URL=$MOTO_URL ssm-put -q --name "$P" --value v1 >/dev/null
	# moto's own answer, cut in half: complete as HTTP, broken as JSON.
	fault '{"faults": [{"target": "GetParameter", "action": "truncate"}]}'
	run -3 --separate-stderr ssm-put --name "$P" --value v2
	[ -z "$output" ]
	assert_equal "${#stderr_lines[@]}" 1
	[[ $stderr == "ssm-put: GetParameter: malformed answer from $AWS_ENDPOINT_URL: "?* ]]
	jq -e '[.[].status] == [200]' <<<"$(calls GetParameter)"
	jq -e 'length == 0' <<<"$(calls PutParameter)"
	# The write went through, its answer did not: exit 3, and moto has it.
	fault '{"faults": [{"target": "PutParameter", "status": 200, "body": "{\"Version\":", "forward": true}]}'
	run -3 --separate-stderr ssm-put --name "$P" --value v2
	assert_equal "$stderr" "ssm-put: PutParameter: malformed answer from $AWS_ENDPOINT_URL: unexpected token near end of file"
	assert_equal "$(stored "$P")" $'v2\t2'
	fault '{"faults": [{"target": "GetParameter", "status": 200, "body": "<html>maintenance</html>", "headers": {"Content-Type": "text/html"}}]}'
	run -3 --separate-stderr ssm-get "$P"
	[[ $stderr == "ssm-get: GetParameter: malformed answer from $AWS_ENDPOINT_URL: "?* ]]
	fault '{"faults": [{"target": "GetParameter", "status": 200, "body": {"Parameter": {"Name": "x"}}}]}'
	run -3 --separate-stderr ssm-get "$P"
	assert_equal "$stderr" "ssm-get: GetParameter $P: malformed answer from AWS"
}

@test "a connection closed before or after the request reached moto: retried, then success" {
	fault '{"faults": [{"target": "GetParameter", "action": "drop"}]}'
	run -0 --separate-stderr ssm-put --name "$P" --value v1
	jq -e '.changed and .version == 1' <<<"$output"
	assert_equal "${#stderr_lines[@]}" 1
	[[ $stderr == "ssm-put: ssm AmazonSSM.GetParameter: POST $FAULT_HOST: "*'; retrying in '*' s (attempt 2 of 3)' ]]
	jq -e '[.[].action] == ["drop", "forward"] and [.[].forwarded] == [false, true]' <<<"$(calls GetParameter)"
	assert_equal "$(stored "$P")" $'v1\t1'
	# moto answered, the answer was lost: a read is simply asked again.
	fault '{"reset": true, "faults": [{"target": "GetParameter", "action": "drop_after"}]}'
	run -0 --separate-stderr ssm-get "$P"
	jq -e '.value == "v1"' <<<"$output"
	[[ $stderr == "ssm-get: ssm AmazonSSM.GetParameter: POST $FAULT_HOST: "*'(attempt 2 of 3)' ]]
	jq -e '[.[].action] == ["drop_after", "forward"] and [.[].forwarded] == [true, true]' <<<"$(calls GetParameter)"
}

@test "an answer cut off mid-body after moto wrote: retried like any connection error, so written twice" {
	fault '{"faults": [{"target": "PutParameter", "action": "short"}]}'
	run -0 --separate-stderr ssm-put --name "$P" --value v1
	assert_equal "${#stderr_lines[@]}" 1
	[[ $stderr == "ssm-put: ssm AmazonSSM.PutParameter: POST $FAULT_HOST: "*'; retrying in '*' s (attempt 2 of 3)' ]]
	jq -e '[.[].forwarded] == [true, true]' <<<"$(calls PutParameter)"
	# As with the SDKs' standard mode: a write is retried too.  Same value,
	# new version; "previous" is what was there before the run.
	jq -e '.version == 2 and .previous == null' <<<"$output"
	assert_equal "$(stored "$P")" $'v1\t2'
}

@test "AWS_MAX_ATTEMPTS=1: a write whose connection drops after moto did it is sent once" {
	# libcurl re-sends once on its own when a kept-alive connection dies
	# before answering; one attempt asked for uses a new connection, which
	# it never re-sends on.  (With more attempts, that re-send stays inside
	# one counted attempt: see awsapi.h.)
	fault '{"faults": [{"target": "PutParameter", "action": "drop_after"}]}'
	AWS_MAX_ATTEMPTS=1 run -3 --separate-stderr ssm-put --name "$P" --value v1
	[[ $stderr == "ssm-put: POST $FAULT_HOST: "* ]]
	jq -e 'length == 1' <<<"$(calls PutParameter)"
	assert_equal "$(stored "$P")" $'v1\t1'
}

@test "a slow answer within the HTTP timeout is waited for, not retried" {
	fault '{"faults": [{"target": "GetParameter", "action": "stall", "seconds": 0.5}]}'
	run -0 --separate-stderr ssm-put --name "$P" --value v1
	assert_equal "$stderr" ''
	jq -e 'length == 1 and .[0].t1 - .[0].t0 >= 0.5' <<<"$(calls GetParameter)"
}

@test "ssm-get through the proxy: a reset connection and a throttle, then the value" {
	AWS_ENDPOINT_URL=$MOTO_URL ssm-put -q --name "$P" --value got-it >/dev/null
	fault '{"faults": [{"target": "GetParameter", "action": "drop", "rst": true},
		{"target": "GetParameter", "status": 400, "body": {"__type": "ThrottlingException", "message": "Rate exceeded"},
		 "headers": {"x-amz-retry-after": "10"}}]}'
	run -0 --separate-stderr ssm-get "$P"
	jq -e --arg n "$P" '.name == $n and .value == "got-it" and .version == 1' <<<"$output"
	assert_equal "${#stderr_lines[@]}" 2
	[[ ${stderr_lines[0]} == "ssm-get: ssm AmazonSSM.GetParameter: POST $FAULT_HOST: "*'(attempt 2 of 3)' ]]
	assert_equal "${stderr_lines[1]}" 'ssm-get: ssm AmazonSSM.GetParameter: ThrottlingException (HTTP 400); retrying in 0.0 s (attempt 3 of 3)'
	jq -e '[.[].action] == ["drop", "respond", "forward"]' <<<"$(calls GetParameter)"
	fault '{"faults": [{"target": "GetParameter", "count": 2, "status": 503, "body": {"__type": "ServiceUnavailable"}, "headers": {"x-amz-retry-after": "10"}}]}'
	AWS_MAX_ATTEMPTS=2 run -3 --separate-stderr ssm-get -q "$P"
	assert_equal "$stderr" 'ssm-get: ServiceUnavailable (HTTP 503) (after retries)'
}

@test "server clock 1 h ahead: one correction from its Date, then written" {
	skew_case 3600
	# What the tool was told, as SSM words it, with the server's Date.
	local code date
	code=$(curl -sS -X POST -H 'X-Amz-Date: 20200101T000000Z' \
		-H 'X-Amz-Target: AmazonSSM.GetParameter' \
		-H 'Content-Type: application/x-amz-json-1.1' -d '{}' \
		-D "$BATS_TEST_TMPDIR/headers" -o "$BATS_TEST_TMPDIR/body" -w '%{http_code}' "$FAULT_URL/")
	assert_equal "$code" 400
	jq -e '.__type == "InvalidSignatureException" and (.message |
		test("^Signature expired: 20200101T000000Z is now earlier than [0-9]{8}T[0-9]{6}Z \\([0-9]{8}T[0-9]{6}Z - 5 min\\.\\)$"))' \
		"$BATS_TEST_TMPDIR/body"
	date=$(sed -n 's/^Date: \(.*\)\r$/\1/p' "$BATS_TEST_TMPDIR/headers")
	(($(date -d "$date" +%s) - $(date +%s) >= 3590))
}

@test "server clock 1 h behind: one correction the other way, then written" {
	skew_case -3600
}

@test "the correction is outside the attempt count: AWS_MAX_ATTEMPTS=1 still corrects" {
	AWS_ENDPOINT_URL=$MOTO_URL ssm-put -q --name "$P" --value v1 >/dev/null
	fault '{"clock": {"offset": 3600}}'
	AWS_MAX_ATTEMPTS=1 run -0 --separate-stderr ssm-get "$P"
	jq -e '.value == "v1"' <<<"$output"
	[[ $stderr == *'the local clock is '*' s behind the server'* ]]
	jq -e '[.[].action] == ["skew", "forward"]' <<<"$(calls GetParameter)"
}

@test "skew that persists after the correction: no loop, exit 1 after 2 attempts, nothing written" {
	# The server's Date says +2 h, its signature check runs at +1 h.
	fault '{"clock": {"offset": 3600, "date_offset": 7200}}'
	run -1 --separate-stderr ssm-put --name "$P" --value v1
	[ -z "$output" ]
	assert_equal "${#stderr_lines[@]}" 2
	[[ ${stderr_lines[0]} == *'the local clock is 7'*' s behind the server'* ]]
	[[ ${stderr_lines[1]} == 'ssm-put: InvalidSignatureException: Signature not yet current: '* ]]
	jq -e '[.[].action] == ["skew", "skew"]' <<<"$(calls GetParameter)"
	jq -e 'length == 0' <<<"$(calls PutParameter)"
	assert_equal "$(stored "$P")" None
	# A skew error with no Date to learn from: exit 1 at once.
	fault '{"reset": true, "faults": [{"status": 400, "body": {"__type": "InvalidSignatureException", "message": "Signature expired"}, "headers": {"Date": null}}]}'
	run -1 --separate-stderr ssm-put --name "$P" --value v1
	assert_equal "$stderr" 'ssm-put: InvalidSignatureException: Signature expired'
	jq -e 'length == 1' <<<"$(calls GetParameter)"
}

@test "a wrong secret through the proxy: moto's refusal has a current Date, so no correction, exit 1" {
	AWS_SECRET_ACCESS_KEY=wrong run -1 --separate-stderr ssm-put --name "$P" --value v1
	assert_equal "${#stderr_lines[@]}" 1
	[[ $stderr != *'clock'* ]]
	jq -e 'length == 1 and .[0].forwarded' <<<"$(calls GetParameter)"
}
