#!/usr/bin/env bats
# shellcheck disable=SC2154 # output, stderr, status: set by bats' run
# The bad-input corpus: every row of tests/bad-input.tsv (see its header
# for the columns) runs as its own test, against one moto behind
# tests/helpers/awsfault.py and one GitHub simulator behind the validating
# proxy.  Each row checks:
#   - the exit status is the one in the table, and not a signal;
#   - nothing on stdout (no half result); for docker-credential-ecr-token,
#     whose protocol puts failures on stdout, one line there and nothing on
#     stderr;
#   - stderr is one line, "TOOL: ...", holding the message fragment (a
#     usage error may add the usage text, exactly as --help prints it);
#     for make, one line besides make's own "*** [...] Error N" trailers,
#     and on stdout at most the stages' "deploy: ..." progress lines;
#   - no sanitizer report, no secret (CANARY..., the test keys and tokens);
#   - exit 2: nothing reached moto or the simulator.
# The @test lines at the end are written from the table by
# tests/bad-input/sync; the first test fails when they are out of step.

load lib/common
load lib/gh

BI_TABLE=$DK_ROOT/tests/bad-input.tsv
BI_DIR=$DK_ROOT/tests/bad-input
AWS_TOOLS=' sigv4-curl ssm-put ssm-get ecr-token docker-credential-ecr-token sts-assume '
GH_TOOLS=' gh-dispatch gh-wait gh-app-token '

fault_start() {
	local dir=$BATS_FILE_TMPDIR/awsfault i
	mkdir -p "$dir"
	python3 "$DK_ROOT/tests/helpers/awsfault.py" --upstream "$MOTO_URL" \
		>"$dir/port" 2>"$dir/log" &
	echo $! >"$dir/pid"
	FAULT_PIDFILE=$dir/pid
	FAULT_LOG=$dir/log
	for ((i = 0; i < 100; i++)); do
		[[ -s $dir/port ]] && break
		sleep 0.1
	done
	FAULT_URL=http://127.0.0.1:$(cat "$dir/port")
	wait_http "$FAULT_URL/_fault"
	export FAULT_URL FAULT_PIDFILE FAULT_LOG
}

# Files the rows name as $FX/...: token files of every wrong kind, GitHub
# App keys (a good one and three that are not usable), and an application
# repository for the make rows.
fixtures() {
	FX=$BATS_FILE_TMPDIR/fx
	mkdir -p "$FX/dir"
	printf 'ghp_CANARYfileToken\n' >"$FX/token"
	head -c 5000 /dev/zero | tr '\0' a >"$FX/token-big"
	: >"$FX/token-empty"
	printf ' \n\t\n' >"$FX/token-blank"
	printf 'ghp_CANARY\0tail\n' >"$FX/token-nul"
	printf 'ghp_CANARY inner space\n' >"$FX/token-space"
	ln -s token "$FX/token-link"
	mkfifo "$FX/token-fifo"
	chmod 600 "$FX"/token*
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$FX/app.pem" 2>/dev/null
	openssl pkey -in "$FX/app.pem" -pubout -out "$FX/app.pub"
	openssl pkey -in "$FX/app.pem" -aes128 -passout pass:CANARYpass -out "$FX/encrypted.pem"
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$FX/rsa1024.pem" 2>/dev/null
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$FX/ec.pem"
	mkdir -p "$FX/app"
	cat >"$FX/app/Makefile" <<MK
.PHONY: all
all:
	@echo the app default goal
include $DK_ROOT/mk/deploy.mk
MK
	git -C "$FX/app" init -q
	git -C "$FX/app" add Makefile
	git -C "$FX/app" -c user.name=t -c user.email=t@t.invalid commit -q -m app
	export FX
}

setup_file() {
	# One fault script, one simulator log: one test at a time.
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
	moto_start
	fault_start
	ghsim_start 20
	# One repository and token for every gh-* row (see tests/lib/gh.bash).
	GH_REPO_NAME=bad-input gh_setup
	fixtures
	sim_app 4242 "$FX/app.pub"
	# The rows, one file each, so that a test reads its own without a
	# process (a few hundred tests: each millisecond counts).
	mkdir -p "$BATS_FILE_TMPDIR/rows"
	awk -F'\t' -v d="$BATS_FILE_TMPDIR/rows" '!/^#/ && NF { print > (d "/" $1) }' "$BI_TABLE"
	# The base environment of every row (the table's header says it).
	moto_env
	ssm-put -q --name /bad-input/one --value v1 >/dev/null
	unset AWS_DEFAULT_REGION GH_TOKEN GITHUB_TOKEN GITHUB_API_URL GITHUB_ACTIONS GITHUB_ENV \
		GITHUB_REPOSITORY GITHUB_RUN_ID ACTIONS_ID_TOKEN_REQUEST_URL \
		ACTIONS_ID_TOKEN_REQUEST_TOKEN GH_APP_ID GH_APP_PRIVATE_KEY ENV NO_COLOR \
		DEPLOYKIT_ECR_REGISTRY_ID DEPLOYKIT_NO_CACHE
	export AWS_ENDPOINT_URL=$FAULT_URL AWS_MAX_ATTEMPTS=1
}

teardown_file() {
	ghsim_stop
	kill_pid "$FAULT_PIDFILE"
	moto_stop
}

setup() {
	export HOME=$BATS_TEST_TMPDIR XDG_CACHE_HOME=$BATS_TEST_TMPDIR/cache
	GH_ROW='' GH_FAULTS='' AWS_FAULTS='' BI_KNOWN_BUG=''
}

teardown() {
	[[ -z $GH_FAULTS ]] || sim DELETE /_sim/faults >/dev/null
	[[ -z $AWS_FAULTS ]] || curl -sSf -X POST "$FAULT_URL/_reset" >/dev/null
}

# nlines VAR FILE: set VAR to the number of lines of FILE (0: no file).
nlines() {
	local -a l=()
	[[ ! -f $2 ]] || mapfile -t l <"$2"
	printf -v "$1" %d "${#l[@]}"
}

# For a row's setup column.
# aws_fault SCRIPT: give the fault proxy a script (tests/helpers/awsfault.py).
aws_fault() {
	AWS_FAULTS=1
	curl -sSf -X POST --data-binary "$1" "$FAULT_URL/_fault" >/dev/null
}

# sim_faults RULE...: as tests/lib/gh.bash's, cleared after the row.
sim_faults() {
	GH_FAULTS=1
	local r
	r=$(printf '%s\n' "$@" | jq -sc '{rules: .}')
	sim POST /_sim/faults "$r" >/dev/null
}

# known_bug TEXT: the row shows a bug in a file this corpus may not fix:
# skip while it fails, and fail once it passes (then drop the marker).
known_bug() {
	BI_KNOWN_BUG=$1
}

# row_fail WHAT: say what is wrong with the row's run, and fail.
row_fail() {
	{
		echo "row $r_id: $*"
		echo "  table: $r_tool $r_args | env: $r_env | stdin: $r_stdin | setup: $r_setup"
		echo "  want exit $r_exit and: $r_msg"
		echo "  got exit $status"
		echo "  stdout: ${output:0:2000}"
		echo "  stderr: ${stderr:0:2000}"
	} >&2
	return 1
}

