#!/usr/bin/env bats
# ecr-token and docker-credential-ecr-token: usage and bad input (exit 2,
# nothing sent); tokens from moto with IAM auth on, cross-checked with the
# aws CLI; the token cache; the credential-helper protocol; GitHub masking;
# and a real client: skopeo pushing to Debian's docker-registry through the
# helper.
#
# moto's tokens expired on 2015-01-01, so they are never cached: the cache
# tests use tests/helpers/ecr-standin.py, a stand-in for GetAuthorizationToken
# whose tokens expire in the future (it also answers ECR Public, which moto
# lacks).  It checks no signature; everything about signing and policy is
# tested against moto.

load lib/common

HELPER=docker-credential-ecr-token
ECR_HOST=123456789012.dkr.ecr.us-east-1.amazonaws.com
MOTO_PASSWORD=123456789012-auth-token

setup_file() {
	moto_start
}

teardown_file() {
	moto_stop
}

setup() {
	moto_env
	unset GITHUB_ACTIONS DEPLOYKIT_NO_CACHE DEPLOYKIT_ECR_REGISTRY_ID
	unset https_proxy http_proxy HTTPS_PROXY HTTP_PROXY
	export XDG_CACHE_HOME=$BATS_TEST_TMPDIR/cache
	export HOME=$BATS_TEST_TMPDIR/home
	mkdir -p "$HOME"
	STANDIN= REGISTRY_DIR=
}

teardown() {
	[[ -z $STANDIN ]] || kill_pid "$STANDIN/pid"
	[[ -z $REGISTRY_DIR ]] || kill_pid "$REGISTRY_DIR/pid"
}

# Start the stand-in and point AWS_ENDPOINT_URL at it.
standin_start() {
	local i
	STANDIN=$BATS_TEST_TMPDIR/standin
	mkdir -p "$STANDIN"
	python3 "$DK_ROOT/tests/helpers/ecr-standin.py" "$STANDIN" \
		>"$STANDIN/log" 2>&1 &
	echo $! >"$STANDIN/pid"
	for ((i = 0; i < 100; i++)); do
		[[ -s $STANDIN/port ]] && break
		sleep 0.1
	done
	[[ -s $STANDIN/port ]] || { echo "the stand-in did not start" >&2; return 1; }
	export AWS_ENDPOINT_URL=http://127.0.0.1:$(cat "$STANDIN/port")
}

# Requests the stand-in has answered.
requests() {
	if [[ -f $STANDIN/requests ]]; then wc -l <"$STANDIN/requests"; else echo 0; fi
}

# A URL on a port nobody listens on.
dead_url() {
	echo "http://127.0.0.1:$(free_port)"
}

cache_dir() {
	echo "$XDG_CACHE_HOME/deploykit"
}

# The one cache record (fails when there are none or several).
cache_file() {
	local f
	f=$(ls "$(cache_dir)"/ecr-*.json)
	[[ $(wc -l <<<"$f") -eq 1 && -f $f ]] || return 1
	echo "$f"
}

# --- usage and bad input -----------------------------------------------------

@test "--help prints the usage on stdout and exits 0" {
	run -0 --separate-stderr ecr-token --help
	assert_line --index 0 'usage: ecr-token [-qv] [--password] [--registry host | --public]'
	assert_line --index 2 '       docker-credential-ecr-token get | list | store | erase'
	[ -z "$stderr" ]
}

@test "the usage lists exactly the options and actions of the man page's SYNOPSIS" {
	words() { sed 's/\[-qv\]/-q -v/' | grep -o -- '--\?[a-z][a-z-]*\|\<[a-z]\+\>' | sort -u; }
	run -0 ecr-token --help
	from_usage=$(printf '%s\n' "$output" | sed 's/^usage://' | words)
	from_man=$(mandoc -Tascii "$DK_ROOT/man/ecr-token.1" | col -b |
		sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | words)
	[ "$from_usage" = "$from_man" ]
}

