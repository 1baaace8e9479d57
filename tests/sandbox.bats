#!/usr/bin/env bats
# Whole deploys in the sandbox (tests/sandbox/up): moto with IAM auth on, a
# real registry, podman, and the GitHub simulator whose infra workflow reads
# the parameter, checks the image and updates the ECS service in moto.

load lib/common

setup_file() {
	SB=$BATS_FILE_TMPDIR/sandbox
	"$DK_ROOT/tests/sandbox/up" "$SB" >"$BATS_FILE_TMPDIR/up.log" 2>&1 || {
		cat "$BATS_FILE_TMPDIR/up.log" >&2
		return 1
	}
	export SB
}

teardown_file() {
	"$DK_ROOT/tests/sandbox/down" "$SB"
}

setup() {
	aws_env_clean
	# shellcheck disable=SC1091
	. "$SB/env"
	app=$BATS_TEST_TMPDIR/app
	mkdir -p "$app"
	cp "$DK_ROOT"/tests/sandbox/app/{Makefile,Dockerfile,hello.c} "$app/"
	printf '.deploy/\nhello\n' >"$app/.gitignore"
	# Each test deploys its own app: one sandbox is shared by the file.
	APP=app$BATS_TEST_NUMBER
	git -C "$app" init -q
	git -C "$app" add .
	commit "first"
}

commit() {
	git -C "$app" -c user.name=t -c user.email=t@t.invalid commit -q --allow-empty -m "$1"
	VERSION=$(git -C "$app" rev-parse --short=12 HEAD)
}

mk() {
	make -C "$app" --no-print-directory DEPLOYKIT_MK="$DK_ROOT/mk/deploy.mk" \
		APP="$APP" ENV=sandbox "$@"
}

sim() {
	curl -sS --fail -X "$1" "$SANDBOX_GITHUB$2" ${3:+-d "$3"}
}

dispatches() {
	sim GET "/_sim/log?since=0" | jq --arg a "$APP" \
		'[.entries[] | select(.method == "POST" and (.path | endswith("/dispatches"))
			and .body.inputs.app == $a)] | length'
}

infra() {
	(
		# shellcheck disable=SC1091
		. "$SB/infra.env"
		"$DK_BIN/sigv4-curl" -f --service ecs --target "AmazonEC2ContainerServiceV20141113.$1" \
			-d "$2" "$AWS_ENDPOINT_URL/"
	)
}

service_image() {
	infra DescribeTaskDefinition "$(jq -cn --arg a "$APP" '{taskDefinition: $a}')" |
		jq -r '.taskDefinition.containerDefinitions[0].image'
}

@test "a deploy: image in the registry, parameter set, ECS service on the image" {
	run -0 --separate-stderr mk deploy
	assert_line --regexp "^deploy: done  app=$APP env=sandbox version=$VERSION image=$SANDBOX_REGISTRY/$APP:$VERSION@sha256:[0-9a-f]{64} parameter=/$APP/sandbox/version@v1 run=http://127.0.0.1:[0-9]+/acme/infra/actions/runs/[0-9]+ duration=[0-9]+m[0-9]+s result=success$"
	digest=$(jq -r .digest "$app/.deploy/sandbox/$VERSION/push.json")
	# Real clients agree: skopeo sees the image, the aws CLI the parameter.
	run -0 skopeo inspect --tls-verify=false --creds "AWS:123456789012-auth-token" \
		"docker://$SANDBOX_REGISTRY/$APP:$VERSION"
	assert_equal "$(jq -r .Digest <<<"$output")" "$digest"
	run -0 aws --endpoint-url "$SANDBOX_MOTO" ssm get-parameter --name "/$APP/sandbox/version" \
		--query Parameter.Value --output text
	assert_output "$VERSION"
	assert_equal "$(service_image)" "$SANDBOX_REGISTRY/$APP:$VERSION"
	assert_equal "$(dispatches)" 1
}

@test "make deploy again: nothing new, no second dispatch" {
	mk deploy >/dev/null 2>&1
	run -0 --separate-stderr mk deploy
	assert_line --partial 'deploy: done'
	refute_line --partial 'building'
	assert_equal "$(dispatches)" 1
	run -0 aws --endpoint-url "$SANDBOX_MOTO" ssm get-parameter --name "/$APP/sandbox/version" \
		--query Parameter.Version --output text
	assert_output 1
}