# check_row: the row's run against the table.  0, or 1 after row_fail.
check_row() {
	local err=$stderr help line secret n
	local -a lines=()

	if ((status != r_exit)); then
		if ((status > 128 && status != 130 && status != 143)); then
			row_fail "killed by signal $((status - 128))"
		elif ((status == 124)); then
			row_fail "still running after 60 s"
		else
			row_fail "exit $status, want $r_exit"
		fi
		return 1
	fi
	if [[ $stderr$output == *Sanitizer* || $stderr$output == *'runtime error:'* ]]; then
		row_fail "sanitizer report"
		return 1
	fi
	for secret in CANARY "$MOTO_SK" "$MOTO_SK2" "$TOKEN"; do
		if [[ $stderr$output == *"$secret"* ]]; then
			row_fail "a secret shows in the output"
			return 1
		fi
	done
	if [[ -n $GH_ROW ]]; then
		nlines n "$GHSIM_DIR/violations.jsonl"
		if ((n != GH_VIOLATIONS)); then
			row_fail "the validating proxy saw an exchange GitHub's description does not allow:" \
				"$(tail -n +$((GH_VIOLATIONS + 1)) "$GHSIM_DIR/violations.jsonl")"
			return 1
		fi
		nlines n "$GHSIM_DIR/requests.jsonl"
		if ((r_exit == 2 && n != GH_SEEN)); then
			row_fail "exit 2, but a request reached GitHub"
			return 1
		fi
	elif [[ $AWS_TOOLS == *" $r_tool "* ]]; then
		nlines n "$FAULT_LOG"
		if ((r_exit == 2 && n != AWS_SEEN)); then
			row_fail "exit 2, but a request reached AWS"
			return 1
		fi
	fi
	case $r_tool in
	docker-credential-ecr-token)
		# The protocol: the failure's text on stdout, exit 1.
		[[ -z $stderr ]] || { row_fail "stderr not empty"; return 1; }
		[[ $output != *$'\n'* ]] || { row_fail "more than one line on stdout"; return 1; }
		[[ $output == *"$r_msg"* ]] || { row_fail "message not on stdout"; return 1; }
		return 0
		;;
	make)
		# Stages say what they do on stdout ("deploy: target ..."):
		# nothing else, no command, no result.
		while IFS= read -r line; do
			[[ -z $line || $line == 'deploy: '* ]] ||
				{ row_fail "stdout: more than progress lines"; return 1; }
		done <<<"$output"
		while IFS= read -r line; do
			[[ $line == 'make: *** ['*'] Error '[0-9]* ]] || lines+=("$line")
		done <<<"$err"
		((${#lines[@]} == 1)) || { row_fail "${#lines[@]} lines of messages, want 1"; return 1; }
		[[ ${lines[0]} == *"$r_msg"* ]] || { row_fail "message fragment not found"; return 1; }
		return 0
		;;
	esac
	[[ -z $output ]] || { row_fail "stdout not empty"; return 1; }
	if ((r_exit == 2)) && [[ $err == *$'\n'* ]]; then
		# A usage error may add the usage, exactly as --help prints it.
		help=$("$r_tool" --help 2>/dev/null) || true
		if [[ -n $help && $err == *$'\n'"$help" ]]; then
			err=${err%$'\n'"$help"}
		fi
	fi
	[[ -n $err ]] || { row_fail "no message"; return 1; }
	[[ $err != *$'\n'* ]] || { row_fail "more than one line on stderr"; return 1; }
	[[ $err == "$r_tool: "* ]] || { row_fail "the message does not start with '$r_tool: '"; return 1; }
	[[ $err == *"$r_msg"* ]] || { row_fail "message fragment not found"; return 1; }
	return 0
}

# row ID: run the table's row ID and check it.
row() {
	local e in=/dev/null
	local -a args=() envs=() cmd=("$1")

	[[ -f $BATS_FILE_TMPDIR/rows/$1 ]] || { echo "row $1: not in $BI_TABLE" >&2; return 1; }
	IFS=$'\t' read -r r_id r_tool r_args r_env r_stdin r_exit r_msg r_setup \
		<"$BATS_FILE_TMPDIR/rows/$1"
	cmd=("$r_tool")
	if [[ $GH_TOOLS == *" $r_tool "* ]]; then
		GH_ROW=1
		gh_env
		nlines GH_SEEN "$GHSIM_DIR/requests.jsonl"
		nlines GH_VIOLATIONS "$GHSIM_DIR/violations.jsonl"
	elif [[ $AWS_TOOLS == *" $r_tool "* ]]; then
		nlines AWS_SEEN "$FAULT_LOG"
	elif [[ $r_tool == make ]]; then
		app=$BATS_TEST_TMPDIR/app
		cp -a "$FX/app" "$app"
		cmd=(make -C "$app" --no-print-directory)
	fi
	[[ $r_args == - ]] || eval "args=($r_args)"
	[[ $r_env == - ]] || eval "envs=($r_env)"
	for e in "${envs[@]}"; do
		if [[ $e == -* ]]; then unset "${e#-}"; else export "${e?}"; fi
	done
	[[ $r_setup == - ]] || eval "$r_setup"
	case $r_stdin in
	-) ;;
	@*) eval "in=${r_stdin#@}" ;;
	'|'*)
		in=$BATS_TEST_TMPDIR/stdin
		eval "${r_stdin#|}" >"$in"
		;;
	*)
		in=$BATS_TEST_TMPDIR/stdin
		printf '%b' "$r_stdin" >"$in"
		;;
	esac
	run --separate-stderr timeout -k 5 60 "${cmd[@]}" "${args[@]}" <"$in"
	if [[ -n $BI_KNOWN_BUG ]]; then
		if check_row 2>/dev/null; then
			echo "row $r_id passes now: drop its known_bug marker" >&2
			return 1
		fi
		skip "known bug: $BI_KNOWN_BUG"
	fi
	check_row
}

@test "bad-input.tsv and the tests below are in step" {
	run -0 "$BI_DIR/sync" --check
}