@test "--version names the tool and deploykit" {
	run -0 ecr-token --version
	assert_output --regexp '^ecr-token \(deploykit\) [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "the man page is clean under mandoc -Tlint" {
	run -0 mandoc -Tlint -W warning "$DK_ROOT/man/ecr-token.1"
	assert_output ''
}

@test "bad input exits 2 and sends nothing" {
	standin_start
	run -2 --separate-stderr ecr-token --bogus
	[[ $stderr == *usage:* ]]
	run -2 --separate-stderr ecr-token extra
	assert_equal "$stderr" 'ecr-token: extra: unexpected argument (the registry goes in --registry)'
	run -2 --separate-stderr ecr-token -q -v
	[[ $stderr == *'-q and -v contradict each other'* ]]
	run -2 --separate-stderr ecr-token --public --registry "$ECR_HOST"
	[[ $stderr == *'--registry and --public contradict each other'* ]]
	run -2 --separate-stderr ecr-token --registry "$ECR_HOST" --region eu-west-1
	assert_equal "$stderr" "ecr-token: --region eu-west-1 contradicts $ECR_HOST, whose region is us-east-1: give one"
	run -2 --separate-stderr ecr-token --public --region eu-west-1
	[[ $stderr == *'contradicts ECR Public, whose region is us-east-1'* ]]
	run -2 --separate-stderr ecr-token --region 'eu west'
	assert_equal "$stderr" "ecr-token: --region eu west: not a valid region name"
	DEPLOYKIT_ECR_REGISTRY_ID=1234 run -2 --separate-stderr ecr-token
	[[ $stderr == *'DEPLOYKIT_ECR_REGISTRY_ID 1234: not an AWS account id'* ]]
	unset AWS_REGION AWS_DEFAULT_REGION
	run -2 --separate-stderr ecr-token
	[[ $stderr == *'no AWS region'* ]]
	unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
	run -2 --separate-stderr ecr-token --region us-east-1
	[ -z "$output" ]
	[ "$(requests)" -eq 0 ]
}

@test "--registry: hosts that are not ECR registries exit 2, nothing sent" {
	standin_start
	for host in \
		12345678901.dkr.ecr.us-east-1.amazonaws.com \
		123456789012.dkr.ecr.us-east-1.amazonaws.com.cn \
		123456789012.dkr.ecr.cn-north-1.amazonaws.com \
		123456789012.dkr.ecs.us-east-1.amazonaws.com \
		123456789012.dkr-ecr.us-east-1.amazonaws.com \
		123456789012.dkr.ecr.us-east-1.example.com \
		api.ecr.us-east-1.amazonaws.com \
		registry.example:5000 \
		'https://user:pw@123456789012.dkr.ecr.us-east-1.amazonaws.com' \
		''; do
		run -2 --separate-stderr ecr-token --registry "$host"
		assert_equal "$stderr" "ecr-token: --registry $host: not an ECR registry host (ACCOUNT.dkr.ecr.REGION.amazonaws.com, ACCOUNT.dkr-ecr.REGION.on.aws or public.ecr.aws)"
		[ -z "$output" ]
	done
	[ "$(requests)" -eq 0 ]
}

# --- tokens from moto ----------------------------------------------------------

@test "a token from moto: one JSON line, password and registry as moto made them" {
	run -0 --separate-stderr ecr-token
	[ "${#lines[@]}" -eq 1 ]
	[ -z "$stderr" ]
	run -0 jq -S . <<<"$output"
	assert_output "$(jq -S . <<EOF
{"registry":"$ECR_HOST","username":"AWS","password":"$MOTO_PASSWORD","expires_at":"2015-01-01T00:00:00Z"}
EOF
)"
}

@test "--password prints the bare password and a newline" {
	run -0 --separate-stderr ecr-token --password
	assert_output "$MOTO_PASSWORD"
	[ -z "$stderr" ]
	[ "$(ecr-token --password | od -An -c | tr -d ' \n')" = "${MOTO_PASSWORD}\n" ]
}

@test "the aws CLI's get-login-password agrees" {
	theirs=$(aws ecr get-login-password --endpoint-url "$MOTO_URL" --region us-east-1)
	run -0 ecr-token --password
	assert_output "$theirs"
}

