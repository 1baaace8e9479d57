#!/usr/bin/env bats
# Every tool against its man page: the usage that --help prints names the
# same options as the SYNOPSIS, the canonical sections are there, EXIT
# STATUS lists the codes of design.md that apply, and the page lints clean.

load lib/common

tools() {
	local t
	for t in "$DK_ROOT"/tools/*.c; do
		t=$(basename "$t" .c)
		[[ -f $DK_ROOT/man/$t.1 ]] && echo "$t"
	done
}

# The option words of a usage text: -x and --long, with [-abc] split.
opts() {
	sed 's/\[-\([a-zA-Z]\+\)\]/\n\1\n/g' | awk '
		/^[a-zA-Z]+$/ && length($0) < 6 { for (i = 1; i <= length($0); i++) print "-" substr($0, i, 1); next }
		{ print }' | grep -o -- '--\?\(-[a-z0-9-]*\|-[A-Za-z]\)' | grep -v '^-$' | sort -u
}

@test "every tool has a man page, and every man page a tool" {
	for c in "$DK_ROOT"/tools/*.c; do
		t=$(basename "$c" .c)
		grep -q "^int$" "$c" && grep -q "^main(" "$c" || continue
		[[ -f $DK_ROOT/man/$t.1 ]] || { echo "no man/$t.1"; false; }
	done
	for m in "$DK_ROOT"/man/*.1; do
		t=$(basename "$m" .1)
		[[ -f $DK_ROOT/tools/$t.c ]] || { echo "no tools/$t.c"; false; }
	done
}

@test "--help's usage names exactly the SYNOPSIS options, on stdout, exit 0" {
	for t in $(tools); do
		run -0 --separate-stderr "$t" --help
		[[ ${lines[0]} == "usage: $t"* ]] || { echo "$t: $output"; false; }
		[ -z "$stderr" ]
		from_usage=$(printf '%s\n' "$output" | opts)
		from_man=$(mandoc -Tascii "$DK_ROOT/man/$t.1" | col -b |
			sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | opts)
		[[ $from_usage == "$from_man" ]] || {
			echo "$t: usage and SYNOPSIS differ:"
			diff <(echo "$from_usage") <(echo "$from_man")
			false
		}
	done
}

@test "--version, and a usage error exits 2 with the usage on stderr" {
	for t in $(tools); do
		run -0 "$t" --version
		[[ $output =~ ^$t\ \(deploykit\)\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "$output"; false; }
		run -2 --separate-stderr "$t" --no-such-option
		[[ $stderr == *usage:* ]] || { echo "$t: $stderr"; false; }
		[ -z "$output" ]
	done
}

@test "man pages have the canonical sections, in order, and lint clean" {
	for m in "$DK_ROOT"/man/*.[17]; do
		got=$(grep '^\.Sh ' "$m" | cut -d' ' -f2- | tr '\n' '|')
		want='NAME|SYNOPSIS|DESCRIPTION|'
		[[ $got == "$want"* ]] || { echo "$m: $got"; false; }
		for s in 'EXIT STATUS' 'EXAMPLES' 'SEE ALSO' 'SECURITY CONSIDERATIONS'; do
			[[ $got == *"|$s|"* || $got == *"|$s" ]] || { echo "$m: no $s"; false; }
		done
		run -0 mandoc -Tlint -W warning "$m"
	done
}

@test "EXIT STATUS lists 0, 1, 2 and 3 on every tool's page" {
	for t in $(tools); do
		st=$(mandoc -Tascii "$DK_ROOT/man/$t.1" | col -b | sed -n '/^EXIT STATUS/,/^EXAMPLES/p')
		for code in 0 1 2 3; do
			grep -Eq "^ +$code([[:space:]]|$)" <<<"$st" || { echo "$t: no exit $code"; false; }
		done
	done
}
