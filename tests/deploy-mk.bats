#!/usr/bin/env bats
# mk/deploy.mk at the make level: validation, make -n, help, the default
# goal, the dirty-tree rule.  Whole deploys run in tests/sandbox.bats.

load lib/common

setup() {
	app=$BATS_TEST_TMPDIR/app
	mkdir -p "$app"
	cat >"$app/Makefile" <<MK
.PHONY: all
all:
	@echo the app default goal
include $DK_ROOT/mk/deploy.mk
MK
	git -C "$app" init -q
	git -C "$app" add Makefile
	git -C "$app" -c user.name=t -c user.email=t@t.invalid commit -q -m app
	sha=$(git -C "$app" rev-parse --short=12 HEAD)
	unset ENV
}

mk() {
	make -C "$app" --no-print-directory "$@"
}

@test "including deploy.mk keeps the app's default goal" {
	run -0 mk
	assert_output 'the app default goal'
}

@test "make help lists every target and knob with its value" {
	run -0 mk help APP=shop ENV=prod
	for t in deploy deploy-target deploy-image deploy-push deploy-release \
		deploy-trigger deploy-wait deploy-status rollback deploy-clean; do
		assert_line --regexp "^  $t +"
	done
	assert_line --regexp '^  DEPLOY_PARAMETER +/shop/prod/version$'
	assert_line --regexp "^  VERSION +$sha$"
	assert_line --regexp '^  DOCKER +docker$'
}

@test "make -n deploy prints every stage's command and runs none" {
	run -0 --separate-stderr mk -n deploy APP=shop ENV=prod DEPLOY_INFRA_REPO=acme/infra
	assert_line --partial "ecr-token -q"
	assert_line --partial "docker build -t \"\$image\" -f 'Dockerfile'"
	assert_line --partial "docker login --username AWS --password-stdin"
	assert_line --partial "ssm-put -q --name '/shop/prod/version' --value '$sha'"
	assert_line --partial "gh-dispatch -q --repo 'acme/infra'"
	assert_line --partial "-f 'app=shop' -f 'environment=prod'"
	assert_line --partial "gh-wait --timeout '30m'"
	[ ! -e "$app/.deploy" ]
}

@test "knobs change the commands" {
	run -0 mk -n deploy APP=shop ENV=prod DEPLOY_INFRA_REPO=acme/infra DOCKER=podman \
		VERSION=1.2.3 DEPLOY_PARAMETER=/p/shop DEPLOY_WORKFLOW=ship.yml DEPLOY_REF=release \
		DEPLOY_INPUT_ENV=stage DEPLOY_BUILD_FLAGS=--pull
	assert_line --partial "podman build -t \"\$image\" -f 'Dockerfile' --pull '.'"
	assert_line --partial "--value '1.2.3'"
	assert_line --partial "--workflow 'ship.yml' --ref 'release'"
	assert_line --partial "-f 'stage=prod'"
	assert_line --partial ".deploy/prod/1.2.3/target.json"
}

@test "no secret is ever in a recipe" {
	export AWS_SECRET_ACCESS_KEY=canary-aws-secret GH_TOKEN=canary-gh-token
	run -0 mk -n deploy APP=shop ENV=prod DEPLOY_INFRA_REPO=acme/infra
	refute_output --partial canary
}

@test "missing variables stop make naming them" {
	run -2 --separate-stderr mk deploy ENV=prod DEPLOY_INFRA_REPO=acme/infra
	[[ $stderr == *'deploy.mk: APP is required'* ]]
	run -2 --separate-stderr mk deploy APP=shop ENV=prod
	[[ $stderr == *'DEPLOY_INFRA_REPO is required'* ]]
	run -2 --separate-stderr mk -n deploy APP=shop DEPLOY_INFRA_REPO=acme/infra
	[[ $stderr == *'ENV is required'* ]]
}

@test "APP, ENV and the other knobs are validated before anything runs" {
	# (make expands a single $ itself: APP=a$$b is the value a$b.)
	for bad in 'APP=my app' 'APP=a;rm' "APP=a'b" 'APP=a$$b' 'APP=a`id`' 'ENV=p/q' \
		'VERSION=1;x' 'DEPLOY_INFRA_REPO=a b' 'DEPLOY_PARAMETER=/a b' 'DEPLOY_WORKFLOW=x;y' \
		'DEPLOY_REF=r$$x' 'DEPLOY_REGISTRY=h/x' 'DEPLOY_INPUT_APP=a.b'; do
		run -2 --separate-stderr mk -n deploy APP=shop ENV=prod DEPLOY_INFRA_REPO=acme/infra "$bad"
		[[ $stderr == *deploy.mk:* ]] || { echo "accepted: $bad"; false; }
		[ -z "$output" ]
	done
}

@test "ENV from the environment is refused (sh keeps its start-up file there)" {
	ENV=prod run -2 --separate-stderr mk -n deploy APP=shop DEPLOY_INFRA_REPO=acme/infra
	[[ $stderr == *'ENV comes from the environment'* ]]
}

@test "an app target that depends on deploy is checked too" {
	printf 'ship: deploy\n' >>"$app/Makefile"
	git -C "$app" commit -qam ship
	run -2 --separate-stderr mk ship ENV=prod DEPLOY_INFRA_REPO=acme/infra
	[[ $stderr == *'APP is required'* ]]
}

@test "a dirty work tree is refused unless allowed" {
	echo change >"$app/README"
	git -C "$app" add README
	run -2 --separate-stderr mk deploy-target APP=shop ENV=prod DEPLOY_INFRA_REPO=acme/infra \
		DEPLOY_REGISTRY=registry.example
	[[ $stderr == *'uncommitted changes'*DEPLOY_ALLOW_DIRTY* ]]
	[ ! -e "$app/.deploy/prod/$sha/target.json" ]
	run -0 mk deploy-target APP=shop ENV=prod DEPLOY_INFRA_REPO=acme/infra \
		DEPLOY_REGISTRY=registry.example DEPLOY_ALLOW_DIRTY=1
	jq -e --arg v "$sha" '.image == "registry.example/shop:\($v)" and .version == $v' \
		"$app/.deploy/prod/$sha/target.json"
}

@test "deploy-clean forgets the environment's state" {
	run -0 mk deploy-target APP=shop ENV=prod DEPLOY_INFRA_REPO=acme/infra DEPLOY_REGISTRY=r.example
	[ -d "$app/.deploy/prod" ]
	run -0 mk deploy-clean APP=shop ENV=prod
	[ ! -e "$app/.deploy/prod" ]
}