@test "--registry asks for that account in that region and names the host" {
	host=210987654321.dkr.ecr.eu-west-1.amazonaws.com
	run -0 --separate-stderr ecr-token --registry "https://$host/v2/"
	[ "$(jq -r .registry <<<"$output")" = "$host" ]
	[ "$(jq -r .password <<<"$output")" = 210987654321-auth-token ]
	[ "$(jq -r .username <<<"$output")" = AWS ]
}

@test "--registry: FIPS, dual-stack, China and ECR Public choose the endpoint" {
	# A proxy on a dead port: the request goes nowhere, the trace shows where
	# it was meant to go.
	unset AWS_ENDPOINT_URL
	export https_proxy=$(dead_url) AWS_MAX_ATTEMPTS=1
	check() {
		run -3 --separate-stderr ecr-token -v --no-cache --registry "$1"
		assert_equal "$(grep -o 'asking [^ ]*' <<<"$stderr")" "asking $2"
	}
	check 123456789012.dkr.ecr.eu-west-1.amazonaws.com https://api.ecr.eu-west-1.amazonaws.com
	check 123456789012.dkr.ecr-fips.us-east-1.amazonaws.com https://ecr-fips.us-east-1.amazonaws.com
	check 123456789012.dkr-ecr.eu-west-1.on.aws https://ecr.eu-west-1.api.aws
	check 123456789012.dkr-ecr-fips.us-east-2.on.aws https://ecr-fips.us-east-2.api.aws
	check 123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn https://api.ecr.cn-north-1.amazonaws.com.cn
	check public.ecr.aws https://api.ecr-public.us-east-1.amazonaws.com
}

@test "--public: SpencerFrontendService, signed as ecr-public in us-east-1, the object answer" {
	standin_start
	export AWS_REGION=eu-west-1
	run -0 --separate-stderr ecr-token --public -v
	[ "$(jq -r .registry <<<"$output")" = public.ecr.aws ]
	[ "$(jq -r .password <<<"$output")" = public-auth-token ]
	[[ $stderr == *'X-Amz-Target: SpencerFrontendService.GetAuthorizationToken'* ]]
	[[ $stderr != *public-auth-token* ]]
	run -0 jq -c '{target, region, service, body}' "$STANDIN/requests"
	assert_output '{"target":"SpencerFrontendService.GetAuthorizationToken","region":"us-east-1","service":"ecr-public","body":"{}"}'
}

@test "the ECR request: target, signing name, region, registry id" {
	standin_start
	run -0 ecr-token --registry 123456789012.dkr.ecr.eu-west-1.amazonaws.com --no-cache
	run -0 jq -c '{target, region, service, body}' "$STANDIN/requests"
	assert_output '{"target":"AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken","region":"eu-west-1","service":"ecr","body":"{\"registryIds\":[\"123456789012\"]}"}'
}

@test "a wrong secret: exit 1 naming AWS's error, nothing on stdout" {
	export AWS_SECRET_ACCESS_KEY=wrong-secret-wrong-secret
	run -1 --separate-stderr ecr-token
	[ -z "$output" ]
	[[ $stderr == 'ecr-token: SignatureDoesNotMatch: '* ]]
	[[ $stderr != *wrong-secret* ]]
	export AWS_ACCESS_KEY_ID=AKIAUNKNOWNKEY000000
	run -1 --separate-stderr ecr-token
	[[ $stderr == 'ecr-token: InvalidClientTokenId: '* ]]
}

@test "a user whose policy does not allow ecr: exit 1 naming the denial" {
	# moto says AccessDenied where ECR says AccessDeniedException.
	export AWS_ACCESS_KEY_ID=$MOTO_AK2 AWS_SECRET_ACCESS_KEY=$MOTO_SK2
	run -1 --separate-stderr ecr-token
	[ -z "$output" ]
	assert_equal "$stderr" 'ecr-token: AccessDenied: User: arn:aws:iam::123456789012:user/intruder is not authorized to perform: ecr:GetAuthorizationToken'
	run -1 --separate-stderr $HELPER get < <(printf %s "$ECR_HOST")
	assert_output 'AccessDenied: User: arn:aws:iam::123456789012:user/intruder is not authorized to perform: ecr:GetAuthorizationToken'
}

