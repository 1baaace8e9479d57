#!/usr/bin/env bats
# gh-app-token, black box, against the GitHub simulator behind the proxy that
# checks every exchange against GitHub's OpenAPI description: the App's JWT
# (verified by the simulator with the App's public key), the installation,
# the token narrowed to one repository and then used by gh-dispatch, the
# outputs (JSON, --token, --github-env) and masking in Actions, every
# refusal (401 key or clock, 404 not installed, 422 permissions), invalid
# input before anything is sent, retries, and no secret in argv, stderr or
# traces.  The simulator's JWT checks themselves are tested with JWTs made
# here with openssl.

load lib/common
load lib/gh

APP_ID=4711

setup_file() {
	ghsim_start 20
	local k=$BATS_FILE_TMPDIR/keys
	mkdir -p "$k"
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$k/app.pem" 2>/dev/null
	openssl pkey -in "$k/app.pem" -pubout -out "$k/app.pub"
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$k/other.pem" 2>/dev/null
	chmod 600 "$k"/*.pem
	sim_app "$APP_ID" "$k/app.pub"
	# Not installed anywhere our tests look: elsewhere/infra exists.
	sim POST /_sim/repos '{"full_name":"elsewhere/infra","workflows":[{"file":"deploy.yaml","inputs":{"app":{}}}]}' >/dev/null
}

teardown_file() {
	ghsim_stop
}

setup() {
	gh_setup
	KEYS=$BATS_FILE_TMPDIR/keys
	KEY=$KEYS/app.pem
	unset GH_APP_ID GH_APP_PRIVATE_KEY GITHUB_ENV
	export KEYS KEY
}

teardown() {
	sim_clock 0
	sim DELETE /_sim/faults >/dev/null
	gh_teardown
}

# app_requests: this test's requests to the App endpoints.
app_requests() {
	sim_count '(.path | endswith("/installation")) or (.path | startswith("/app/"))'
}

# assert_token_json [PERMISSIONS-JSON]: $output is one JSON line with exactly
# the documented fields, for REPO.
assert_token_json() {
	local want=${1:-}
	[[ -n $want ]] || want='{"actions":"write"}'
	[[ $(wc -l <<<"$output") == 1 ]]
	jq -e --arg r "$REPO" --argjson p "$want" '
		keys == ["expires_at","installation_id","permissions","repository","token"]
		and .repository == $r and .installation_id == 99 and .permissions == $p
		and (.token | test("^ghs_[A-Za-z0-9]+$"))
		and (.expires_at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"))' <<<"$output"
}

# A JWT made here: jwt CLAIMS-JSON KEYFILE [HEADER-JSON].
b64url() {
	openssl base64 -A | tr '+/' '-_' | tr -d '='
}
jwt() {
	local h c s head=${3:-}
	[[ -n $head ]] || head='{"alg":"RS256","typ":"JWT"}'
	h=$(printf '%s' "$head" | b64url)
	c=$(printf '%s' "$1" | b64url)
	s=$(printf '%s.%s' "$h" "$c" | openssl dgst -sha256 -sign "$2" -binary | b64url)
	printf '%s.%s.%s' "$h" "$c" "$s"
}
claims() { # claims IAT-OFFSET EXP-OFFSET [ISS]
	local now
	now=$(date +%s)
	jq -nc --argjson iat $((now + $1)) --argjson exp $((now + $2)) --arg iss "${3:-$APP_ID}" \
		'{iat: $iat, exp: $exp, iss: $iss}'
}

# app_api JWT [CURL-ARGS...] PATH: a request through the proxy with a JWT.
app_api() {
	local jwt=$1
	shift
	local path=${*: -1}
	curl -sS -H 'Accept: application/vnd.github+json' -H 'X-GitHub-Api-Version: 2022-11-28' \
		-H "Authorization: Bearer $jwt" -H 'User-Agent: deploykit-tests' "${@:1:$#-1}" \
		"$GHSIM_API$path"
}

@test "--help, --version, usage errors: exit 2 and nothing sent" {
	run -0 --separate-stderr gh-app-token --help
	assert_line --index 0 --partial 'usage: gh-app-token'
	[[ $output == *--repo* && $output == *--private-key-file* && $output == *--github-env* ]]
	[ -z "$stderr" ]
	run -0 gh-app-token --version
	assert_output --regexp '^gh-app-token \(deploykit\) [0-9]+\.[0-9]+\.[0-9]+$'
	run -2 --separate-stderr gh-app-token --no-such-option
	[[ $stderr == *usage:* ]]
	run -2 --separate-stderr gh-app-token --app-id "$APP_ID" --private-key-file "$KEY"
	[[ $stderr == "gh-app-token: --repo is required"* ]]
	run -2 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY" --token --github-env
	[[ $stderr == *"--token and --github-env"* ]]
	run -2 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY" extra
	[[ $stderr == *"extra: unexpected argument"* ]]
	[[ $(sim_count) == 0 ]]
}

@test "a token: the documented JSON, two requests, narrowed to the repository and actions: write" {
	run -0 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY"
	assert_token_json
	[ -z "$stderr" ]
	[[ $(sim_count) == 2 ]]
	sim_log | jq -e --arg r "$REPO" --arg n "${REPO#*/}" '
		.[0].method == "GET" and .[0].path == "/repos/\($r)/installation" and .[0].status == 200
		and .[1].method == "POST" and .[1].path == "/app/installations/99/access_tokens"
		and .[1].status == 201
		and .[1].body == {"repositories": [$n], "permissions": {"actions": "write"}}
		and all(.[]; .token == "app:4711")'
	# An hour, on the simulator's clock (ours).
	exp=$(date -d "$(jq -r .expires_at <<<"$output")" +%s)
	now=$(date +%s)
	((exp > now + 3500 && exp <= now + 3601))
}

