#!/usr/bin/env bash
# tests/bench/deploy.sh: the toolkit's own overhead in a sandbox deploy,
# against the same stages done with the aws CLI and curl.  Figures, never
# pass/fail.  BENCH_RUNS (default 5) deploys each way, medians.
#
# Both ways deploy an image already in the registry (its build and push are
# not the toolkit's overhead) and the infra run is a zero-length script in
# the GitHub simulator (its duration is not either), so what is left is the
# calls: registry HEAD with the ECR token, the parameter read and write,
# the repository and dispatch, the run polled until it completes, the
# report.  Each deploy writes its own parameter, so every write happens.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
DK_BUILD=${DK_BUILD:-build}
runs=${BENCH_RUNS:-5}
sb=$(mktemp -d "${TMPDIR:-/tmp}/dk-bench-deploy.XXXXXX")
trap 'tests/sandbox/down "$sb"; rm -rf "$sb"' EXIT
tests/sandbox/up "$sb" >"$sb/up.log"
for v in $(env | sed -n 's/^\(AWS_[A-Z0-9_]*\)=.*/\1/p'); do unset "$v"; done
# shellcheck disable=SC1091
. "$sb/env"
export PATH=$root/$DK_BUILD/bin:$PATH AWS_PAGER=''
gh=$SANDBOX_GITHUB

app=$sb/app
mkdir -p "$app"
cp tests/sandbox/app/{Makefile,Dockerfile,hello.c} "$app/"
printf '.deploy*/\nhello\n' >"$app/.gitignore"
git -C "$app" init -q
git -C "$app" add .
git -C "$app" -c user.name=b -c user.email=b@b.invalid commit -q -m bench
version=$(git -C "$app" rev-parse --short=12 HEAD)
mk() {
	make -C "$app" --no-print-directory DEPLOYKIT_MK="$root/mk/deploy.mk" \
		APP=bench ENV=bench "$@" >/dev/null 2>&1
}
# The first deploy builds and pushes the image; it is not measured.
mk deploy DEPLOY_STATE=.deploy-first

# Zero-length infra runs for everything that follows.
zero='{"queue":0,"jobs":[{"name":"deploy","steps":[{"name":"noop","seconds":0}]}]}'
curl -sS --fail -X POST "$gh/_sim/scripts" -d "$(jq -cn --argjson z "$zero" --argjson n "$((2 * runs + 2))" \
	'{repo: "acme/infra", workflow: "deploy.yaml", scripts: [range($n) | $z]}')" >/dev/null

toolkit() {
	mk deploy DEPLOY_STATE=".deploy-$1" DEPLOY_PARAMETER="/bench/toolkit/$1"
}

# The same stages by hand, as a script around the aws CLI and curl would
# do them.  The GitHub token goes to curl on stdin, not argv.
by_hand() {
	local param=/bench/cli/$1 code run_id status
	code=$(aws --endpoint-url "$AWS_ENDPOINT_URL" ecr get-login-password | { IFS= read -r pw; printf 'user = "AWS:%s"\n' "$pw"; } |
		curl -s -o /dev/null -w '%{http_code}' -I -K - \
		-H 'Accept: application/vnd.oci.image.manifest.v1+json' \
		"http://$SANDBOX_REGISTRY/v2/bench/manifests/$version")
	[[ $code == 200 ]]
	aws --endpoint-url "$AWS_ENDPOINT_URL" ssm get-parameter --name "$param" >/dev/null 2>&1 || true
	aws --endpoint-url "$AWS_ENDPOINT_URL" ssm put-parameter --name "$param" --value "$version" \
		--type String --overwrite >/dev/null
	ghc() { printf 'header = "Authorization: Bearer %s"\n' "$GH_TOKEN" | curl -sS --fail -K - \
		-H 'Accept: application/vnd.github+json' -H 'X-GitHub-Api-Version: 2022-11-28' "$@"; }
	ghc "$gh/repos/acme/infra" >/dev/null
	run_id=$(ghc -X POST "$gh/repos/acme/infra/actions/workflows/deploy.yaml/dispatches" \
		-d "$(jq -cn --arg v "$version" '{ref: "main", inputs: {app: "bench", environment: "bench", version: $v}, return_run_details: true}')" |
		jq -r .workflow_run_id)
	while :; do
		status=$(ghc "$gh/repos/acme/infra/actions/runs/$run_id" | jq -r .status)
		[[ $status == completed ]] && break
		sleep 1
	done
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
now() { date +%s.%N; }
: >"$sb/toolkit" ; : >"$sb/cli"
for ((i = 1; i <= runs; i++)); do
	t0=$(now); toolkit "$i"; t1=$(now); by_hand "$i"; t2=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }' >>"$sb/toolkit"
	awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }' >>"$sb/cli"
done
tk=$(median <"$sb/toolkit")
cl=$(median <"$sb/cli")
echo "== A deploy's own overhead (image already pushed, zero-length infra run; $runs each, medians)"
printf '%-34s %8.3f s\n' "make deploy (deploykit)" "$tk"
printf '%-34s %8.3f s\n' "aws CLI + curl, same stages" "$cl"
printf '%-34s %8.1fx\n' "ratio" "$(awk -v a="$cl" -v b="$tk" 'BEGIN { print a / b }')"