@test "AccessDeniedException from the stand-in: the code and message verbatim" {
	standin_start
	echo deny >"$STANDIN/mode"
	run -1 --separate-stderr ecr-token
	assert_equal "$stderr" 'ecr-token: AccessDeniedException: User: arn:aws:iam::123456789012:user/deploy is not authorized to perform: ecr:GetAuthorizationToken'
}

@test "no answer: exit 3; a malformed answer: exit 3" {
	export AWS_ENDPOINT_URL=$(dead_url) AWS_MAX_ATTEMPTS=1
	run -3 --separate-stderr ecr-token
	[ -z "$output" ]
	standin_start
	echo garbage >"$STANDIN/mode"
	run -3 --separate-stderr ecr-token
	[[ $stderr == *'malformed answer'* ]]
	echo fail >"$STANDIN/mode"
	export AWS_MAX_ATTEMPTS=2
	run -3 --separate-stderr ecr-token
	[[ $stderr == *'ServerException: stand-in failure (after retries)'* ]]
	[ "$(requests)" -eq 3 ]
}

@test "--verbose shows the exchange, never the password or the secret key" {
	run -0 --separate-stderr ecr-token -v
	[[ $stderr == *'X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken'* ]]
	[[ $stderr != *"$MOTO_PASSWORD"* ]]
	[[ $stderr != *"$MOTO_SK"* ]]
	[[ $stderr != *QVdTOjEyMzQ1Njc4OTAxMi1hdXRoLXRva2Vu* ]]
}

# --- the cache ---------------------------------------------------------------------

@test "moto's expired token is never cached, and --verbose says so" {
	run -0 --separate-stderr ecr-token -v
	[[ $stderr == *'not cached: the token expires at 2015-01-01T00:00:00Z'* ]]
	run ls -A "$(cache_dir)"
	assert_output ''
}

@test "cache: 0700 folder, 0600 file, no key in its name, and a second call sends nothing" {
	standin_start
	run -0 ecr-token
	first=$output
	[ "$(requests)" -eq 1 ]
	[ "$(stat -c %a "$(cache_dir)")" = 700 ]
	f=$(cache_file)
	[ "$(stat -c %a "$f")" = 600 ]
	[[ $(basename "$f") =~ ^ecr-us-east-1-default-[0-9a-f]{16}\.json$ ]]
	[[ $f != *"$AWS_ACCESS_KEY_ID"* ]]
	# The second call: the stand-in is stopped and the endpoint is dead.
	kill_pid "$STANDIN/pid"
	export AWS_ENDPOINT_URL=$(dead_url)
	run -0 --separate-stderr ecr-token
	assert_equal "$output" "$first"
	[ -z "$stderr" ]
	run -0 ecr-token --password
	assert_output 123456789012-auth-token
	[ "$(requests)" -eq 1 ]
}

@test "cache: a cached answer is made without an endpoint or network at all" {
	standin_start
	run -0 ecr-token
	kill_pid "$STANDIN/pid"
	# No endpoint variable, a dead proxy: the standard endpoint would be
	# unreachable, and the trace shows no connection attempt.
	unset AWS_ENDPOINT_URL
	export https_proxy=$(dead_url)
	run -0 --separate-stderr ecr-token -v
	[[ $stderr == *'cached token from '* ]]
	[[ $stderr != *Trying* && $stderr != *asking* ]]
}

@test "cache: --no-cache and DEPLOYKIT_NO_CACHE=1 ask every time and store nothing" {
	standin_start
	run -0 ecr-token --no-cache
	run -0 ecr-token --no-cache
	[ "$(requests)" -eq 2 ]
	DEPLOYKIT_NO_CACHE=1 run -0 ecr-token
	[ "$(requests)" -eq 3 ]
	[ ! -e "$(cache_dir)" ] || [ -z "$(ls -A "$(cache_dir)")" ]
	run -0 ecr-token
	[ "$(requests)" -eq 4 ]
	DEPLOYKIT_NO_CACHE=0 run -0 ecr-token
	[ "$(requests)" -eq 4 ]
}