@test "--token prints the bare token, which works as a token for the repository" {
	run -0 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY" --token
	[[ $output =~ ^ghs_[A-Za-z0-9]+$ ]]
	tok=$output
	run -0 curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" \
		-H 'Accept: application/vnd.github+json' -H 'X-GitHub-Api-Version: 2022-11-28' \
		"$GHSIM_API/repos/$REPO"
	assert_output 200
}

@test "the token dispatches into the repository, and is refused for another one" {
	tok=$(gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY" --token)
	GH_TOKEN=$tok run -0 --separate-stderr gh-dispatch --repo "$REPO" --workflow deploy.yaml --ref main -f app=web
	jq -e --arg r "$REPO" '.repository == $r and (.run_id | type) == "number"' <<<"$output"
	sim_log '.method == "POST" and (.path | endswith("/dispatches"))' |
		jq -e 'length == 1 and (.[0].token | startswith("app-4711-inst-99-"))'
	# The installation covers org/*, the token only REPO.
	sim POST /_sim/repos '{"full_name":"org/other-app","workflows":[{"file":"deploy.yaml","inputs":{"app":{}}}]}' >/dev/null
	GH_TOKEN=$tok run -1 --separate-stderr gh-dispatch --repo org/other-app --workflow deploy.yaml --ref main -f app=web
	[[ -z $output && $stderr == *"not found, or the token cannot see it"* ]]
	[[ $stderr != *"$tok"* ]]
}

@test "--github-env: GH_TOKEN appended in the multiline form, the JSON without the token" {
	env_file=$BATS_TEST_TMPDIR/github_env
	printf 'EARLIER=kept\n' >"$env_file"
	GITHUB_ENV=$env_file run -0 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY" --github-env
	jq -e --arg r "$REPO" 'keys == ["expires_at","installation_id","permissions","repository"]
		and .repository == $r and .installation_id == 99' <<<"$output"
	[ -z "$stderr" ]
	mapfile -t l <"$env_file"
	[[ ${#l[@]} == 4 && ${l[0]} == EARLIER=kept ]]
	[[ ${l[1]} =~ ^GH_TOKEN\<\<(ghadelimiter_[0-9a-f]{32})$ ]]
	delim=${BASH_REMATCH[1]}
	[[ ${l[2]} =~ ^ghs_[A-Za-z0-9]+$ && ${l[3]} == "$delim" ]]
	tok=${l[2]}
	[[ $output != *"$tok"* ]]
	# The token in the file is the one the simulator minted; it works.
	GH_TOKEN=$tok run -0 gh-dispatch --repo "$REPO" --workflow deploy.yaml --ref main -f app=web
	# A second run appends, with another delimiter.
	GITHUB_ENV=$env_file run -0 gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY" --github-env -q
	mapfile -t l <"$env_file"
	[[ ${#l[@]} == 7 && ${l[4]} == GH_TOKEN\<\<ghadelimiter_* && ${l[4]} != "GH_TOKEN<<$delim" ]]
}

@test "--github-env without GITHUB_ENV, or with a link or a folder there: exit 2, nothing sent" {
	run -2 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY" --github-env
	[[ $stderr == *GITHUB_ENV* ]]
	ln -s "$BATS_TEST_TMPDIR/target" "$BATS_TEST_TMPDIR/link"
	GITHUB_ENV=$BATS_TEST_TMPDIR/link run -2 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY" --github-env
	[[ $stderr == *"symbolic link"* ]]
	[[ ! -e $BATS_TEST_TMPDIR/target ]]
	GITHUB_ENV=$BATS_TEST_TMPDIR run -2 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY" --github-env
	[[ $stderr == gh-app-token:*GITHUB_ENV* ]]
	[[ $(sim_count) == 0 ]]
}

@test "the key from a file or from GH_APP_PRIVATE_KEY, the App ID from --app-id or GH_APP_ID" {
	run -0 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY"
	assert_token_json
	GH_APP_PRIVATE_KEY=$(cat "$KEY") run -0 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO"
	assert_token_json
	# PKCS#1, as GitHub hands keys out.
	openssl pkey -in "$KEY" -traditional -out "$BATS_TEST_TMPDIR/pkcs1.pem"
	grep -q 'BEGIN RSA PRIVATE KEY' "$BATS_TEST_TMPDIR/pkcs1.pem"
	GH_APP_ID=$APP_ID run -0 --separate-stderr gh-app-token --repo "$REPO" --private-key-file "$BATS_TEST_TMPDIR/pkcs1.pem"
	assert_token_json
	# The file wins over the variable; --app-id over GH_APP_ID.
	GH_APP_ID=999 GH_APP_PRIVATE_KEY=garbage run -0 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY"
	assert_token_json
	[[ $(sim_count '.token == "app:4711"') == 8 ]]
}

@test "no App ID or a bad one, no key: exit 2 naming what to give, nothing sent" {
	run -2 --separate-stderr gh-app-token --repo "$REPO" --private-key-file "$KEY"
	[[ $stderr == *--app-id* && $stderr == *GH_APP_ID* ]]
	for id in abc 0 -1 12x 99999999999999999999 ''; do
		run -2 --separate-stderr gh-app-token --app-id "$id" --repo "$REPO" --private-key-file "$KEY"
		[[ -z $output && $stderr == "gh-app-token: --app-id"* ]] || { echo "$id: $stderr"; false; }
	done
	GH_APP_ID=abc run -2 --separate-stderr gh-app-token --repo "$REPO" --private-key-file "$KEY"
	[[ $stderr == "gh-app-token: GH_APP_ID"* ]]
	run -2 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO"
	[[ $stderr == *--private-key-file* && $stderr == *GH_APP_PRIVATE_KEY* ]]
	GH_APP_PRIVATE_KEY='' run -2 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO"
	[[ $stderr == *GH_APP_PRIVATE_KEY* ]]
	for repo in noslash owner/ a/b/c 'o/r.git' ''; do
		run -2 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$repo" --private-key-file "$KEY"
		[[ $stderr == "gh-app-token: --repo"* ]] || { echo "$repo: $stderr"; false; }
	done
	[[ $(sim_count) == 0 ]]
}

@test "an unreadable or bad key: exit 2 before anything is sent, the key never shown" {
	d=$BATS_TEST_TMPDIR
	bad() {
		run -2 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" "$@"
		[[ -z $output && $stderr == gh-app-token:* && $(wc -l <<<"$stderr") == 1 ]] ||
			{ echo "for $*: $stderr"; return 1; }
	}
	bad --private-key-file "$d/missing.pem"
	[[ $stderr == *missing.pem* ]]
	bad --private-key-file "$d"
	[[ $stderr == *"not a regular file"* ]]
	ln -s "$KEY" "$d/link.pem"
	bad --private-key-file "$d/link.pem"
	[[ $stderr == *"symbolic link"* ]]
	mkfifo "$d/fifo"
	bad --private-key-file "$d/fifo"
	head -c 40000 /dev/zero | tr '\0' A >"$d/huge.pem"
	bad --private-key-file "$d/huge.pem"
	[[ $stderr == *larger* ]]
	echo "not a key" >"$d/junk.pem"
	bad --private-key-file "$d/junk.pem"
	[[ $stderr == *"not a PEM private key"* ]]
	head -n 10 "$KEY" >"$d/cut.pem"
	bad --private-key-file "$d/cut.pem"
	[[ $stderr == *"not a readable PEM private key"* ]]
	bad --private-key-file "$KEYS/app.pub"
	[[ $stderr == *"a public key"* ]]
	openssl pkey -in "$KEY" -aes256 -passout pass:secret -out "$d/enc.pem"
	bad --private-key-file "$d/enc.pem"
	[[ $stderr == *encrypted* ]]
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$d/ec.pem" 2>/dev/null
	bad --private-key-file "$d/ec.pem"
	[[ $stderr == *"not an RSA key"* ]]
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$d/small.pem" 2>/dev/null
	bad --private-key-file "$d/small.pem"
	[[ $stderr == *"1024 bits"* ]]
	# The PEM with its line breaks written as \n, a usual mistake with
	# environment variables.
	GH_APP_PRIVATE_KEY=$(awk '{printf "%s\\n", $0}' "$KEY") bad
	[[ $stderr == *'\n escapes'* ]]
	GH_APP_PRIVATE_KEY="$(head -n 5 "$KEY")" bad
	[[ $stderr == *GH_APP_PRIVATE_KEY* ]]
	[[ $stderr != *"$(sed -n 2p "$KEY")"* ]]
	[[ $(sim_count) == 0 ]]
}

@test "the key never on the command line: abbreviated --private-key-file and operands refused, never echoed" {
	# A PEM starts with "--" and its base64 may end in '=': both forms.
	for pem in "$(cat "$KEY")" $'-----BEGIN PRIVATE KEY-----\nMIIEsecretBASE64xx==\n-----END PRIVATE KEY-----'; do
		for opt in --private-key --priv; do
			run -2 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" "$opt" "$pem"
			assert_equal "$stderr" "gh-app-token: $opt: unknown option (a secret is never taken from the command line: give --private-key-file FILE or set GH_APP_PRIVATE_KEY)"
			run -2 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" "$opt=$pem"
			assert_equal "$stderr" "gh-app-token: $opt: unknown option (a secret is never taken from the command line: give --private-key-file FILE or set GH_APP_PRIVATE_KEY)"
		done
		# As an operand (the PEM starts with "--": an unknown option).
		for args in "--repo $REPO" "--repo $REPO --app-id $APP_ID --private-key-file $KEY"; do
			# shellcheck disable=SC2086 # words on purpose
			run -2 --separate-stderr gh-app-token $args "$pem"
			assert_equal "$stderr" "gh-app-token: a private key on the command line (not shown): it is never taken from there; give --private-key-file FILE or set GH_APP_PRIVATE_KEY"
			# shellcheck disable=SC2086
			run -2 --separate-stderr gh-app-token $args -- "$pem"
			assert_equal "$stderr" "gh-app-token: a private key on the command line (not shown): it is never taken from there; give --private-key-file FILE or set GH_APP_PRIVATE_KEY"
		done
	done
	[[ $(sim_count) == 0 ]]
}

@test "a key of another App: GitHub's 401, exit 1, says to check the App ID and key" {
	run -1 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEYS/other.pem"
	[[ -z $output ]]
	[[ $stderr == "gh-app-token: find App 4711's installation on $REPO: GitHub refused the App's JWT (HTTP 401: A JSON web token could not be decoded): is 4711 the App's ID, and the key that App's private key"* ]]
	[[ $(wc -l <<<"$stderr") == 1 ]]
	# Not retried: a refusal is final (our clock agrees with GitHub's).
	[[ $(sim_count) == 1 ]]
	# An App ID GitHub does not know.
	run -1 --separate-stderr gh-app-token --app-id 4712 --repo "$REPO" --private-key-file "$KEY"
	[[ $stderr == *"Integration not found"*"is 4712 the App's ID"* ]]
}

@test "clock skew: a JWT refused for GitHub's clock is signed again on its Date; a wrong Date fails clearly" {
	# GitHub 20 minutes ahead: our JWT has expired on its clock.
	sim_clock 1200
	run -0 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY"
	assert_token_json
	# The Date header has whole seconds: 1199 to 1201.
	[[ $stderr == *"GitHub's clock is 1"[12][09][0-9]" s ahead of this machine's: signing the JWT again on its time"* ]]
	sim_log '.path | endswith("/installation")' | jq -e '[.[].status] == [401, 200]'
	exp=$(date -d "$(jq -r .expires_at <<<"$output")" +%s)
	(( exp > $(date +%s) + 1200 + 3500 ))
	# -q: no notice.
	run -0 --separate-stderr gh-app-token -q --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY"
	[ -z "$stderr" ]
	# GitHub 5 minutes behind: iat and exp are too far ahead.
	sim_clock -300
	run -0 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY" --token
	[[ $stderr == *[23][09][0-9]" s behind this machine's"* ]]
	# A few seconds off: nothing to correct, no 401.
	sim_clock 20
	n=$(sim_count)
	run -0 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY"
	[ -z "$stderr" ]
	[[ $(sim_count) == $((n + 2)) ]]
	# The JWT expired on GitHub's clock, but its Date header says ours: exit
	# 1 naming the clock, one request.
	sim_clock 1200 0
	n=$(sim_count)
	run -1 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY"
	[[ -z $output && $stderr == *"'Expiration time' claim ('exp')"*"GitHub's clock"* ]]
	[[ $(sim_count) == $((n + 1)) ]]
}

@test "the App not installed on the repository: 404, exit 1, says so" {
	run -1 --separate-stderr gh-app-token --app-id "$APP_ID" --repo elsewhere/infra --private-key-file "$KEY"
	[[ -z $output ]]
	assert_equal "$stderr" "gh-app-token: the App (ID 4711) is not installed on elsewhere/infra, or that repository does not exist (HTTP 404): install the App on the repository"
	run -1 --separate-stderr gh-app-token --app-id "$APP_ID" --repo org/no-such-repo --private-key-file "$KEY"
	[[ $stderr == *"not installed on org/no-such-repo"* ]]
	[[ $(app_requests) == 2 ]]
	[[ $(sim_count '.method == "POST"') == 0 ]]
}

@test "permissions: asked with --permission; those the installation lacks are named (422, exit 1)" {
	run -0 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY" \
		--permission actions=read --permission contents=read
	assert_token_json '{"actions":"read","contents":"read"}'
	sim_log '.method == "POST"' | jq -e '.[0].body.permissions == {"actions":"read","contents":"read"}'
	run -1 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY" \
		--permission actions=write --permission contents=write --permission issues=read
	[[ -z $output ]]
	assert_equal "$stderr" "gh-app-token: create a token of App 4711 for $REPO: the installation does not grant contents=write (granted: read), issues=read (not granted) (HTTP 422: The permissions requested are not granted to this installation.): give the App these permissions, or ask for less with --permission"
	# Malformed ones never reach GitHub.
	n=$(sim_count)
	for p in actions Actions=write actions=owner =write 'a b=read' actions=; do
		run -2 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY" --permission "$p"
		[[ $stderr == "gh-app-token: --permission"* ]] || { echo "$p: $stderr"; false; }
	done
	run -2 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY" \
		--permission actions=write --permission actions=read
	[[ $stderr == *"given twice"* ]]
	[[ $(sim_count) == "$n" ]]
}

@test "GitHub Actions: the token is masked before it appears anywhere" {
	export GITHUB_ACTIONS=true
	run -0 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY"
	[[ ${#lines[@]} == 2 ]]
	tok=$(jq -r .token <<<"${lines[1]}")
	assert_equal "${lines[0]}" "::add-mask::$tok"
	[ -z "$stderr" ]
	# --token: stdout is the token; the mask goes to stderr.
	run -0 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY" --token
	assert_equal "$stderr" "::add-mask::$output"
	# A file on stdout stays JSON.
	gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY" >"$BATS_TEST_TMPDIR/t.json" 2>"$BATS_TEST_TMPDIR/err"
	tok=$(jq -r .token "$BATS_TEST_TMPDIR/t.json")
	[[ $(cat "$BATS_TEST_TMPDIR/err") == "::add-mask::$tok" ]]
	# --github-env: masked on stdout before it goes into the file.
	GITHUB_ENV=$BATS_TEST_TMPDIR/env run -0 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY" --github-env
	tok=$(sed -n 2p "$BATS_TEST_TMPDIR/env")
	[[ ${#lines[@]} == 2 && ${lines[0]} == "::add-mask::$tok" && ${lines[1]} != *"$tok"* ]]
	# Outside Actions, no mask.
	GITHUB_ACTIONS=false run -0 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY"
	[[ ${#lines[@]} == 1 && $output$stderr != *add-mask* ]]
}

@test "--verbose: the exchange traced, no key, JWT or token in it" {
	run -0 --separate-stderr gh-app-token -v --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY"
	tok=$(jq -r .token <<<"$output")
	[[ $stderr == *"GET /repos/$REPO/installation"* && $stderr == *"POST /app/installations/99/access_tokens"* ]]
	[[ $stderr == *"Authorization: [redacted]"* ]]
	[[ $stderr != *"$tok"* ]]
	# A JWT's header always starts eyJ ('{"' in base64url).
	[[ $stderr != *eyJ* ]]
	[[ $stderr != *"$(sed -n 2p "$KEY")"* && $stderr != *PRIVATE* ]]
}

@test "server errors: retried, then a token; persistent ones exit 3" {
	sim_faults '{"kind":"status","status":502,"count":2,"method":"GET","path":"/installation$"}' \
		'{"kind":"status","status":503,"count":1,"method":"POST","path":"/access_tokens$"}'
	run -0 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY"
	assert_token_json
	[[ $(sim_count '.path | endswith("/installation")') == 3 ]]
	[[ $(sim_count '.path | endswith("/access_tokens")') == 2 ]]
	[[ $stderr == *"HTTP 502 from GitHub"*"attempt 2 of 5"* ]]
	sim DELETE /_sim/faults >/dev/null
	sim_faults '{"kind":"status","status":500,"count":100,"path":"/installation$"}'
	run -3 --separate-stderr gh-app-token -q --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY"
	[[ -z $output ]]
	assert_equal "$stderr" "gh-app-token: find App 4711's installation on $REPO: HTTP 500 from GitHub after 5 attempts"
}

@test "unreachable: exit 3" {
	port=$(free_port)
	GITHUB_API_URL=http://127.0.0.1:$port run -3 --separate-stderr timeout 120 gh-app-token -q --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY"
	[[ -z $output && $stderr == gh-app-token:*"find App 4711's installation on $REPO"* ]]
	# Plain http to a host that is not loopback: refused before sending.
	GITHUB_API_URL=http://example.com run -2 --separate-stderr gh-app-token --app-id "$APP_ID" --repo "$REPO" --private-key-file "$KEY"
	[[ $stderr == *GITHUB_API_URL* ]]
}

@test "the man page's shell example works" {
	cp "$KEY" "$BATS_TEST_TMPDIR/app.pem"
	# shellcheck disable=SC2016 # the inner shell expands them
	run -0 --separate-stderr bash -c 'GH_TOKEN=$(gh-app-token --app-id "$1" --repo "$2" \
		--private-key-file "$3" --token) \
		gh-dispatch --repo "$2" --workflow deploy.yaml -f app=web' _ "$APP_ID" "$REPO" "$BATS_TEST_TMPDIR/app.pem"
	jq -e --arg r "$REPO" '.repository == $r' <<<"$output"
}

# --- the simulator's side: JWTs made here -------------------------------------

@test "simulator: a good JWT finds the installation, as GitHub's description says" {
	t=$(jwt "$(claims -60 540)" "$KEY")
	run -0 app_api "$t" "/repos/$REPO/installation"
	jq -e '.id == 99 and .app_id == 4711 and .app_slug == "deployer-4711"
		and .account.login == "org" and .account.type == "Organization"
		and .permissions.actions == "write" and .repository_selection == "all"' <<<"$output"
	# iss as a number works too.
	now=$(date +%s)
	t=$(jwt "{\"iat\":$((now - 60)),\"exp\":$((now + 540)),\"iss\":$APP_ID}" "$KEY")
	run -0 app_api "$t" "/repos/$REPO/installation"
	jq -e '.id == 99' <<<"$output"
}

@test "simulator: JWTs refused as GitHub refuses them (401 and its messages)" {
	refused() {
		local want=$1 t=$2
		run -0 app_api "$t" -w '\n%{http_code}' "/repos/$REPO/installation"
		[[ ${lines[-1]} == 401 && $output == *"$want"* ]] || { echo "want $want: $output"; return 1; }
	}
	refused "'Expiration time' claim ('exp') is too far in the future" "$(jwt "$(claims -60 660)" "$KEY")"
	refused "'Expiration time' claim ('exp') must be a numeric value" "$(jwt "$(claims -600 -10)" "$KEY")"
	refused "'Issued at' claim ('iat')" "$(jwt "$(claims 120 540)" "$KEY")"
	refused "A JSON web token could not be decoded" "$(jwt "$(claims -60 540)" "$KEYS/other.pem")"
	refused "Integration not found" "$(jwt "$(claims -60 540 1234)" "$KEY")"
	refused "A JSON web token could not be decoded" "$(jwt "$(claims -60 540)" "$KEY" '{"alg":"none"}')"
	refused "A JSON web token could not be decoded" "not.a.jwt"
	refused "A JSON web token could not be decoded" "ghp_personal_token"
	# A token too old is refused on the simulator's clock.
	t=$(jwt "$(claims -60 540)" "$KEY")
	sim_clock 600
	refused "'Expiration time' claim ('exp') must be a numeric value" "$t"
}

@test "simulator: access tokens narrowed by name or ID, never beyond the installation; they expire" {
	t=$(jwt "$(claims -60 540)" "$KEY")
	id=$(api "/repos/$REPO" | jq .id)
	run -0 app_api "$t" -X POST -H 'Content-Type: application/json' \
		--data "{\"repository_ids\":[$id],\"permissions\":{\"contents\":\"read\"}}" /app/installations/99/access_tokens
	jq -e --arg r "$REPO" '(.token | startswith("ghs_")) and .permissions == {"contents":"read"}
		and .repository_selection == "selected" and [.repositories[].full_name] == [$r]' <<<"$output"
	tok=$(jq -r .token <<<"$output")
	# No narrowing: every repository and permission of the installation.
	run -0 app_api "$t" -X POST /app/installations/99/access_tokens
	jq -e '.repository_selection == "all" and .permissions.actions == "write" and (has("repositories") | not)' <<<"$output"
	code() {
		app_api "$t" -X POST -H 'Content-Type: application/json' --data "$1" -o /dev/null -w '%{http_code}' \
			/app/installations/"${2:-99}"/access_tokens
	}
	[[ $(code '{"repositories":["no-such-repo"]}') == 422 ]]
	[[ $(code '{"repository_ids":[1]}') == 422 ]]
	[[ $(code '{"permissions":{"contents":"write"}}') == 422 ]]
	[[ $(code '{"permissions":{"issues":"read"}}') == 422 ]]
	[[ $(code '{}' 12345) == 404 ]]
	# The narrowed token reads its repository, not another, and not after
	# its hour.
	run -0 curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" "$GHSIM_URL/repos/$REPO"
	assert_output 200
	run -0 curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" "$GHSIM_URL/repos/elsewhere/infra"
	assert_output 404
	sim_clock 3601
	run -0 curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" "$GHSIM_URL/repos/$REPO"
	assert_output 401
}
