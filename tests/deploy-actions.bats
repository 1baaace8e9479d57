#!/usr/bin/env bats
# mk/deploy.mk's reporting: in GitHub Actions (groups, ::error::, the step
# summary, the step outputs) and to the webhook in DEPLOY_NOTIFY_URL.
# Whole deploys with stand-ins for the tools (DEPLOY_BIN, DOCKER) that write
# the documented JSON, a loopback receiver (tests/helpers/webhook-recv.py)
# as the registry and as the webhook; at the end, one success and one
# failure in the sandbox with the real tools.
# shellcheck disable=SC2154 # bats' run sets stderr; recv_start sets NAME_port

load lib/common

setup() {
	app=$BATS_TEST_TMPDIR/app
	mkdir -p "$app" "$BATS_TEST_TMPDIR/bin"
	cat >"$app/Makefile" <<MK
include $DK_ROOT/mk/deploy.mk
MK
	printf '.deploy/\n' >"$app/.gitignore"
	git -C "$app" init -q
	git -C "$app" add .
	git -C "$app" -c user.name=t -c user.email=t@t.invalid commit -q -m app
	sha=$(git -C "$app" rev-parse --short=12 HEAD)
	unset ENV GITHUB_ACTIONS GITHUB_STEP_SUMMARY GITHUB_OUTPUT DEPLOY_NOTIFY_URL \
		DEPLOY_NOTIFY_TIMEOUT GITHUB_SERVER_URL GITHUB_REPOSITORY GITHUB_RUN_ID
	export FAKE_LOG=$BATS_TEST_TMPDIR/calls FAKE_CONCLUSION=success FAKE_FAIL=
	fakes "$BATS_TEST_TMPDIR/bin"
	digest=sha256:$(printf '%064d' 7)
	recv_start registry --header "Docker-Content-Digest: $digest"
	export DEPLOY_REGISTRY=127.0.0.1:$registry_port DEPLOY_REGISTRY_SCHEME=http
}

teardown() {
	local p
	for p in "$BATS_TEST_TMPDIR"/*.pid; do
		[[ -e $p ]] && kill_pid "$p"
	done
	[[ ! -f $BATS_TEST_TMPDIR/sandbox/pids ]] || "$DK_ROOT/tests/sandbox/down" "$BATS_TEST_TMPDIR/sandbox"
	return 0
}

# Stand-ins for the tools: the JSON their man pages promise, each call
# logged; FAKE_FAIL=TOOL makes that tool fail with FAKE_MESSAGE on stderr.
fakes() {
	local tool
	for tool in ecr-token ssm-put gh-dispatch gh-wait docker; do
		cat >"$1/$tool" <<'SH'
#!/bin/sh
tool=${0##*/}
echo "$tool $*" >>"$FAKE_LOG"
if [ "$FAKE_FAIL" = "$tool" ]; then
	printf '%b\n' "${FAKE_MESSAGE:-$tool: it failed}" >&2
	exit 1
fi
case $tool in
ecr-token)
	case " $* " in *' --password '*) echo pw ;; *) echo '{"registry":"unused.example"}' ;; esac ;;
ssm-put)
	echo '{"name":"/shop/prod/version","value":"v","version":7,"tier":"Standard","changed":true}' ;;
gh-dispatch)
	echo '{"repository":"acme/infra","workflow":"deploy.yaml","ref":"main","run_id":4242,"run_url":"https://api.github.example/repos/acme/infra/actions/runs/4242","html_url":"https://github.example/acme/infra/actions/runs/4242"}' ;;
gh-wait)
	cat >/dev/null
	jobs='[]'
	[ "$FAKE_CONCLUSION" = success ] || jobs='[{"name":"deploy","step":"Update the ECS service"}]'
	echo "{\"repository\":\"acme/infra\",\"run_id\":4242,\"status\":\"completed\",\"conclusion\":\"$FAKE_CONCLUSION\",\"html_url\":\"https://github.example/acme/infra/actions/runs/4242\",\"started_at\":\"2026-11-29T08:00:00Z\",\"completed_at\":\"2026-11-29T08:01:00Z\",\"failed_jobs\":$jobs}"
	[ "$FAKE_CONCLUSION" = success ] || exit 1 ;;