@test "cache: per account, region and access key" {
	standin_start
	run -0 ecr-token --registry 123456789012.dkr.ecr.eu-west-1.amazonaws.com
	run -0 ecr-token --registry 210987654321.dkr.ecr.eu-west-1.amazonaws.com
	run -0 ecr-token --registry 123456789012.dkr.ecr.us-west-2.amazonaws.com
	[ "$(requests)" -eq 3 ]
	run -0 ecr-token --registry 210987654321.dkr.ecr.eu-west-1.amazonaws.com --password
	assert_output 210987654321-auth-token
	[ "$(requests)" -eq 3 ]
	AWS_ACCESS_KEY_ID=AKIAANOTHERKEY000000 run -0 ecr-token --registry 210987654321.dkr.ecr.eu-west-1.amazonaws.com
	[ "$(requests)" -eq 4 ]
	run ls "$(cache_dir)"
	[ "${#lines[@]}" -eq 4 ]
	[[ $output == *ecr-eu-west-1-123456789012-* && $output == *ecr-eu-west-1-210987654321-* ]]
	[[ $output == *ecr-us-west-2-123456789012-* ]]
}

@test "cache: the FIPS host shares the account's token but is named as asked" {
	standin_start
	run -0 ecr-token --registry 123456789012.dkr.ecr.us-east-1.amazonaws.com
	run -0 ecr-token --registry 123456789012.dkr.ecr-fips.us-east-1.amazonaws.com
	[ "$(jq -r .registry <<<"$output")" = 123456789012.dkr.ecr-fips.us-east-1.amazonaws.com ]
	[ "$(requests)" -eq 1 ]
}

@test "cache: past half its lifetime the token is refreshed" {
	standin_start
	run -0 ecr-token
	f=$(cache_file)
	# Fetched 7 of its 12 hours ago.
	jq -c '.fetched_at -= 25200 | .expires_at -= 25200' "$f" >"$f.new"
	chmod 600 "$f.new"
	mv "$f.new" "$f"
	old=$(jq .fetched_at "$f")
	run -0 --separate-stderr ecr-token -v
	[[ $stderr == *'past half its lifetime: refreshing'* ]]
	[ "$(requests)" -eq 2 ]
	[ "$(jq .fetched_at "$f")" -gt "$old" ]
	[ "$(stat -c %a "$f")" = 600 ]
}

@test "cache: a failed refresh uses the still valid token and says so" {
	standin_start
	run -0 ecr-token
	first=$(jq -r .password <<<"$output")
	f=$(cache_file)
	jq -c '.fetched_at -= 25200 | .expires_at -= 25200' "$f" >"$f.new"
	chmod 600 "$f.new"
	mv "$f.new" "$f"
	echo deny >"$STANDIN/mode"
	run -0 --separate-stderr ecr-token
	[ "$(jq -r .password <<<"$output")" = "$first" ]
	[[ $stderr == 'ecr-token: refreshing the token failed (AccessDeniedException: '*'); using the cached one, valid until '* ]]
	export AWS_ENDPOINT_URL=$(dead_url) AWS_MAX_ATTEMPTS=1
	run -0 --separate-stderr ecr-token --password
	assert_output "$first"
	[[ $stderr == *'using the cached one'* ]]
	run -0 --separate-stderr ecr-token --password -q
	[ -z "$stderr" ]
}

@test "cache: an expired token is not a fallback: exit 3" {
	standin_start
	run -0 ecr-token
	f=$(cache_file)
	jq -c '.fetched_at -= 86400 | .expires_at -= 86400' "$f" >"$f.new"
	chmod 600 "$f.new"
	mv "$f.new" "$f"
	export AWS_ENDPOINT_URL=$(dead_url) AWS_MAX_ATTEMPTS=1
	run -3 --separate-stderr ecr-token
	[ -z "$output" ]
}

