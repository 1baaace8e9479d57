#!/usr/bin/env node
// trim-spec.js [OUT]: GitHub's published OpenAPI description
// (@octokit/openapi, generated/api.github.com.json) cut down to the
// operations that gh-dispatch, gh-wait, gh-app-token and the simulator's
// tests use, with every component they reach.  13 MB of JSON parse in a
// second; the trimmed spec is a few hundred KB, so the validator starts
// fast.  Written to OUT (default stdout) atomically: parallel bats files
// may race to create it.
//
// One correction, of a place where the description is narrower than
// GitHub's documented behaviour: the runs list's `created` query parameter
// is documented as a date-time range in GitHub's search syntax
// (">=2026-01-01T00:00:00Z", "2026-01-01..2026-01-02") but typed
// format: date-time, which rejects those.  It becomes a pattern that accepts
// a date or date-time and the range forms, nothing wider.  Undocumented
// error statuses (401, 404, 422, 5xx) are left to the validator (checked
// against basic-error), not added to the description.
'use strict';
const fs = require('fs');
const path = require('path');

const SPEC = require.resolve('@octokit/openapi/generated/api.github.com.json');

// path -> methods kept
const KEEP = {
	'/rate_limit': ['get'],
	'/repos/{owner}/{repo}': ['get'],
	'/repos/{owner}/{repo}/actions/workflows/{workflow_id}': ['get'],
	'/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches': ['post'],
	'/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs': ['get'],
	'/repos/{owner}/{repo}/actions/runs/{run_id}': ['get'],
	'/repos/{owner}/{repo}/actions/runs/{run_id}/jobs': ['get'],
	'/repos/{owner}/{repo}/actions/runs/{run_id}/cancel': ['post'],
	'/repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments': ['get'],
	// gh-app-token, with the App's JWT
	'/repos/{owner}/{repo}/installation': ['get'],
	'/app/installations/{installation_id}/access_tokens': ['post'],
};

// GitHub's "created" qualifier: a date or date-time, optionally behind
// >, >=, <, <=, or two of them joined by "..", either side may be "*".
const DT = '\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2})?(\\.\\d+)?(Z|[+-]\\d{2}:?\\d{2})?)?';
const CREATED = `^((>|>=|<|<=)?${DT}|(${DT}|\\*)\\.\\.(${DT}|\\*))$`;

function main() {
	const spec = JSON.parse(fs.readFileSync(SPEC, 'utf8'));
	const out = {
		openapi: spec.openapi,
		info: Object.assign({}, spec.info, {
			title: spec.info.title + ' (trimmed for deploykit tests)',
		}),
		servers: [{ url: 'http://127.0.0.1' }],
		paths: {},
		components: {},
	};
	for (const [p, methods] of Object.entries(KEEP)) {
		const item = spec.paths[p];
		if (!item) throw new Error(`trim-spec: ${p}: not in ${SPEC}`);
		out.paths[p] = {};
		for (const m of methods) {
			if (!item[m]) throw new Error(`trim-spec: ${m.toUpperCase()} ${p}: not in the description`);
			out.paths[p][m] = item[m];
		}
	}
	// Copy every component reached, transitively.
	const seen = new Set();
	const queue = [out.paths];
	// The validator also checks undocumented error answers against this.
	for (const s of ['basic-error']) queue.push({ $ref: `#/components/schemas/${s}` });
	while (queue.length) {
		const node = queue.pop();
		if (Array.isArray(node)) {
			node.forEach((n) => queue.push(n));
		} else if (node && typeof node === 'object') {
			for (const [k, v] of Object.entries(node)) {
				if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/')) {
					if (seen.has(v)) continue;
					seen.add(v);
					const [, , kind, name] = v.split('/');
					const target = spec.components[kind] && spec.components[kind][name];
					if (!target) throw new Error(`trim-spec: dangling ${v}`);
					(out.components[kind] = out.components[kind] || {})[name] = target;
					queue.push(target);
				} else {
					queue.push(v);
				}
			}
		}
	}
	const created = out.components.parameters && out.components.parameters.created;
	if (!created || created.schema.format !== 'date-time') {
		throw new Error('trim-spec: the "created" parameter changed upstream; review the correction');
	}
	out.components.parameters.created = Object.assign({}, created, {
		schema: { type: 'string', pattern: CREATED },
	});
	const text = JSON.stringify(out);
	const dest = process.argv[2];
	if (!dest) {
		process.stdout.write(text + '\n');
		return;
	}
	const tmp = path.join(path.dirname(dest), `.${path.basename(dest)}.${process.pid}.tmp`);
	fs.writeFileSync(tmp, text + '\n');
	fs.renameSync(tmp, dest);
}

main();