docker) ;;
esac
SH
		chmod +x "$1/$tool"
	done
}

# recv_start NAME [OPTION...]: a loopback receiver (webhook-recv.py) whose
# requests go to $BATS_TEST_TMPDIR/NAME.log; sets NAME_port once it listens.
# One NAME at a time: the one before is stopped.
recv_start() {
	local name=$1 out=$BATS_TEST_TMPDIR/$1.port i
	shift
	kill_pid "$BATS_TEST_TMPDIR/$name.pid"
	rm -f "$out"
	python3 "$DK_ROOT/tests/helpers/webhook-recv.py" --log "$BATS_TEST_TMPDIR/$name.log" "$@" >"$out" &
	echo $! >"$BATS_TEST_TMPDIR/$name.pid"
	for ((i = 0; i < 100; i++)); do
		grep -q '^[0-9][0-9]*$' "$out" 2>/dev/null && break
		sleep 0.1
	done
	grep -q '^[0-9][0-9]*$' "$out" || { echo "$name: the receiver did not start" >&2; return 1; }
	printf -v "${name}_port" '%s' "$(cat "$out")"
	: >>"$BATS_TEST_TMPDIR/$name.log"
}

mk() {
	make -C "$app" --no-print-directory APP=shop ENV=prod DEPLOY_INFRA_REPO=acme/infra \
		DEPLOY_BIN="$BATS_TEST_TMPDIR/bin" DOCKER="$BATS_TEST_TMPDIR/bin/docker" "$@"
}

# In Actions, with the step's files.
actions() {
	export GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY=$BATS_TEST_TMPDIR/summary.md \
		GITHUB_OUTPUT=$BATS_TEST_TMPDIR/output
}

# output NAME: a value in $GITHUB_OUTPUT, written NAME<<DELIMITER.
output() {
	awk -v n="$1" '
		d != "" && $0 == d { exit }
		d != "" { print; next }
		index($0, n "<<") == 1 { d = substr($0, length(n) + 3) }' "$GITHUB_OUTPUT"
}

# row NAME: the value cell of the summary table's row NAME.
row() {
	sed -n "s/^| $1 | \\(.*\\) |\$/\\1/p" "$GITHUB_STEP_SUMMARY"
}

posts() {
	jq -s '[.[] | select(.method == "POST")] | length' "$BATS_TEST_TMPDIR/hook.log"
}

payload() {
	jq -s '[.[] | select(.method == "POST")][-1].body | fromjson' "$BATS_TEST_TMPDIR/hook.log"
}

@test "outside Actions and without a webhook: the recipes and the output are the plain ones" {
	run -0 mk -n deploy
	plain=$output
	refute_output --partial deploy_stage
	refute_output --partial '::'
	GITHUB_ACTIONS=false run -0 mk -n deploy
	assert_equal "$output" "$plain"
	export GITHUB_STEP_SUMMARY=$BATS_TEST_TMPDIR/summary.md GITHUB_OUTPUT=$BATS_TEST_TMPDIR/output
	run -0 --separate-stderr mk deploy
	refute_output --partial '::'
	assert_line --regexp "^deploy: done  app=shop env=prod version=$sha image=127.0.0.1:[0-9]+/shop:$sha@$digest parameter=/shop/prod/version@v7 run=https://github.example/acme/infra/actions/runs/4242 duration=[0-9]+m[0-9]+s result=success$"
	[ ! -e "$GITHUB_STEP_SUMMARY" ] && [ ! -e "$GITHUB_OUTPUT" ]
}

@test "in Actions: a group per stage, the report line outside them" {
	actions
	run -0 --separate-stderr mk deploy
	groups=$(grep -E '^::(group::|endgroup::)' <<<"$output" | tr '\n' ' ')
	want=
	for s in target image push release trigger wait; do
		want+="::group::deploy: $s ::endgroup:: "
	done
	assert_equal "$groups" "$want"
	# Each stage's own lines inside its group; the report's line last.
	assert_equal "$(sed -n '/^::group::deploy: release$/,/^::endgroup::$/p' <<<"$output" | sed -n 2p)" \
		"deploy: release  /shop/prod/version = $sha"
	[[ ${lines[-1]} == 'deploy: done  app=shop '* ]]
	refute_output --partial '::error'
	# Nothing left of the stages' stderr copies.
	run ls -A "$app/.deploy/prod/$sha"
	refute_output --partial .err
}