@test "cache: unsafe files and folders are never trusted" {
	standin_start
	run -0 ecr-token
	f=$(cache_file)
	# Readable by others: ignored, warned about, replaced.
	chmod 644 "$f"
	run -0 --separate-stderr ecr-token
	[[ $stderr == *'not a private file of this user (want mode 0600): ignored'* ]]
	[ "$(requests)" -eq 2 ]
	[ "$(stat -c %a "$f")" = 600 ]
	# A symbolic link in its place: not followed, replaced by a file.
	jq -c '.password = "planted"' "$f" >"$BATS_TEST_TMPDIR/planted"
	chmod 600 "$BATS_TEST_TMPDIR/planted"
	ln -sf "$BATS_TEST_TMPDIR/planted" "$f"
	run -0 --separate-stderr ecr-token --password
	assert_output 123456789012-auth-token
	[ "$(requests)" -eq 3 ]
	[ ! -L "$f" ] && [ "$(jq -r .password "$BATS_TEST_TMPDIR/planted")" = planted ]
	# A folder open to others: not used at all.
	chmod 755 "$(cache_dir)"
	run -0 --separate-stderr ecr-token
	[[ $stderr == *'not a private folder of this user'* ]]
	[ "$(requests)" -eq 4 ]
	run -0 --separate-stderr ecr-token -q
	[ -z "$stderr" ]
	# A garbled record: ignored, replaced.
	chmod 700 "$(cache_dir)"
	echo '{"registry":' >"$f"
	run -0 --separate-stderr ecr-token
	[[ $stderr == *'not JSON'* ]]
	jq -e .password "$f"
}

@test "cache: expired records are removed when a new one is stored" {
	standin_start
	run -0 ecr-token --registry 123456789012.dkr.ecr.eu-west-1.amazonaws.com
	old=$(cache_file)
	jq -c '.fetched_at -= 86400 | .expires_at -= 86400' "$old" >"$old.new"
	chmod 600 "$old.new"
	mv "$old.new" "$old"
	run -0 ecr-token --registry 123456789012.dkr.ecr.us-west-2.amazonaws.com
	run -0 cache_file
	[[ $output == *ecr-us-west-2-* ]]
}

# --- the credential helper -------------------------------------------------------

@test "helper get: an ECR host on stdin without a newline" {
	run -0 --separate-stderr $HELPER get < <(printf %s "https://$ECR_HOST/v2/")
	run -0 jq -S . <<<"$output"
	assert_output "$(jq -S . <<EOF
{"ServerURL":"https://$ECR_HOST/v2/","Username":"AWS","Secret":"$MOTO_PASSWORD"}
EOF
)"
	run -0 $HELPER get < <(printf '%s\n' "$ECR_HOST")
	[ "$(jq -r .Secret <<<"$output")" = "$MOTO_PASSWORD" ]
}

@test "helper get: another host is not found unless DEPLOYKIT_ECR_REGISTRY_ID names the account" {
	run -1 --separate-stderr $HELPER get < <(printf %s 127.0.0.1:5000)
	assert_output 'credentials not found in native keychain'
	DEPLOYKIT_ECR_REGISTRY_ID=123456789012 run -0 $HELPER get < <(printf %s 127.0.0.1:5000)
	[ "$(jq -r .ServerURL <<<"$output")" = 127.0.0.1:5000 ]
	[ "$(jq -r .Secret <<<"$output")" = "$MOTO_PASSWORD" ]
	DEPLOYKIT_ECR_REGISTRY_ID=12 run -1 --separate-stderr $HELPER get < <(printf %s 127.0.0.1:5000)
	[[ $output == 'DEPLOYKIT_ECR_REGISTRY_ID 12: not an AWS account id'* ]]
}

