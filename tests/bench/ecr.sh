#!/usr/bin/env bash
# tests/bench/ecr.sh: an ECR login three ways against the same moto on
# loopback: `ecr-token --no-cache` (a signed call), a cached `ecr-token`
# (no call at all), and `aws ecr get-login-password`.  Figures, never
# pass/fail.  BENCH_RUNS (default 15) runs of each, medians.
#
# moto's tokens expired on 2015-01-01 and are never cached, so the cache is
# filled once from tests/helpers/ecr-standin.py (a stand-in whose token
# expires in 12 hours), signed with the same moto key; the cached runs then
# point at moto and never reach it.
set -euo pipefail
cd "$(dirname "$0")/../.."
DK_BUILD=${DK_BUILD:-build}
bin=$PWD/$DK_BUILD/bin
runs=${BENCH_RUNS:-15}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dk-bench-ecr.XXXXXX")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
mkdir "$tmp/standin"
moto_server -H 127.0.0.1 -p "$port" >"$tmp/moto.log" 2>&1 &
echo $! >"$tmp/moto.pid"
python3 tests/helpers/ecr-standin.py "$tmp/standin" >"$tmp/standin.log" 2>&1 &
echo $! >"$tmp/standin.pid"
cleanup() {
	kill "$(cat "$tmp/moto.pid")" "$(cat "$tmp/standin.pid")" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
for ((i = 0; i < 100; i++)); do
	curl -s -o /dev/null "$url/moto-api/" && [[ -s $tmp/standin/port ]] && break
	sleep 0.1
done
tests/helpers/moto-bootstrap "$url" >"$tmp/keys"
for v in $(env | sed -n 's/^\(AWS_[A-Z0-9_]*\)=.*/\1/p'); do unset "$v"; done
AWS_ACCESS_KEY_ID=$(sed -n 1p "$tmp/keys")
AWS_SECRET_ACCESS_KEY=$(sed -n 2p "$tmp/keys")
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null/none AWS_SHARED_CREDENTIALS_FILE=/dev/null/none
export AWS_EC2_METADATA_DISABLED=true AWS_PAGER=''
export XDG_CACHE_HOME=$tmp/cache
unset DEPLOYKIT_NO_CACHE DEPLOYKIT_ECR_REGISTRY_ID GITHUB_ACTIONS

AWS_ENDPOINT_URL=http://127.0.0.1:$(cat "$tmp/standin/port") "$bin/ecr-token" >/dev/null
AWS_ENDPOINT_URL=$url "$bin/ecr-token" --password >/dev/null	# a cache hit, or it fails
[[ $(wc -l <"$tmp/standin/requests") -eq 1 ]]

echo "== ECR GetAuthorizationToken ($runs runs each, moto on loopback)"
AWS_ENDPOINT_URL=$url tests/bench/compare.py "$runs" \
	"ecr-token --no-cache" -- "$bin/ecr-token" --no-cache ::: \
	"ecr-token (cached)" -- "$bin/ecr-token" ::: \
	"aws ecr get-login-password" -- aws --endpoint-url "$url" --region us-east-1 ecr get-login-password