@test "in Actions: the step summary table and the step outputs" {
	actions
	printf '## an earlier step\n\n' >"$GITHUB_STEP_SUMMARY"
	echo 'earlier=1' >"$GITHUB_OUTPUT"
	run -0 --separate-stderr mk deploy
	# Appended: what earlier steps wrote stays.
	assert_equal "$(head -n 1 "$GITHUB_STEP_SUMMARY")" '## an earlier step'
	grep -qx '### deploy shop to prod: success' "$GITHUB_STEP_SUMMARY"
	grep -qx '| | |' "$GITHUB_STEP_SUMMARY"
	assert_equal "$(row app)" shop
	assert_equal "$(row env)" prod
	assert_equal "$(row version)" "\`$sha\`"
	assert_equal "$(row image)" "\`127.0.0.1:$registry_port/shop:$sha\`"
	assert_equal "$(row digest)" "\`$digest\`"
	assert_equal "$(row parameter)" '`/shop/prod/version` v7'
	assert_equal "$(row 'infra run')" '[acme/infra #4242](https://github.example/acme/infra/actions/runs/4242)'
	[[ $(row duration) =~ ^[0-9]+m[0-9]+s$ ]]
	assert_equal "$(row result)" success
	[ -z "$(row 'failed stage')" ]
	grep -qx 'earlier=1' "$GITHUB_OUTPUT"
	assert_equal "$(output version)" "$sha"
	assert_equal "$(output image)" "127.0.0.1:$registry_port/shop:$sha"
	assert_equal "$(output digest)" "$digest"
	assert_equal "$(output run_url)" https://github.example/acme/infra/actions/runs/4242
	assert_equal "$(output result)" success
	# Random heredoc delimiters, never a value's text.
	grep -Eq '^version<<ghadelimiter_[0-9a-f]{32}$' "$GITHUB_OUTPUT"
	# A second deploy of the same version appends a second table.
	run -0 mk deploy
	assert_equal "$(grep -c '^### deploy shop to prod: success$' "$GITHUB_STEP_SUMMARY")" 2
}

@test "in Actions: a failed stage is closed, named in an ::error:: with its message, and summarised" {
	actions
	FAKE_FAIL=ssm-put FAKE_MESSAGE='ssm-put: /shop/prod/version: AccessDeniedException: not authorized' \
		run -2 --separate-stderr mk deploy
	# The tool's message is on stderr as ever, and in the annotation.
	[[ $stderr == *'ssm-put: /shop/prod/version: AccessDeniedException: not authorized'* ]]
	assert_equal "$(grep -c '^::error' <<<"$output")" 1
	assert_line '::error title=deploy release failed::ssm-put: /shop/prod/version: AccessDeniedException: not authorized'
	# The release group is closed before the annotation; nothing after it ran.
	assert_equal "$(sed -n '/^::group::deploy: release$/,$p' <<<"$output" | grep '^::' | tr '\n' ' ')" \
		'::group::deploy: release ::endgroup:: ::error title=deploy release failed::ssm-put: /shop/prod/version: AccessDeniedException: not authorized '
	refute_output --partial '::group::deploy: trigger'
	run ! grep -q gh-dispatch "$FAKE_LOG"
	grep -qx '### deploy shop to prod: failure' "$GITHUB_STEP_SUMMARY"
	assert_equal "$(row result)" failure
	assert_equal "$(row 'failed stage')" 'release (exit 1)'
	assert_equal "$(row message)" 'ssm-put: /shop/prod/version: AccessDeniedException: not authorized'
	assert_equal "$(row version)" "\`$sha\`"
	assert_equal "$(row digest)" "\`$digest\`"
	assert_equal "$(row parameter)" '`/shop/prod/version` (not written)'
	assert_equal "$(row 'infra run')" '-'
	assert_equal "$(output result)" failure
	assert_equal "$(output version)" "$sha"
	assert_equal "$(output run_url)" ''
	# The re-run resumes at the failed stage and reports its success.
	run -0 --separate-stderr mk deploy
	refute_output --partial '::group::deploy: image'
	assert_line '::group::deploy: release'
	assert_equal "$(row result | tail -n 1)" success
}