@test "helper: failures go to stdout with exit 1" {
	run -1 --separate-stderr $HELPER get </dev/null
	assert_output 'no credentials server URL'
	run -1 --separate-stderr $HELPER get < <(printf '  \n')
	assert_output 'no credentials server URL'
	run -1 --separate-stderr $HELPER get < <(printf %s 'user@host')
	assert_output 'user@host: not a server address'
	AWS_SECRET_ACCESS_KEY=wrong-secret run -1 --separate-stderr $HELPER get < <(printf %s "$ECR_HOST")
	[[ $output == 'SignatureDoesNotMatch: '* ]]
	[ "${#lines[@]}" -eq 1 ]
	unset AWS_REGION AWS_DEFAULT_REGION
	DEPLOYKIT_ECR_REGISTRY_ID=123456789012 run -1 --separate-stderr $HELPER get < <(printf %s mirror.example)
	[[ $output == 'no AWS region: '* ]]
	run -1 --separate-stderr $HELPER frobnicate </dev/null
	assert_output 'frobnicate: unknown action (want get, list, store or erase)'
	run -1 --separate-stderr $HELPER </dev/null
	assert_output "usage: $HELPER get | list | store | erase"
	run -1 --separate-stderr $HELPER get extra </dev/null
	[[ $output == usage:* ]]
}

@test "helper store and erase read stdin and succeed doing nothing" {
	run -0 --separate-stderr $HELPER store <<<'{"ServerURL":"x","Username":"u","Secret":"s"}'
	assert_output ''
	[ -z "$stderr" ]
	run -0 --separate-stderr $HELPER erase < <(printf %s "$ECR_HOST")
	assert_output ''
	[ ! -e "$(cache_dir)" ]
}

@test "helper list: the registries with usable cached tokens" {
	run -0 $HELPER list <<<unused
	assert_output '{}'
	standin_start
	run -0 $HELPER get < <(printf %s "$ECR_HOST")
	run -0 ecr-token --registry 210987654321.dkr.ecr.eu-west-1.amazonaws.com
	run -0 --separate-stderr $HELPER list <<<unused
	run -0 jq -S . <<<"$output"
	assert_output "$(jq -S . <<EOF
{"$ECR_HOST":"AWS","210987654321.dkr.ecr.eu-west-1.amazonaws.com":"AWS"}
EOF
)"
	DEPLOYKIT_NO_CACHE=1 run -0 $HELPER list <<<unused
	assert_output '{}'
}

@test "helper --help and --version" {
	run -0 $HELPER --help
	assert_line --index 2 "       $HELPER get | list | store | erase"
	run -0 $HELPER --version
	assert_output --regexp "^$HELPER \\(deploykit\\) [0-9.]+\$"
}

# --- GitHub Actions ------------------------------------------------------------------

@test "GitHub Actions: the mask goes on stdout ahead of the JSON line" {
	export GITHUB_ACTIONS=true
	run -0 --separate-stderr ecr-token
	[ "${#lines[@]}" -eq 2 ]
	assert_equal "${lines[0]}" "::add-mask::$MOTO_PASSWORD"
	[ "$(jq -r .password <<<"${lines[1]}")" = "$MOTO_PASSWORD" ]
	[ -z "$stderr" ]
}

@test "GitHub Actions: with --password or a file on stdout, the mask goes to stderr" {
	export GITHUB_ACTIONS=true
	run -0 --separate-stderr ecr-token --password -q
	assert_output "$MOTO_PASSWORD"
	assert_equal "$stderr" "::add-mask::$MOTO_PASSWORD"
	ecr-token >"$BATS_TEST_TMPDIR/token.json" 2>"$BATS_TEST_TMPDIR/err"
	jq -e . "$BATS_TEST_TMPDIR/token.json"
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = "::add-mask::$MOTO_PASSWORD" ]
	# docker login --password-stdin reads exactly the password.
	[ "$(ecr-token --password 2>/dev/null)" = "$MOTO_PASSWORD" ]
}

@test "GitHub Actions: with -v, the password shows on stderr only in the mask" {
	export GITHUB_ACTIONS=true
	run -0 --separate-stderr ecr-token --password -v
	[ "$(grep -c -- "$MOTO_PASSWORD" <<<"$stderr")" -eq 1 ]
	grep -qx -- "::add-mask::$MOTO_PASSWORD" <<<"$stderr"
}