# --- one test per row of bad-input.tsv, written by bad-input/sync: do not edit ---
@test "sc-arg-01 sigv4-curl: exit 2, no URL given" { row sc-arg-01; }
@test "sc-arg-02 sigv4-curl: exit 2, https://ssm.eu-west-1.amazonaws.com/: one URL per call" { row sc-arg-02; }
@test "sc-arg-03 sigv4-curl: exit 2, --secret-key: unknown option or missing argument" { row sc-arg-03; }
@test "sc-arg-04 sigv4-curl: exit 2, -Z: unknown option or missing argument" { row sc-arg-04; }
@test "sc-arg-05 sigv4-curl: exit 2, -X get: a method is upper-case letters" { row sc-arg-05; }
@test "sc-arg-06 sigv4-curl: exit 2, -H NoColon: not a header: write 'Name: value'" { row sc-arg-06; }
@test "sc-arg-07 sigv4-curl: exit 2, -H Authorization: sigv4-curl sets this header itself" { row sc-arg-07; }
@test "sc-arg-08 sigv4-curl: exit 2, invalid character in the header name" { row sc-arg-08; }
@test "sc-arg-09 sigv4-curl: exit 2, -H X-A: control character in the header value" { row sc-arg-09; }
@test "sc-arg-10 sigv4-curl: exit 2, too many -H headers (at most 64)" { row sc-arg-10; }
@test "sc-arg-11 sigv4-curl: exit 2, -d given twice: one body per request" { row sc-arg-11; }
@test "sc-arg-12 sigv4-curl: exit 2, --presign 0: want seconds from 1 to 604800" { row sc-arg-12; }
@test "sc-arg-13 sigv4-curl: exit 2, --presign -5: want seconds from 1 to 604800" { row sc-arg-13; }
@test "sc-arg-14 sigv4-curl: exit 2, --presign 99999999999999999999999: want seconds" { row sc-arg-14; }
@test "sc-arg-15 sigv4-curl: exit 2, --presign and --dry-run: choose one" { row sc-arg-15; }
@test "sc-arg-16 sigv4-curl: exit 2, --date 2015-08-30: want YYYYMMDDTHHMMSSZ" { row sc-arg-16; }
@test "sc-arg-17 sigv4-curl: exit 2, --connect-timeout 0: want a duration" { row sc-arg-17; }
@test "sc-arg-18 sigv4-curl: exit 2, --max-time 25h: want a duration" { row sc-arg-18; }
@test "sc-arg-19 sigv4-curl: exit 2, plain http is refused for a host that is not loopback" { row sc-arg-19; }
@test "sc-arg-20 sigv4-curl: exit 2, unsupported scheme ftp: use https" { row sc-arg-20; }
@test "sc-arg-21 sigv4-curl: exit 2, not a url: not a valid URL" { row sc-arg-21; }
@test "sc-arg-22 sigv4-curl: exit 2, credentials in a URL are refused" { row sc-arg-22; }
@test "sc-arg-23 sigv4-curl: exit 2, example.com: not a standard AWS host: give --service" { row sc-arg-23; }
@test "sc-arg-24 sigv4-curl: exit 2, eu west: not a valid region name" { row sc-arg-24; }
@test "sc-arg-25 sigv4-curl: exit 2, --service S3!: not a signing name" { row sc-arg-25; }
@test "sc-arg-26 sigv4-curl: exit 2, bad percent-escape" { row sc-arg-26; }
@test "sc-file-01 sigv4-curl: exit 2, is a directory" { row sc-file-01; }
@test "sc-file-02 sigv4-curl: exit 2, missing: No such file or directory" { row sc-file-02; }
@test "sc-file-03 sigv4-curl: exit 2, CA bundle /nonexistent/ca.pem: No such file or directory" { row sc-file-03; }
@test "sc-in-01 sigv4-curl: exit 2, -d @-: stdin is larger than 67108864 bytes" { row sc-in-01; }
@test "sc-env-01 sigv4-curl: exit 2, no region: give --region or set AWS_REGION" { row sc-env-01; }
@test "sc-env-02 sigv4-curl: exit 2, AWS_REGION=us east: not a valid region name" { row sc-env-02; }
@test "sc-env-03 sigv4-curl: exit 2, no AWS credentials: looked in the environment" { row sc-env-03; }
@test "sc-env-04 sigv4-curl: exit 2, AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not" { row sc-env-04; }
@test "sc-env-05 sigv4-curl: exit 2, bad session token" { row sc-env-05; }
@test "sc-cfg-01 sigv4-curl: exit 2, profile a uses AWS SSO, which deploykit does not speak" { row sc-cfg-01; }
@test "sc-srv-01 sigv4-curl: exit 1, ParameterNotFound" { row sc-srv-01; }
@test "sc-srv-02 sigv4-curl: exit 1, HTTP 503 from 127.0.0.1:" { row sc-srv-02; }
@test "sc-srv-03 sigv4-curl: exit 1, ValidationException: two lines (HTTP 400)" { row sc-srv-03; }
@test "sc-srv-04 sigv4-curl: exit 3, Empty reply from server" { row sc-srv-04; }
@test "sp-arg-01 ssm-put: exit 2, --name is required" { row sp-arg-01; }
@test "sp-arg-02 ssm-put: exit 2, --type Number: want String, StringList or SecureString" { row sp-arg-02; }
@test "sp-arg-03 ssm-put: exit 2, --tier Gold: want Standard, Advanced or Intelligent-Tiering" { row sp-arg-03; }
@test "sp-arg-04 ssm-put: exit 2, --data-type json: want text, aws:ec2:image or aws:ssm:int..." { row sp-arg-04; }
@test "sp-arg-05 ssm-put: exit 2, --key-id goes with --type SecureString" { row sp-arg-05; }
@test "sp-arg-06 ssm-put: exit 2, a SecureString value is a secret: give it on stdin" { row sp-arg-06; }
@test "sp-arg-07 ssm-put: exit 2, extra: unexpected argument" { row sp-arg-07; }
@test "sp-arg-08 ssm-put: exit 2, has space: parameter names take only letters, digits and ..." { row sp-arg-08; }
@test "sp-arg-09 ssm-put: exit 2, a hierarchical parameter name starts with '/'" { row sp-arg-09; }
@test "sp-arg-10 ssm-put: exit 2, /aws/x: parameter names may not begin with aws or ssm" { row sp-arg-10; }
@test "sp-arg-11 ssm-put: exit 2, 16 levels: at most 15" { row sp-arg-11; }
@test "sp-arg-12 ssm-put: exit 2, parameter name of 1012 characters: at most 1011" { row sp-arg-12; }
@test "sp-arg-13 ssm-put: exit 2, the parameter name is empty" { row sp-arg-13; }
@test "sp-arg-14 ssm-put: exit 2, the value is empty" { row sp-arg-14; }
@test "sp-arg-15 ssm-put: exit 2, value of 4097 bytes: the Standard tier holds at most 4096" { row sp-arg-15; }
@test "sp-arg-16 ssm-put: exit 2, --region eu west: not a valid region name" { row sp-arg-16; }
@test "sp-arg-17 ssm-put: exit 2, --bogus: unknown option or missing argument" { row sp-arg-17; }
@test "sp-arg-18 ssm-put: exit 2, --type: unknown option or missing argument" { row sp-arg-18; }
@test "sp-in-01 ssm-put: exit 2, stdin: the value holds a NUL byte" { row sp-in-01; }
@test "sp-in-02 ssm-put: exit 2, stdin: the value is larger than 8192 bytes" { row sp-in-02; }
@test "sp-in-03 ssm-put: exit 2, stdin: Is a directory" { row sp-in-03; }
@test "sp-in-04 ssm-put: exit 2, the value is empty" { row sp-in-04; }
@test "sp-env-01 ssm-put: exit 2, AWS_REGION=Mars-1: not a valid region name" { row sp-env-01; }
@test "sp-env-02 ssm-put: exit 2, no AWS region: set AWS_REGION, give --region" { row sp-env-02; }
@test "sp-env-03 ssm-put: exit 2, AWS_MAX_ATTEMPTS=0: expected a number from 1 to 20" { row sp-env-03; }
@test "sp-env-04 ssm-put: exit 2, AWS_MAX_ATTEMPTS=lots: expected a number" { row sp-env-04; }
@test "sp-env-05 ssm-put: exit 2, http://ssm.example.com: plain http is refused" { row sp-env-05; }
@test "sp-env-06 ssm-put: exit 2, AWS_ENDPOINT_URL: not an http:// or https:// URL with a host" { row sp-env-06; }
@test "sp-env-07 ssm-put: exit 2, AWS_ENDPOINT_URL: not an http:// or https:// URL" { row sp-env-07; }
@test "sp-env-08 ssm-put: exit 2, http://10.0.0.1: plain http is refused" { row sp-env-08; }
@test "sp-env-09 ssm-put: exit 2, AWS_USE_FIPS_ENDPOINT=maybe: expected true or false" { row sp-env-09; }
@test "sp-env-10 ssm-put: exit 2, AWS_PROFILE=nope: no such profile" { row sp-env-10; }
@test "sp-cfg-01 ssm-put: exit 2, unclosed-section:2: not a [section], name = value or comm..." { row sp-cfg-01; }
@test "sp-cfg-02 ssm-put: exit 2, profile a: source_profile loop: a -> b -> a" { row sp-cfg-02; }
@test "sp-cfg-03 ssm-put: exit 2, credential_process: the output has Version 2 (deploykit s..." { row sp-cfg-03; }
@test "sp-cfg-04 ssm-put: exit 2, credential_process: the credentials expired at 2001-01-01..." { row sp-cfg-04; }
@test "sp-cfg-05 ssm-put: exit 1, profile a: credential_process: exited with status 1" { row sp-cfg-05; }
@test "sp-srv-01 ssm-put: exit 3, GetParameter /bi/srv-01: malformed answer from AWS" { row sp-srv-01; }
@test "sp-srv-02 ssm-put: exit 3, PutParameter /bi/srv-02: malformed answer from AWS" { row sp-srv-02; }
@test "sp-srv-03 ssm-put: exit 3, PutParameter: malformed answer from http://127.0.0.1:" { row sp-srv-03; }
@test "sp-srv-04 ssm-put: exit 3, InternalServerError: boom (after retries)" { row sp-srv-04; }
@test "sp-srv-05 ssm-put: exit 1, AccessDenied" { row sp-srv-05; }
@test "sp-srv-06 ssm-put: exit 1, SignatureDoesNotMatch" { row sp-srv-06; }
@test "sg-arg-01 ssm-get: exit 2, no parameter name given" { row sg-arg-01; }
@test "sg-arg-02 ssm-get: exit 2, /bi/y: one parameter per call" { row sg-arg-02; }
@test "sg-arg-03 ssm-get: exit 2, --history 0: want a count from 1 to 100000" { row sg-arg-03; }
@test "sg-arg-04 ssm-get: exit 2, --history abc: want a count from 1 to 100000" { row sg-arg-04; }
@test "sg-arg-05 ssm-get: exit 2, --history -1: want a count" { row sg-arg-05; }
@test "sg-arg-06 ssm-get: exit 2, --history 18446744073709551617: want a count" { row sg-arg-06; }
@test "sg-arg-07 ssm-get: exit 2, --history and --previous: choose one" { row sg-arg-07; }
@test "sg-arg-08 ssm-get: exit 2, /bi/x:: empty selector after ':'" { row sg-arg-08; }
@test "sg-arg-09 ssm-get: exit 2, a :selector does not go with --history or --previous" { row sg-arg-09; }
@test "sg-arg-10 ssm-get: exit 2, bi x: parameter names take only letters" { row sg-arg-10; }
@test "sg-arg-11 ssm-get: exit 2, --region us_east_1: not a valid region name" { row sg-arg-11; }
@test "sg-arg-12 ssm-get: exit 2, --session-token: unknown option or missing argument" { row sg-arg-12; }
@test "sg-env-01 ssm-get: exit 2, AWS_DEFAULT_REGION=bad!: not a valid region name" { row sg-env-01; }
@test "sg-env-02 ssm-get: exit 2, AWS_USE_DUALSTACK_ENDPOINT=yes: expected true or false" { row sg-env-02; }
@test "sg-env-03 ssm-get: exit 2, bad or missing secret access key" { row sg-env-03; }
@test "sg-cfg-01 ssm-get: exit 2, no-equals:3: not a [section], name = value or comment line" { row sg-cfg-01; }
@test "sg-cfg-02 ssm-get: exit 2, region = eu west 1: not a valid region name" { row sg-cfg-02; }
@test "sg-cfg-03 ssm-get: exit 2, max_attempts = lots: expected a number from 1 to 20" { row sg-cfg-03; }
@test "sg-cfg-04 ssm-get: exit 2, http://ssm.example.com: plain http is refused" { row sg-cfg-04; }
@test "sg-cfg-05 ssm-get: exit 2, profile a: source_profile missing does not exist" { row sg-cfg-05; }
@test "sg-cfg-06 ssm-get: exit 2, profile a has role_arn but neither source_profile nor cre..." { row sg-cfg-06; }
@test "sg-cfg-07 ssm-get: exit 2, profile a has aws_access_key_id but no aws_secret_access_key" { row sg-cfg-07; }
@test "sg-cfg-08 ssm-get: exit 2, credential_process: the output is not a JSON object" { row sg-cfg-08; }
@test "sg-cfg-09 ssm-get: exit 2, credential_process: the output is empty" { row sg-cfg-09; }
@test "sg-cfg-10 ssm-get: exit 2, credential_process: the output has no Version" { row sg-cfg-10; }
@test "sg-cfg-11 ssm-get: exit 2, credential_process: Version is not the number 1" { row sg-cfg-11; }
@test "sg-cfg-12 ssm-get: exit 2, credential_process: SecretAccessKey is missing" { row sg-cfg-12; }
@test "sg-cfg-13 ssm-get: exit 2, dir: not a regular file" { row sg-cfg-13; }
@test "sg-cfg-14 ssm-get: exit 2, unclosed-section:2: not a [section], name = value or comm..." { row sg-cfg-14; }
@test "sg-cfg-15 ssm-get: exit 2, AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not" { row sg-cfg-15; }
@test "sg-cfg-16 ssm-get: exit 2, AWS_WEB_IDENTITY_TOKEN_FILE" { row sg-cfg-16; }
@test "sg-cfg-17 ssm-get: exit 2, AWS_CONTAINER_CREDENTIALS_FULL_URI: plain http to example..." { row sg-cfg-17; }
@test "sg-srv-01 ssm-get: exit 1, /bad-input/none: no such parameter" { row sg-srv-01; }
@test "sg-srv-02 ssm-get: exit 1, /bad-input/one:99: no such parameter version or label" { row sg-srv-02; }
@test "sg-srv-03 ssm-get: exit 1, /bad-input/one: no version before the current one" { row sg-srv-03; }
@test "sg-srv-04 ssm-get: exit 3, GetParameter: malformed answer from http://127.0.0.1:" { row sg-srv-04; }
@test "sg-srv-05 ssm-get: exit 3, GetParameter /bi/x: malformed answer from AWS" { row sg-srv-05; }
@test "sg-srv-06 ssm-get: exit 3, not a JSON object" { row sg-srv-06; }
@test "sg-srv-07 ssm-get: exit 3, end of file expected near 'trailing'" { row sg-srv-07; }
@test "sg-srv-08 ssm-get: exit 3, GetParameter: malformed answer from" { row sg-srv-08; }
@test "sg-srv-09 ssm-get: exit 3, transfer closed with" { row sg-srv-09; }
@test "sg-srv-10 ssm-get: exit 3, HTTP 502 from 127.0.0.1:" { row sg-srv-10; }
@test "sg-srv-11 ssm-get: exit 1, HTTP 403 from 127.0.0.1:" { row sg-srv-11; }
@test "sg-srv-12 ssm-get: exit 3, ThrottlingException: Rate exceeded (after retries)" { row sg-srv-12; }
@test "sg-srv-13 ssm-get: exit 3, GetParameterHistory /bi/x: malformed answer from AWS" { row sg-srv-13; }
@test "sg-srv-14 ssm-get: exit 3, GetParameterHistory /bi/x: malformed answer from AWS" { row sg-srv-14; }
@test "et-arg-01 ecr-token: exit 2, extra: unexpected argument (the registry goes in --registry)" { row et-arg-01; }
@test "et-arg-02 ecr-token: exit 2, -q and -v contradict each other: give one" { row et-arg-02; }
@test "et-arg-03 ecr-token: exit 2, --registry and --public contradict each other" { row et-arg-03; }
@test "et-arg-04 ecr-token: exit 2, --region x y: not a valid region name" { row et-arg-04; }
@test "et-arg-05 ecr-token: exit 2, --registry registry.example.com: not an ECR registry host" { row et-arg-05; }
@test "et-arg-06 ecr-token: exit 2, --region us-east-1 contradicts 123456789012.dkr.ecr.eu-we..." { row et-arg-06; }
@test "et-arg-07 ecr-token: exit 2, contradicts ECR Public, whose region is us-east-1" { row et-arg-07; }
@test "et-arg-08 ecr-token: exit 2, --password: unknown option or missing argument" { row et-arg-08; }
@test "et-arg-09 ecr-token: exit 2, --registry: unknown option or missing argument" { row et-arg-09; }
@test "et-env-01 ecr-token: exit 2, DEPLOYKIT_ECR_REGISTRY_ID abc: not an AWS account id (12 ..." { row et-env-01; }
@test "et-env-02 ecr-token: exit 2, not an AWS account id (12 digits)" { row et-env-02; }
@test "et-env-03 ecr-token: exit 2, no AWS region: set AWS_REGION, give --region" { row et-env-03; }
@test "et-env-04 ecr-token: exit 2, http://ecr.example.com: plain http is refused" { row et-env-04; }
@test "et-env-05 ecr-token: exit 2, no AWS credentials" { row et-env-05; }
@test "et-cfg-01 ecr-token: exit 2, profile a: credential_process: the output is not JSON" { row et-cfg-01; }
@test "et-srv-01 ecr-token: exit 3, GetAuthorizationToken: no authorizationData in the answer" { row et-srv-01; }
@test "et-srv-02 ecr-token: exit 3, GetAuthorizationToken: the authorization token is not base64" { row et-srv-02; }
@test "et-srv-03 ecr-token: exit 3, GetAuthorizationToken: the authorization token is not use..." { row et-srv-03; }
@test "et-srv-04 ecr-token: exit 3, GetAuthorizationToken: expiresAt is missing or not a time" { row et-srv-04; }
@test "et-srv-05 ecr-token: exit 3, GetAuthorizationToken: no proxyEndpoint in the answer" { row et-srv-05; }
@test "et-srv-06 ecr-token: exit 1, AccessDeniedException: not allowed" { row et-srv-06; }
@test "et-srv-07 ecr-token: exit 3, GetAuthorizationToken: malformed answer from" { row et-srv-07; }
@test "dh-arg-01 docker-credential-ecr-token: exit 1, usage: docker-credential-ecr-token get | list | store | e..." { row dh-arg-01; }
@test "dh-arg-02 docker-credential-ecr-token: exit 1, fetch: unknown action (want get, list, store or erase)" { row dh-arg-02; }
@test "dh-arg-03 docker-credential-ecr-token: exit 1, usage: docker-credential-ecr-token" { row dh-arg-03; }
@test "dh-arg-04 docker-credential-ecr-token: exit 1, unknown action" { row dh-arg-04; }
@test "dh-in-01 docker-credential-ecr-token: exit 1, no credentials server URL" { row dh-in-01; }
@test "dh-in-02 docker-credential-ecr-token: exit 1, no credentials server URL" { row dh-in-02; }
@test "dh-in-03 docker-credential-ecr-token: exit 1, credentials not found in native keychain" { row dh-in-03; }
@test "dh-in-04 docker-credential-ecr-token: exit 1, the server address holds a NUL byte" { row dh-in-04; }
@test "dh-in-05 docker-credential-ecr-token: exit 1, the server address is longer than 4096 bytes" { row dh-in-05; }
@test "dh-env-01 docker-credential-ecr-token: exit 1, DEPLOYKIT_ECR_REGISTRY_ID 12: not an AWS account id" { row dh-env-01; }
@test "dh-env-02 docker-credential-ecr-token: exit 1, no AWS credentials" { row dh-env-02; }
@test "dh-srv-01 docker-credential-ecr-token: exit 1, GetAuthorizationToken: malformed answer from" { row dh-srv-01; }
@test "gd-arg-01 gh-dispatch: exit 2, --repo is required" { row gd-arg-01; }
@test "gd-arg-02 gh-dispatch: exit 2, --workflow is required" { row gd-arg-02; }
@test "gd-arg-03 gh-dispatch: exit 2, --repo noslash: want OWNER/REPO" { row gd-arg-03; }
@test "gd-arg-04 gh-dispatch: exit 2, the owner must be 1 to 39 letters, digits or '-', not sta..." { row gd-arg-04; }
@test "gd-arg-05 gh-dispatch: exit 2, --repo org/: the repository name must be 1 to 100 characters" { row gd-arg-05; }
@test "gd-arg-06 gh-dispatch: exit 2, --repo org/infra.git: drop the .git suffix" { row gd-arg-06; }
@test "gd-arg-07 gh-dispatch: exit 2, --workflow deploy: a workflow file name ends in .yml or ...." { row gd-arg-07; }
@test "gd-arg-08 gh-dispatch: exit 2, give the file name in .github/workflows (deploy.yaml) or ..." { row gd-arg-08; }
@test "gd-arg-09 gh-dispatch: exit 2, --workflow 0: not a workflow ID" { row gd-arg-09; }
@test "gd-arg-10 gh-dispatch: exit 2, --ref a b: a ref cannot hold spaces, control characters" { row gd-arg-10; }
@test "gd-arg-11 gh-dispatch: exit 2, --ref main..x: not a valid branch or tag name" { row gd-arg-11; }
@test "gd-arg-12 gh-dispatch: exit 2, --ref -main: not a valid branch or tag name" { row gd-arg-12; }
@test "gd-arg-13 gh-dispatch: exit 2, --ref: empty" { row gd-arg-13; }
@test "gd-arg-14 gh-dispatch: exit 2, -f app: want KEY=VALUE" { row gd-arg-14; }
@test "gd-arg-15 gh-dispatch: exit 2, input 1app: a name starts with a letter or '_'" { row gd-arg-15; }
@test "gd-arg-16 gh-dispatch: exit 2, input APP: given twice" { row gd-arg-16; }
@test "gd-arg-17 gh-dispatch: exit 2, 26 inputs: GitHub takes at most 25" { row gd-arg-17; }
@test "gd-arg-18 gh-dispatch: exit 2, characters of JSON: GitHub takes at most 65535" { row gd-arg-18; }
@test "gd-arg-19 gh-dispatch: exit 2, --correlate-input: input 9id: a name starts with a letter..." { row gd-arg-19; }
@test "gd-arg-20 gh-dispatch: exit 2, --correlate-input app: the input is set by gh-dispatch, n..." { row gd-arg-20; }
@test "gd-arg-21 gh-dispatch: exit 2, --correlate-timeout 0: want a duration such as 90, 90s, 1..." { row gd-arg-21; }
@test "gd-arg-22 gh-dispatch: exit 2, extra: unexpected argument (inputs go in -f KEY=VALUE)" { row gd-arg-22; }
@test "gd-arg-23 gh-dispatch: exit 2, --token: unknown option (a secret is never taken from the..." { row gd-arg-23; }
@test "gd-arg-24 gh-dispatch: exit 2, --bogus: unknown option or missing argument" { row gd-arg-24; }
@test "gd-in-01 gh-dispatch: exit 2, stdin: not JSON: '[' or '{' expected near 'not'" { row gd-in-01; }
@test "gd-in-02 gh-dispatch: exit 2, stdin: want a JSON object of inputs" { row gd-in-02; }
@test "gd-in-03 gh-dispatch: exit 2, stdin: not JSON: end of file expected near 'trailing'" { row gd-in-03; }
@test "gd-in-04 gh-dispatch: exit 2, input app: want a string, number or boolean" { row gd-in-04; }
@test "gd-in-05 gh-dispatch: exit 2, stdin: not JSON: duplicate object key" { row gd-in-05; }
@test "gd-in-06 gh-dispatch: exit 2, stdin: not JSON: holds a NUL byte" { row gd-in-06; }
@test "gd-in-07 gh-dispatch: exit 2, input app: given twice" { row gd-in-07; }
@test "gd-in-08 gh-dispatch: exit 2, stdin: larger than 1048576 bytes" { row gd-in-08; }
@test "gd-file-01 gh-dispatch: exit 2, missing: No such file or directory" { row gd-file-01; }
@test "gd-file-02 gh-dispatch: exit 2, dir: not a regular file" { row gd-file-02; }
@test "gd-file-03 gh-dispatch: exit 2, token-big: larger than 4352 bytes" { row gd-file-03; }
@test "gd-file-04 gh-dispatch: exit 2, token-empty: the token is empty" { row gd-file-04; }
@test "gd-file-05 gh-dispatch: exit 2, token-nul: holds a NUL byte" { row gd-file-05; }
@test "gd-file-06 gh-dispatch: exit 2, token-fifo: not a regular file" { row gd-file-06; }
@test "gd-env-01 gh-dispatch: exit 2, no GitHub token: set GH_TOKEN or GITHUB_TOKEN, or give a ..." { row gd-env-01; }
@test "gd-env-02 gh-dispatch: exit 2, GH_TOKEN: the token holds a space, control or non-ASCII c..." { row gd-env-02; }
@test "gd-env-03 gh-dispatch: exit 2, GH_TOKEN: the token is longer than 4096 bytes" { row gd-env-03; }
@test "gd-env-04 gh-dispatch: exit 2, GITHUB_API_URL: not a url: not a valid URL" { row gd-env-04; }
@test "gd-env-05 gh-dispatch: exit 2, GITHUB_API_URL: http://api.example.com: plain http is ref..." { row gd-env-05; }
@test "gd-env-06 gh-dispatch: exit 2, want a base URL without query or fragment" { row gd-env-06; }
@test "gd-srv-01 gh-dispatch: exit 1, Unexpected inputs provided: [nope] (HTTP 422)" { row gd-srv-01; }
@test "gd-srv-02 gh-dispatch: exit 1, Required input 'app' not provided (HTTP 422)" { row gd-srv-02; }
@test "gd-srv-03 gh-dispatch: exit 1, No ref found for: nosuch (HTTP 422)" { row gd-srv-03; }
@test "gd-srv-04 gh-dispatch: exit 1, repository or workflow not found, or the token cannot see..." { row gd-srv-04; }
@test "gd-srv-05 gh-dispatch: exit 1, bad token: GitHub refused it (HTTP 401: Bad credentials)" { row gd-srv-05; }
@test "gd-srv-06 gh-dispatch: exit 1, (HTTP 422)" { row gd-srv-06; }
@test "gd-srv-07 gh-dispatch: exit 3, malformed answer from GitHub (no default_branch)" { row gd-srv-07; }
@test "gd-srv-08 gh-dispatch: exit 1, the default branch is not a usable ref; give --ref" { row gd-srv-08; }
@test "gd-srv-09 gh-dispatch: exit 1, I am a teapot and this is a second line (HTTP 418)" { row gd-srv-09; }
@test "gd-srv-10 gh-dispatch: exit 1, GitHub accepted the dispatch but no run of it appeared wi..." { row gd-srv-10; }
@test "gd-srv-11 gh-dispatch: exit 3, but it may have been started just before this dispatch" { row gd-srv-11; }
@test "gw-arg-01 gh-wait: exit 2, --repo and --run-id go together" { row gw-arg-01; }
@test "gw-arg-02 gh-wait: exit 2, --repo and --run-id go together" { row gw-arg-02; }
@test "gw-arg-03 gh-wait: exit 2, --url goes without --repo and --run-id" { row gw-arg-03; }
@test "gw-arg-04 gh-wait: exit 2, not the URL of a workflow run (.../OWNER/REPO/actions/run..." { row gw-arg-04; }
@test "gw-arg-05 gh-wait: exit 2, --url not a url: not the URL of a workflow run" { row gw-arg-05; }
@test "gw-arg-06 gh-wait: exit 2, runs/12x: not the URL of a workflow run" { row gw-arg-06; }
@test "gw-arg-07 gh-wait: exit 2, --run-id 0: want a run ID (digits)" { row gw-arg-07; }
@test "gw-arg-08 gh-wait: exit 2, --run-id abc: want a run ID (digits)" { row gw-arg-08; }
@test "gw-arg-09 gh-wait: exit 2, --run-id 5x: want a run ID (digits)" { row gw-arg-09; }
@test "gw-arg-10 gh-wait: exit 2, --repo noslash: want OWNER/REPO" { row gw-arg-10; }
@test "gw-arg-11 gh-wait: exit 2, --interval 0: want a duration from 1s to 1h" { row gw-arg-11; }
@test "gw-arg-12 gh-wait: exit 2, --interval 61m: want a duration from 1s to 1h" { row gw-arg-12; }
@test "gw-arg-13 gh-wait: exit 2, --timeout 0: want a duration such as 90, 90s, 15m or 1h" { row gw-arg-13; }
@test "gw-arg-14 gh-wait: exit 2, --timeout 721h: want a duration" { row gw-arg-14; }
@test "gw-arg-15 gh-wait: exit 2, extra: unexpected argument" { row gw-arg-15; }
@test "gw-arg-16 gh-wait: exit 2, --tok: unknown option (a secret is never taken from the c..." { row gw-arg-16; }
@test "gw-arg-17 gh-wait: exit 2, --interval: unknown option or missing argument" { row gw-arg-17; }
@test "gw-in-01 gh-wait: exit 2, stdin: want gh-dispatch's JSON object ('[' or '{' expecte..." { row gw-in-01; }
@test "gw-in-02 gh-wait: exit 2, stdin: want gh-dispatch's JSON object (not an object)" { row gw-in-02; }
@test "gw-in-03 gh-wait: exit 2, stdin: want repository and run_id (gh-dispatch's output)" { row gw-in-03; }
@test "gw-in-04 gh-wait: exit 2, stdin: want repository and run_id" { row gw-in-04; }
@test "gw-in-05 gh-wait: exit 2, stdin: repository no slash: want OWNER/REPO" { row gw-in-05; }
@test "gw-in-06 gh-wait: exit 2, stdin: html_url https://github.com/org/infra/pull/1: not ..." { row gw-in-06; }
@test "gw-in-07 gh-wait: exit 2, stdin: want gh-dispatch's JSON object ('[' or '{' expecte..." { row gw-in-07; }
@test "gw-in-08 gh-wait: exit 2, end of file expected near 'junk'" { row gw-in-08; }
@test "gw-in-09 gh-wait: exit 2, end of file expected near '{'" { row gw-in-09; }
@test "gw-in-10 gh-wait: exit 2, it holds a NUL byte" { row gw-in-10; }
@test "gw-in-11 gh-wait: exit 2, duplicate object key" { row gw-in-11; }
@test "gw-in-12 gh-wait: exit 2, stdin: larger than 1048576 bytes" { row gw-in-12; }
@test "gw-in-13 gh-wait: exit 2, stdin: Is a directory" { row gw-in-13; }
@test "gw-file-01 gh-wait: exit 2, token-big: larger than 4352 bytes" { row gw-file-01; }
@test "gw-file-02 gh-wait: exit 2, the token holds a space, control or non-ASCII character" { row gw-file-02; }
@test "gw-file-03 gh-wait: exit 2, token-link: a symbolic link: not followed" { row gw-file-03; }
@test "gw-env-01 gh-wait: exit 2, no GitHub token: set GH_TOKEN or GITHUB_TOKEN, or give a ..." { row gw-env-01; }
@test "gw-env-02 gh-wait: exit 2, GITHUB_API_URL: http://10.1.1.1/: plain http is refused" { row gw-env-02; }
@test "gw-srv-01 gh-wait: exit 1, bad token: GitHub refused it (HTTP 401: Bad credentials)" { row gw-srv-01; }
@test "gw-srv-02 gh-wait: exit 1, repository or run not found, or the token cannot see it (..." { row gw-srv-02; }
@test "gw-srv-03 gh-wait: exit 3, malformed workflow run from GitHub (no id)" { row gw-srv-03; }
@test "gw-srv-04 gh-wait: exit 3, malformed workflow run from GitHub (no id)" { row gw-srv-04; }
@test "gw-srv-05 gh-wait: exit 1, forbidden (HTTP 403): Resource not accessible by integration" { row gw-srv-05; }
@test "gw-srv-06 gh-wait: exit 1, HTTP 410 from GitHub" { row gw-srv-06; }
@test "gw-srv-07 gh-wait: exit 3, HTTP 301 from GitHub" { row gw-srv-07; }
@test "mk-var-01 make: exit 2, deploy.mk: APP is required" { row mk-var-01; }
@test "mk-var-02 make: exit 2, deploy.mk: ENV is required" { row mk-var-02; }
@test "mk-var-03 make: exit 2, deploy.mk: DEPLOY_INFRA_REPO is required" { row mk-var-03; }
@test "mk-var-04 make: exit 2, deploy.mk: APP=my app: letters, digits, - and _ only" { row mk-var-04; }
@test "mk-var-05 make: exit 2, deploy.mk: APP=a;rm -rf x: letters, digits, - and _ only" { row mk-var-05; }
@test "mk-var-06 make: exit 2, deploy.mk: APP=ab: letters, digits, - and _ only" { row mk-var-06; }
@test "mk-var-07 make: exit 2, deploy.mk: APP=x y: letters, digits, - and _ only" { row mk-var-07; }
@test "mk-var-08 make: exit 2, deploy.mk: ENV=p/q: letters, digits, - and _ only" { row mk-var-08; }
@test "mk-var-09 make: exit 2, deploy.mk: ENV is required" { row mk-var-09; }
@test "mk-var-10 make: exit 2, deploy.mk: VERSION=1;x: letters, digits, -, _ and . only" { row mk-var-10; }
@test "mk-var-11 make: exit 2, deploy.mk: VERSION is required" { row mk-var-11; }
@test "mk-var-12 make: exit 2, deploy.mk: DEPLOY_INFRA_REPO=acme infra: want OWNER/REPO" { row mk-var-12; }
@test "mk-var-13 make: exit 2, deploy.mk: DEPLOY_PARAMETER=/shop/prod version: not a par..." { row mk-var-13; }
@test "mk-var-14 make: exit 2, deploy.mk: DEPLOY_WORKFLOW=deploy.yaml;id: want a workflo..." { row mk-var-14; }
@test "mk-var-15 make: exit 2, deploy.mk: DEPLOY_REF=mainx: not a git ref" { row mk-var-15; }
@test "mk-var-16 make: exit 2, deploy.mk: DEPLOY_REGISTRY=registry.example/path: not a h..." { row mk-var-16; }
@test "mk-var-17 make: exit 2, deploy.mk: DEPLOY_INPUT_APP=app.name: letters, digits, - ..." { row mk-var-17; }
@test "mk-var-18 make: exit 2, deploy.mk: DEPLOY_INPUT_ENV=: letters, digits, - and _ only" { row mk-var-18; }
@test "mk-var-19 make: exit 2, deploy.mk: DEPLOY_STATE=.deploy state: letters, digits, -..." { row mk-var-19; }
@test "mk-var-20 make: exit 2, deploy.mk: DEPLOY_REPOSITORY=shop app: not a repository name" { row mk-var-20; }
@test "mk-var-21 make: exit 2, deploy.mk: ENV is required" { row mk-var-21; }
@test "mk-var-22 make: exit 2, deploy.mk: DEPLOY_INFRA_REPO is required" { row mk-var-22; }
@test "mk-var-23 make: exit 2, deploy.mk: ENV is required" { row mk-var-23; }
@test "mk-var-24 make: exit 2, deploy.mk: the work tree has uncommitted changes" { row mk-var-24; }
@test "mk-var-25 make: exit 2, DEPLOY_TIMEOUT=soon: want a duration" { row mk-var-25; }
@test "mk-var-26 make: exit 2, DEPLOY_INFRA_REPO=acme: want OWNER/REPO" { row mk-var-26; }
@test "mk-var-27 make: exit 2, DEPLOY_REGISTRY_SCHEME=ftp: https or http" { row mk-var-27; }
@test "mk-var-28 make: exit 2, ecr-token: --region nope: not a valid region name" { row mk-var-28; }
@test "mk-var-29 make: exit 2, DEPLOY_DOCKERFILE=" { row mk-var-29; }
@test "mk-var-30 make: exit 2, APP=-shop: letters, digits, - and _ only, not starting wi..." { row mk-var-30; }
@test "mk-var-31 make: exit 2, DEPLOY_WORKFLOW=deploy: want a workflow file name" { row mk-var-31; }
@test "mk-var-32 make: exit 2, DEPLOY_INFRA_REPO=acme/infra/x: want OWNER/REPO" { row mk-var-32; }
@test "mk-var-33 make: exit 2, DEPLOY_CONTEXT=" { row mk-var-33; }
@test "mk-env-01 make: exit 2, deploy.mk: ENV comes from the environment" { row mk-env-01; }
@test "mk-env-02 make: exit 2, deploy.mk: DEPLOY_PARAMETER=/shop/prod version: not a par..." { row mk-env-02; }
@test "sa-arg-01 sts-assume: exit 2, no role to assume: give --role-arn or set AWS_ROLE_ARN" { row sa-arg-01; }
@test "sa-arg-02 sts-assume: exit 2, --role-arn deploy: not an IAM role ARN (arn:aws:iam::1234..." { row sa-arg-02; }
@test "sa-arg-03 sts-assume: exit 2, user/deploy: not an IAM role ARN" { row sa-arg-03; }
@test "sa-arg-04 sts-assume: exit 2, 12345:role/deploy: not an IAM role ARN" { row sa-arg-04; }
@test "sa-arg-05 sts-assume: exit 2, --session-name a: want 2 to 64 of A-Z a-z 0-9" { row sa-arg-05; }
@test "sa-arg-06 sts-assume: exit 2, --session-name deploy me: want 2 to 64 of" { row sa-arg-06; }
@test "sa-arg-07 sts-assume: exit 2, --duration 899: want 900 to 43200 seconds (15m to 12h)" { row sa-arg-07; }
@test "sa-arg-08 sts-assume: exit 2, --duration 13h: want 900 to 43200 seconds" { row sa-arg-08; }
@test "sa-arg-09 sts-assume: exit 2, --region eu west: not a valid region name" { row sa-arg-09; }
@test "sa-arg-10 sts-assume: exit 2, extra: no operands are taken" { row sa-arg-10; }
@test "sa-arg-11 sts-assume: exit 2, --secret: unknown option or missing argument" { row sa-arg-11; }
@test "sa-file-01 sts-assume: exit 2, missing: No such file or directory" { row sa-file-01; }
@test "sa-file-02 sts-assume: exit 2, dir: not a regular file" { row sa-file-02; }
@test "sa-file-03 sts-assume: exit 2, token-empty: the file is empty" { row sa-file-03; }
@test "sa-env-01 sts-assume: exit 2, AWS_ROLE_ARN deploy: not an IAM role ARN" { row sa-env-01; }
@test "sa-env-02 sts-assume: exit 2, --github-env: GITHUB_ENV is not set" { row sa-env-02; }
@test "sa-env-03 sts-assume: exit 2, missing: No such file or directory" { row sa-env-03; }
@test "sa-env-04 sts-assume: exit 2, token-link: a symbolic link, refused" { row sa-env-04; }
@test "sa-env-05 sts-assume: exit 2, ACTIONS_ID_TOKEN_REQUEST_URL is set but ACTIONS_ID_TOKEN_..." { row sa-env-05; }
@test "sa-env-06 sts-assume: exit 2, plain http is refused for a host that is not loopback" { row sa-env-06; }
@test "sa-env-07 sts-assume: exit 2, no AWS credentials" { row sa-env-07; }
@test "sa-srv-01 sts-assume: exit 3, assuming role arn:aws:iam::123456789012:role/deploy: the ..." { row sa-srv-01; }
@test "sa-srv-02 sts-assume: exit 1, AccessDenied: not allowed to assume" { row sa-srv-02; }
@test "sa-srv-03 sts-assume: exit 3, Empty reply from server" { row sa-srv-03; }
@test "ga-arg-01 gh-app-token: exit 2, --repo is required" { row ga-arg-01; }
@test "ga-arg-02 gh-app-token: exit 2, no App ID: give --app-id or set GH_APP_ID" { row ga-arg-02; }
@test "ga-arg-03 gh-app-token: exit 2, --app-id: App ID 0: out of range" { row ga-arg-03; }
@test "ga-arg-04 gh-app-token: exit 2, --app-id: App ID 12x: want the App's numeric ID" { row ga-arg-04; }
@test "ga-arg-05 gh-app-token: exit 2, App ID 99999999999999999999999: want the App's numeric ID" { row ga-arg-05; }
@test "ga-arg-06 gh-app-token: exit 2, --repo noslash: want OWNER/REPO" { row ga-arg-06; }
@test "ga-arg-07 gh-app-token: exit 2, --permission actions: want NAME=LEVEL, such as actions=write" { row ga-arg-07; }
@test "ga-arg-08 gh-app-token: exit 2, --permission actions=root: the level is read, write or admin" { row ga-arg-08; }
@test "ga-arg-09 gh-app-token: exit 2, a name is lower-case letters, digits and '_'" { row ga-arg-09; }
@test "ga-arg-10 gh-app-token: exit 2, --permission actions: given twice" { row ga-arg-10; }
@test "ga-arg-11 gh-app-token: exit 2, --token and --github-env: give one" { row ga-arg-11; }
@test "ga-arg-12 gh-app-token: exit 2, --private-key: unknown option (a secret is never taken fr..." { row ga-arg-12; }
@test "ga-arg-13 gh-app-token: exit 2, extra: unexpected argument" { row ga-arg-13; }
@test "ga-file-01 gh-app-token: exit 2, key file" { row ga-file-01; }
@test "ga-file-02 gh-app-token: exit 2, dir: not a regular file" { row ga-file-02; }
@test "ga-file-03 gh-app-token: exit 2, an RSA key of 1024 bits; GitHub wants at least 2048" { row ga-file-03; }
@test "ga-file-04 gh-app-token: exit 2, not an RSA key; a GitHub App's key is RSA (RS256)" { row ga-file-04; }
@test "ga-file-05 gh-app-token: exit 2, the key is encrypted; give it unencrypted" { row ga-file-05; }
@test "ga-file-06 gh-app-token: exit 2, not a PEM private key (no -----BEGIN line)" { row ga-file-06; }
@test "ga-file-07 gh-app-token: exit 2, token-link" { row ga-file-07; }
@test "ga-env-01 gh-app-token: exit 2, GH_APP_ID: App ID abc: want the App's numeric ID" { row ga-env-01; }
@test "ga-env-02 gh-app-token: exit 2, GH_APP_PRIVATE_KEY: not a PEM private key" { row ga-env-02; }
@test "ga-env-03 gh-app-token: exit 2, no private key: give --private-key-file or set GH_APP_PRI..." { row ga-env-03; }
@test "ga-env-04 gh-app-token: exit 2, --github-env: GITHUB_ENV is not set" { row ga-env-04; }
@test "ga-env-05 gh-app-token: exit 2, GITHUB_API_URL: http://10.0.0.1: plain http is refused" { row ga-env-05; }
@test "ga-srv-01 gh-app-token: exit 1, GitHub refused the App's JWT (HTTP 401" { row ga-srv-01; }
@test "ga-srv-02 gh-app-token: exit 1, the App (ID 4242) is not installed on other/infra" { row ga-srv-02; }
@test "ga-srv-03 gh-app-token: exit 1, the installation does not grant contents=write (granted: ..." { row ga-srv-03; }
@test "ga-srv-04 gh-app-token: exit 3, malformed answer from GitHub (no installation id)" { row ga-srv-04; }
@test "ga-srv-05 gh-app-token: exit 3, malformed answer from GitHub (no usable token or expires_at)" { row ga-srv-05; }
@test "ga-srv-06 gh-app-token: exit 3, malformed answer from GitHub (no usable token or expires_at)" { row ga-srv-06; }
# --- end of the rows ---