@test "in Actions: a failed image build is reported from the image stage" {
	actions
	recv_start registry --status 404
	FAKE_FAIL=docker FAKE_MESSAGE='STEP 2/3: COPY hello /hello\nError: building at STEP "COPY hello /hello": no such file' \
		run -2 --separate-stderr mk deploy DEPLOY_REGISTRY="127.0.0.1:$registry_port"
	assert_line '::error title=deploy image failed::STEP 2/3: COPY hello /hello%0AError: building at STEP "COPY hello /hello": no such file'
	assert_equal "$(row 'failed stage')" 'image (exit 1)'
	assert_equal "$(row message)" 'STEP 2/3: COPY hello /hello<br>Error: building at STEP "COPY hello /hello": no such file'
	assert_equal "$(row digest)" '-'
	assert_equal "$(output digest)" ''
}

@test "in Actions: a failure before anything is recorded (ecr-token, in the target stage)" {
	actions
	unset DEPLOY_REGISTRY
	FAKE_FAIL=ecr-token FAKE_MESSAGE='ecr-token: no credentials: set AWS_ACCESS_KEY_ID or AWS_PROFILE' \
		run -2 --separate-stderr mk deploy
	assert_line '::error title=deploy target failed::ecr-token: no credentials: set AWS_ACCESS_KEY_ID or AWS_PROFILE'
	[ ! -e "$app/.deploy/prod/$sha/target.json" ]
	assert_equal "$(row version)" "\`$sha\`"
	assert_equal "$(row image)" '-'
	assert_equal "$(row duration)" '-'
	assert_equal "$(row 'failed stage')" 'target (exit 1)'
	assert_equal "$(output version)" "$sha"
	assert_equal "$(output image)" ''
}

@test "in Actions: an infra run that fails is an ::error:: of the wait stage naming the failed step" {
	actions
	FAKE_CONCLUSION=failure run -2 --separate-stderr mk deploy
	[[ $stderr == *'deploy: failed: deploy, step Update the ECS service'* ]]
	assert_line --regexp '^deploy: FAILED  app=shop .* result=failure$'
	assert_line '::error title=deploy wait failed::the infra run concluded failure: deploy, step Update the ECS service (https://github.example/acme/infra/actions/runs/4242)'
	# The annotation follows the report's line.
	[[ ${lines[-1]} == '::error title=deploy wait failed::'* ]]
	assert_equal "$(row result)" failure
	assert_equal "$(row 'failed stage')" 'wait (exit 1)'
	assert_equal "$(row 'infra run')" '[acme/infra #4242](https://github.example/acme/infra/actions/runs/4242)'
	assert_equal "$(output result)" failure
	assert_equal "$(output run_url)" https://github.example/acme/infra/actions/runs/4242
}

@test "::error:: escapes %, CR and LF; the summary escapes the table's | and HTML" {
	actions
	FAKE_FAIL=gh-dispatch FAKE_MESSAGE='gh-dispatch: 100% of <quota> | used\r\n::warning::injected' \
		run -2 --separate-stderr mk deploy
	assert_line '::error title=deploy trigger failed::gh-dispatch: 100%25 of <quota> | used%0D%0A::warning::injected'
	refute_line '::warning::injected'
	assert_equal "$(row message)" 'gh-dispatch: 100% of &lt;quota&gt; \| used<br>::warning::injected'
}