@test "GitHub Actions: not in the credential helper, whose stdout is the protocol" {
	export GITHUB_ACTIONS=true
	run -0 --separate-stderr $HELPER get < <(printf %s "$ECR_HOST")
	[ "${#lines[@]}" -eq 1 ]
	jq -e .Secret <<<"$output"
	[[ $stderr != *add-mask* ]]
}

@test "outside GitHub Actions there is no mask" {
	GITHUB_ACTIONS=false run -0 --separate-stderr ecr-token
	[ "${#lines[@]}" -eq 1 ]
	[[ $output$stderr != *add-mask* ]]
}

# --- a real client: skopeo, docker-registry, the helper --------------------------

# Start docker-registry on loopback with htpasswd auth for user AWS and
# moto's password; export REGISTRY (host:port).
registry_start() {
	local port
	REGISTRY_DIR=$BATS_TEST_TMPDIR/registry
	mkdir -p "$REGISTRY_DIR/data"
	htpasswd -Bbn AWS "$MOTO_PASSWORD" >"$REGISTRY_DIR/htpasswd"
	port=$(free_port)
	cat >"$REGISTRY_DIR/config.yml" <<EOF
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $REGISTRY_DIR/data
http:
  addr: 127.0.0.1:$port
auth:
  htpasswd:
    realm: deploykit-test
    path: $REGISTRY_DIR/htpasswd
EOF
	docker-registry serve "$REGISTRY_DIR/config.yml" >"$REGISTRY_DIR/log" 2>&1 &
	echo $! >"$REGISTRY_DIR/pid"
	REGISTRY=127.0.0.1:$port
	wait_http "http://$REGISTRY/v2/" 100
}

@test "skopeo pushes to docker-registry with logins from the helper (credHelpers)" {
	command -v docker-registry skopeo htpasswd >/dev/null ||
		skip "docker-registry, skopeo or htpasswd is not installed"
	registry_start
	digest=$("$DK_ROOT/tests/helpers/ecr-oci-image" "$BATS_TEST_TMPDIR/image")
	printf '{"credHelpers":{"%s":"ecr-token"}}' "$REGISTRY" >"$BATS_TEST_TMPDIR/auth.json"
	push() {
		skopeo copy --insecure-policy --authfile "$BATS_TEST_TMPDIR/auth.json" \
			--dest-tls-verify=false "oci:$BATS_TEST_TMPDIR/image:latest" \
			"docker://$REGISTRY/app:$1"
	}
	# Without an account to map 127.0.0.1 to, the helper finds nothing,
	# skopeo goes anonymous and the registry refuses.
	run push v0
	[ "$status" -ne 0 ]
	[[ $output == *unauthorized* || $output == *authentication\ required* ]]
	export DEPLOYKIT_ECR_REGISTRY_ID=123456789012
	run -0 push v1
	run -0 curl -sS -u "AWS:$MOTO_PASSWORD" "http://$REGISTRY/v2/app/tags/list"
	assert_output '{"name":"app","tags":["v1"]}'
	run -0 skopeo inspect --authfile "$BATS_TEST_TMPDIR/auth.json" --tls-verify=false \
		--format '{{.Digest}}' "docker://$REGISTRY/app:v1"
	assert_output "$digest"
}

@test "EXAMPLES: ecr-token --password | docker login --password-stdin" {
	command -v docker-registry >/dev/null || skip "docker-registry is not installed"
	registry_start
	# docker is not installed here: a reader of the pipe stands in for
	# `docker login --password-stdin`, logging in as it would.
	login() {
		local pw
		IFS= read -r pw
		curl -sS -o /dev/null -w '%{http_code}' -u "AWS:$pw" "http://$REGISTRY/v2/"
	}
	run -0 bash -c "$(declare -f login); REGISTRY=$REGISTRY; ecr-token --password | login"
	assert_output 200
}