@test "a new state folder for a version already pushed: the build is skipped" {
	mk deploy >/dev/null 2>&1
	run -0 --separate-stderr mk deploy DEPLOY_STATE=.deploy2
	assert_line --partial "$APP:$VERSION is in the registry already: not built"
	jq -e '.pushed == false and (.digest | startswith("sha256:"))' "$app/.deploy2/sandbox/$VERSION/push.json"
}

@test "make killed during the wait: the re-run waits on the same run, one dispatch" {
	sim POST /_sim/scripts "$(jq -cn '{repo: "acme/infra", workflow: "deploy.yaml",
		scripts: [{queue: 1, jobs: [{name: "deploy", steps: [{name: "slow", seconds: 6}]}]}]}')" >/dev/null
	# In a session of its own, as a terminal's job would be, so that the
	# signal reaches make and everything it runs (^C sends SIGINT, which a
	# background job ignores; SIGTERM is what CI runners send).
	setsid make -C "$app" --no-print-directory DEPLOYKIT_MK="$DK_ROOT/mk/deploy.mk" \
		APP="$APP" ENV=sandbox deploy >"$BATS_TEST_TMPDIR/first.log" 2>&1 &
	pid=$!
	for ((i = 0; i < 300; i++)); do
		[[ -s $app/.deploy/sandbox/$VERSION/dispatch.json ]] && break
		sleep 0.1
	done
	[[ -s $app/.deploy/sandbox/$VERSION/dispatch.json ]]
	run_id=$(jq -r .run_id "$app/.deploy/sandbox/$VERSION/dispatch.json")
	kill -TERM -- "-$pid"
	wait "$pid" || true
	[ ! -e "$app/.deploy/sandbox/$VERSION/result.json" ]
	run -0 --separate-stderr mk deploy
	assert_line --partial "deploy: done"
	assert_line --partial "/actions/runs/$run_id"
	assert_equal "$(jq -r .run_id "$app/.deploy/sandbox/$VERSION/result.json")" "$run_id"
	assert_equal "$(dispatches)" 1
}

@test "an infra run that fails: make fails naming the failed step and the run" {
	sim POST /_sim/scripts "$(jq -cn '{repo: "acme/infra", workflow: "deploy.yaml",
		scripts: [{queue: 1, jobs: [{name: "deploy", steps: [
			{name: "Update the ECS service", seconds: 1, conclusion: "failure"}]}]}]}')" >/dev/null
	# make itself exits 2 when a recipe fails.
	run -2 --separate-stderr mk deploy
	assert_line --regexp '^deploy: FAILED .* result=failure$'
	[[ $stderr == *'deploy: failed: deploy, step Update the ECS service'* ]]
	[[ $stderr == *'/acme/infra/actions/runs/'* ]]
	# Re-running reports the same outcome; it does not dispatch again.
	run -2 --separate-stderr mk deploy
	assert_equal "$(dispatches)" 1
}

@test "the infra workflow refuses an image that is not in the registry" {
	# Release and trigger without a push: the workflow's image check fails.
	mkdir -p "$app/.deploy/sandbox/$VERSION"
	jq -cn --arg r "$SANDBOX_REGISTRY" --arg a "$APP" --arg v "$VERSION" \
		'{registry: $r, repository: $a, version: $v, image: "\($r)/\($a):\($v)", started_at: "", started_epoch: 0}' \
		>"$app/.deploy/sandbox/$VERSION/target.json"
	run -2 --separate-stderr mk deploy DEPLOY_ROLLBACK=1
	[[ $stderr == *'step Check the image'* ]]
}

@test "deploy-status and rollback" {
	mk deploy >/dev/null 2>&1
	first=$VERSION
	commit second
	mk deploy >/dev/null 2>&1
	assert_equal "$(service_image)" "$SANDBOX_REGISTRY/$APP:$VERSION"
	run -0 mk deploy-status
	assert_line --regexp "^live: +$VERSION \\(parameter /$APP/sandbox/version v2, "
	assert_line --regexp '^last run: success http'
	run -0 --separate-stderr mk rollback
	assert_line --partial "deploy: rollback $VERSION -> $first"
	assert_line --partial 'deploy: done'
	refute_line --partial 'building'
	assert_equal "$(service_image)" "$SANDBOX_REGISTRY/$APP:$first"
	run -0 aws --endpoint-url "$SANDBOX_MOTO" ssm get-parameter --name "/$APP/sandbox/version" \
		--query Parameter.Value --output text
	assert_output "$first"
	assert_equal "$(dispatches)" 3
}

@test "make -n deploy in the sandbox runs nothing" {
	run -0 mk -n deploy
	assert_line --partial "podman build"
	[ ! -e "$app/.deploy" ]
	assert_equal "$(dispatches)" 0
}