@test "the webhook: the outcome posted as Slack-compatible JSON, on success and on failure" {
	recv_start hook
	export DEPLOY_NOTIFY_URL=http://127.0.0.1:$hook_port/services/T000/B000/canary-token
	run -0 --separate-stderr mk deploy
	refute_output --partial '::'
	assert_equal "$(posts)" 1
	jq -e '[.[] | select(.method == "POST")][0] | .path == "/services/T000/B000/canary-token"
		and .content_type == "application/json"' -s "$BATS_TEST_TMPDIR/hook.log"
	payload | jq -e --arg v "$sha" '(.text | startswith("deploy shop to prod: success (version \($v), "))
		and (.text | endswith(") <https://github.example/acme/infra/actions/runs/4242|infra run>"))
		and .attachments[0].color == "good"
		and ([.attachments[0].fields[] | {(.title): .value}] | add
			| .Version == $v and .Result == "success" and .Parameter == "/shop/prod/version v7"
			and (.Digest | startswith("sha256:")) and (has("Failed stage") | not))'

	git -C "$app" -c user.name=t -c user.email=t@t.invalid commit -q --allow-empty -m two
	FAKE_FAIL=gh-dispatch FAKE_MESSAGE='gh-dispatch: acme/infra: workflow deploy.yaml not found' \
		run -2 --separate-stderr mk deploy
	assert_equal "$(posts)" 2
	payload | jq -e '(.text | startswith("deploy shop to prod: FAILED at trigger (version "))
		and .attachments[0].color == "danger"
		and ([.attachments[0].fields[] | {(.title): .value}] | add
			| .Result == "failure" and ."Failed stage" == "trigger"
			and .Message == "gh-dispatch: acme/infra: workflow deploy.yaml not found")'
}

@test "the webhook: an infra run that fails is posted too; in Actions, with a link to the workflow run" {
	actions
	export GITHUB_SERVER_URL=https://github.example GITHUB_REPOSITORY=acme/shop GITHUB_RUN_ID=77
	recv_start hook
	export DEPLOY_NOTIFY_URL=http://localhost:$hook_port/hook
	FAKE_CONCLUSION=failure run -2 --separate-stderr mk deploy
	assert_equal "$(posts)" 1
	payload | jq -e '(.text | test("^deploy shop to prod: FAILED at wait "))
		and (.text | endswith("<https://github.example/acme/shop/actions/runs/77|workflow run>"))
		and ([.attachments[0].fields[] | {(.title): .value}] | add | .Result == "failure"
			and (.Message | startswith("the infra run concluded failure: deploy, step Update the ECS service")))'
}

@test "a webhook that fails, stalls or is not there does not change the deploy's result" {
	actions
	recv_start hook --status 500
	export DEPLOY_NOTIFY_URL=http://127.0.0.1:$hook_port/services/canary-token
	run -0 --separate-stderr mk deploy
	assert_equal "$(posts)" 1
	[[ $stderr == *'notify: the webhook answered HTTP 500'* ]]
	assert_line '::warning title=deploy notify::the webhook answered HTTP 500'
	assert_equal "$(output result)" success
	# A failure stays a failure, with the same status.
	FAKE_CONCLUSION=failure run -2 --separate-stderr mk deploy DEPLOY_STATE=.deploy2
	[[ $stderr == *'notify: the webhook answered HTTP 500'* ]]
	assert_line --partial '::error title=deploy wait failed::'

	# (The receiver before is stopped first.)
	recv_start hook --stall 30
	export DEPLOY_NOTIFY_URL=http://127.0.0.1:$hook_port/services/canary-token DEPLOY_NOTIFY_TIMEOUT=1
	SECONDS=0
	run -0 --separate-stderr mk deploy DEPLOY_STATE=.deploy3
	((SECONDS < 15))
	[[ $stderr == *'notify: the webhook did not answer within 1 s'* ]]

	kill_pid "$BATS_TEST_TMPDIR/hook.pid"
	run -0 --separate-stderr mk deploy DEPLOY_STATE=.deploy4
	[[ $stderr == *'notify: could not connect to the webhook'* ]]
	[[ "$output$stderr" != *canary-token* ]]
}

