# Shared by every bats file: assertions, paths to the built tools, free ports,
# readiness polling and moto (the AWS emulator) with IAM auth switched on.
# shellcheck shell=bash

bats_require_minimum_version 1.5.0
load '/usr/lib/bats/bats-support/load.bash'
load '/usr/lib/bats/bats-assert/load.bash'

# From this file's place, so that bats files in subfolders find the root too.
DK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DK_BUILD=${DK_BUILD:-build}
case $DK_BUILD in /*) ;; *) DK_BUILD=$DK_ROOT/$DK_BUILD ;; esac
DK_BIN=$DK_BUILD/bin
export DK_ROOT DK_BUILD DK_BIN
# make check runs us under make: the makes a test runs are its own, not
# sub-makes (no "make[2]:" prefixes, no inherited flags or job server).
unset MAKEFLAGS MAKELEVEL MFLAGS MAKEOVERRIDES
PATH=$DK_BIN:$PATH

# A TCP port nobody listens on now, from the kernel's ephemeral range.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_http URL [TRIES]: poll until URL answers (any HTTP status), 0.1 s apart,
# at most TRIES times (default 100: 10 s).  Fails if it never does.
wait_http() {
	local url=$1 tries=${2:-100} i
	for ((i = 0; i < tries; i++)); do
		curl -s -o /dev/null --max-time 1 "$url" && return 0
		sleep 0.1
	done
	echo "no answer from $url after $tries tries" >&2
	return 1
}

# kill_pid PIDFILE: stop a server we started, by PID, and wait for it.
kill_pid() {
	local pid
	[[ -f $1 ]] || return 0
	pid=$(cat "$1")
	kill "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null || true
	rm -f "$1"
}

# A clean AWS environment: nothing from the developer's machine leaks in.
aws_env_clean() {
	local v
	for v in $(env | sed -n 's/^\(AWS_[A-Z0-9_]*\)=.*/\1/p'); do
		unset "$v"
	done
	export AWS_CONFIG_FILE=/dev/null/none AWS_SHARED_CREDENTIALS_FILE=/dev/null/none
	export AWS_EC2_METADATA_DISABLED=true
}

# moto_start [noauth]: start moto_server on a free loopback port (call from
# setup_file).  With IAM auth on (the default), bootstrap two users (see
# tests/helpers/moto-bootstrap) and export:
#   MOTO_URL MOTO_PIDFILE
#   MOTO_AK MOTO_SK       "deploy": what the tools need, not DeleteParameter
#   MOTO_AK2 MOTO_SK2     "intruder": sts:GetCallerIdentity only
moto_start() {
	local port dir
	port=$(free_port)
	dir=$BATS_FILE_TMPDIR/moto-$port
	mkdir -p "$dir"
	MOTO_URL=http://127.0.0.1:$port
	MOTO_PIDFILE=$dir/pid
	moto_server -H 127.0.0.1 -p "$port" >"$dir/log" 2>&1 &
	echo $! >"$MOTO_PIDFILE"
	wait_http "$MOTO_URL/moto-api/" 200
	export MOTO_URL MOTO_PIDFILE
	[[ ${1:-} == noauth ]] && return 0
	"$DK_ROOT/tests/helpers/moto-bootstrap" "$MOTO_URL" >"$dir/keys"
	MOTO_AK=$(sed -n 1p "$dir/keys")
	MOTO_SK=$(sed -n 2p "$dir/keys")
	MOTO_AK2=$(sed -n 3p "$dir/keys")
	MOTO_SK2=$(sed -n 4p "$dir/keys")
	export MOTO_AK MOTO_SK MOTO_AK2 MOTO_SK2
}

moto_stop() {
	kill_pid "$MOTO_PIDFILE"
}

# Point the AWS variables at moto with the deploy user's key.
moto_env() {
	aws_env_clean
	export AWS_ACCESS_KEY_ID=$MOTO_AK AWS_SECRET_ACCESS_KEY=$MOTO_SK
	# The aws CLI v1 reads AWS_DEFAULT_REGION only.
	export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_ENDPOINT_URL=$MOTO_URL
}

# env_file FILE: the GITHUB_ENV entries of FILE as one JSON object, parsed
# as the runner does (NAME=VALUE and NAME<<DELIMITER ... DELIMITER).
env_file() {
	python3 -c '
import json, sys
lines = open(sys.argv[1]).read().split("\n")
out, i = {}, 0
while i < len(lines):
    line = lines[i]
    i += 1
    if not line:
        continue
    if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
        name, delim = line.split("<<", 1)
        j = lines.index(delim, i)
        out[name] = "\n".join(lines[i:j])
        i = j + 1
    else:
        name, value = line.split("=", 1)
        out[name] = value
print(json.dumps(out))' "$1"
}