@test "the webhook URL never shows: not in output, make -n, help, argv, state or step files" {
	actions
	recv_start hook
	export DEPLOY_NOTIFY_URL=http://127.0.0.1:$hook_port/services/T000/B000/canary-token
	# A curl that logs its argv, first on PATH.
	mkdir -p "$BATS_TEST_TMPDIR/spy"
	printf '#!/bin/sh\nprintf "%%s\\n" "$*" >>"%s"\nexec %s "$@"\n' \
		"$BATS_TEST_TMPDIR/curl-argv" "$(command -v curl)" >"$BATS_TEST_TMPDIR/spy/curl"
	chmod +x "$BATS_TEST_TMPDIR/spy/curl"
	PATH=$BATS_TEST_TMPDIR/spy:$PATH
	run -0 mk -n deploy V=1
	refute_output --partial canary
	assert_output --partial deploy_stage
	run -0 mk help
	refute_output --partial canary
	assert_line --regexp '^  DEPLOY_NOTIFY_URL +set \(a secret: not shown\)$'
	run -0 mk deploy V=1
	refute_output --partial canary
	FAKE_CONCLUSION=failure run -2 mk deploy V=1 DEPLOY_STATE=.deploy2
	refute_output --partial canary
	assert_equal "$(posts)" 2
	# The URL reached the webhook, through curl's config on stdin.
	jq -se 'map(select(.method == "POST") | .path == "/services/T000/B000/canary-token") | all' \
		"$BATS_TEST_TMPDIR/hook.log"
	grep -q -- '-K - .*--data-binary @/dev/fd/3' "$BATS_TEST_TMPDIR/curl-argv"
	run ! grep -rq canary "$BATS_TEST_TMPDIR/curl-argv" "$app/.deploy" "$app/.deploy2" \
		"$GITHUB_STEP_SUMMARY" "$GITHUB_OUTPUT"
}

@test "notify: http is refused unless the host is loopback, in one line without the URL" {
	for url in http://hooks.example.com/services/canary-token http://10.0.0.1/canary-token \
		http://127.0.0.1.nip.example/canary-token http://127.0.0.1@evil.example/canary-token \
		'http://evil.example#@127.0.0.1/canary-token' ftp://127.0.0.1/canary-token \
		'https://hooks.example.com/canary-token"x' "$(printf 'https://a.example/canary-token\nx')"; do
		DEPLOY_NOTIFY_URL=$url run -2 --separate-stderr "$DK_ROOT/mk/notify" <<<'{"text":"x"}'
		assert_equal "${#stderr_lines[@]}" 1
		[[ $stderr == 'notify: DEPLOY_NOTIFY_URL: '* ]]
		[[ $stderr != *canary* ]] || { echo "quoted: $stderr"; false; }
	done
	[[ $stderr == *'not a URL'* ]]
	DEPLOY_NOTIFY_URL=http://hooks.example.com/x run -2 --separate-stderr "$DK_ROOT/mk/notify" <<<'{}'
	assert_equal "$stderr" 'notify: DEPLOY_NOTIFY_URL: plain http is refused for a host that is not loopback (127.0.0.0/8, ::1, localhost): use https'
	# Loopback and https pass the check (and then find nobody listening).
	port=$(free_port)
	for url in "http://127.0.0.1:$port/x" "http://127.9.8.7:$port/x" "http://localhost:$port/x" \
		"http://[::1]:$port/x" "https://127.0.0.1:$port/x"; do
		DEPLOY_NOTIFY_URL=$url DEPLOY_NOTIFY_TIMEOUT=5 run -3 --separate-stderr "$DK_ROOT/mk/notify" <<<'{}'
		assert_equal "$stderr" 'notify: could not connect to the webhook'
	done
	# Unset: nothing to do.
	run -0 "$DK_ROOT/mk/notify" <<<'{}'
}

@test "a refused webhook URL is a warning: the deploy's result stays" {
	actions
	export DEPLOY_NOTIFY_URL=http://hooks.example.com/services/canary-token
	run -0 --separate-stderr mk deploy
	[[ $stderr == *'notify: DEPLOY_NOTIFY_URL: plain http is refused'* ]]
	assert_line --partial '::warning title=deploy notify::DEPLOY_NOTIFY_URL: plain http is refused'
	[[ "$output$stderr" != *canary* ]]
	assert_equal "$(output result)" success
}

@test "make -n in Actions with a webhook runs nothing and posts nothing" {
	actions
	recv_start hook
	export DEPLOY_NOTIFY_URL=http://127.0.0.1:$hook_port/canary-token
	run -0 mk -n deploy
	assert_line "echo '::group::deploy: target'"
	[ ! -e "$app/.deploy" ] && [ ! -e "$GITHUB_STEP_SUMMARY" ] && [ ! -e "$GITHUB_OUTPUT" ]
	assert_equal "$(posts)" 0
	[ ! -s "$FAKE_LOG" ]
}

# --- The real tools, in the sandbox ------------------------------------------

@test "sandbox: a real deploy in Actions, then a failed one: summaries, outputs, webhook" {
	command -v podman moto_server docker-registry >/dev/null || skip 'the sandbox needs podman, moto_server, docker-registry'
	[[ -x $DK_BIN/gh-wait ]] || skip "no tools built in $DK_BUILD"
	sb=$BATS_TEST_TMPDIR/sandbox
	"$DK_ROOT/tests/sandbox/up" "$sb" >"$BATS_TEST_TMPDIR/up.log" 2>&1 || {
		cat "$BATS_TEST_TMPDIR/up.log" >&2
		"$DK_ROOT/tests/sandbox/down" "$sb"
		false
	}
	# teardown stops what the sandbox started, by PID.
	aws_env_clean
	unset DEPLOY_REGISTRY DEPLOY_REGISTRY_SCHEME
	# shellcheck disable=SC1091
	. "$sb/env"
	cp "$DK_ROOT"/tests/sandbox/app/{Makefile,Dockerfile,hello.c} "$app/"
	printf '.deploy/\nhello\n' >"$app/.gitignore"
	git -C "$app" add .
	git -C "$app" -c user.name=t -c user.email=t@t.invalid commit -q -m sandbox
	sha=$(git -C "$app" rev-parse --short=12 HEAD)
	actions
	recv_start hook
	export DEPLOY_NOTIFY_URL=http://127.0.0.1:$hook_port/services/canary-token
	smk() {
		make -C "$app" --no-print-directory DEPLOYKIT_MK="$DK_ROOT/mk/deploy.mk" APP=actions ENV=sandbox "$@"
	}

	run -0 --separate-stderr smk deploy
	assert_equal "$(grep -c '^::group::deploy: ' <<<"$output")" 6
	refute_output --partial '::error'
	assert_equal "$(row result)" success
	assert_equal "$(output version)" "$sha"
	assert_equal "$(output image)" "$SANDBOX_REGISTRY/actions:$sha"
	assert_equal "$(output digest)" "$(jq -r .digest "$app/.deploy/sandbox/$sha/push.json")"
	[[ $(output digest) =~ ^sha256:[0-9a-f]{64}$ ]]
	[[ $(output run_url) =~ ^http://127\.0\.0\.1:[0-9]+/acme/infra/actions/runs/[0-9]+$ ]]
	assert_equal "$(row parameter)" '`/actions/sandbox/version` v1'
	payload | jq -e --arg v "$sha" '.attachments[0].color == "good"
		and ([.attachments[0].fields[] | {(.title): .value}] | add | .Version == $v)'

	curl -sS --fail -X POST "$SANDBOX_GITHUB/_sim/scripts" -d "$(jq -cn '{repo: "acme/infra", workflow: "deploy.yaml",
		scripts: [{queue: 1, jobs: [{name: "deploy", steps: [
			{name: "Update the ECS service", seconds: 1, conclusion: "failure"}]}]}]}')" >/dev/null
	git -C "$app" -c user.name=t -c user.email=t@t.invalid commit -q --allow-empty -m two
	run -2 --separate-stderr smk deploy
	assert_line --regexp '^::error title=deploy wait failed::the infra run concluded failure: deploy, step Update the ECS service \(http://127\.0\.0\.1:[0-9]+/acme/infra/actions/runs/[0-9]+\)$'
	assert_equal "$(row result | tail -n 1)" failure
	assert_equal "$(row 'failed stage')" 'wait (exit 1)'
	assert_equal "$(posts)" 2
	payload | jq -e '.attachments[0].color == "danger" and (.text | startswith("deploy actions to sandbox: FAILED at wait"))'
	[[ "$output$stderr" != *canary* ]]
}
