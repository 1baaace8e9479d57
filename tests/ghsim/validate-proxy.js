#!/usr/bin/env node
// validate-proxy.js: a transparent HTTP proxy that checks every request and
// every response against GitHub's OpenAPI description (trimmed by
// trim-spec.js) and records each violation; it never changes an exchange.
//
// usage: node validate-proxy.js --upstream http://127.0.0.1:PORT --spec FILE
//            [--port N] [--port-file FILE] [--log FILE]
//
// Why not prism (@stoplight/prism-cli 5.14.2 `proxy --errors`): it answers a
// violation with a 500/422 problem+json of its own, so a tool under test sees
// prism's error instead of GitHub's answer; it turns a dropped upstream
// connection or a cut body into its own 500, so those faults never reach the
// tool; and it checks undocumented statuses (GitHub's description lists
// almost no error answers) not at all.  This proxy forwards bytes as they
// came (status, headers, body; a drop is a drop) and keeps the verdicts in a
// log that the tests read: GET /_proxy/violations?since=N.
//
// Checked, per request: the operation exists in the description; path and
// query parameters (types, enums, patterns; an undocumented parameter is a
// violation, since GitHub would silently ignore it); the JSON body against
// the requestBody schema; the headers GitHub asks for (User-Agent,
// Accept: application/vnd.github+json, X-GitHub-Api-Version: 2022-11-28,
// Authorization as "Bearer T" or "token T").
// Per response: a documented status has its schema (JSON body, Content-Type,
// Link header form); a 304 needs an If-None-Match in the request, an ETag and
// no body; an undocumented 4xx/5xx must be GitHub's error object
// (basic-error: a "message" string); any other undocumented status is a
// violation; the x-ratelimit-* headers must be integers.  Answers the
// simulator marks as injected faults (x-ghsim-fault, stripped here) are
// forwarded unchecked.
'use strict';
const fs = require('fs');
const http = require('http');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

function args() {
	const a = { port: 0 };
	const v = process.argv.slice(2);
	for (let i = 0; i < v.length; i += 2) {
		const k = v[i].replace(/^--/, '').replace(/-(.)/g, (_, c) => c.toUpperCase());
		a[k] = v[i + 1];
	}
	if (!a.upstream || !a.spec) {
		process.stderr.write('usage: validate-proxy.js --upstream URL --spec FILE [--port N] [--port-file F] [--log F]\n');
		process.exit(2);
	}
	return a;
}

const opts = args();
const upstream = new URL(opts.upstream);
const spec = JSON.parse(fs.readFileSync(opts.spec, 'utf8'));

// Every "#/components/..." becomes "spec.json#/components/...", so that
// inline schemas (request bodies, parameters) compile on their own.
function rewrite(node) {
	if (Array.isArray(node)) return node.map(rewrite);
	if (node && typeof node === 'object') {
		const out = {};
		for (const [k, v] of Object.entries(node)) {
			out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? 'spec.json' + v : rewrite(v);
		}
		return out;
	}
	return node;
}
// OpenAPI 3.0's nullable with an enum: GitHub's description writes
// `nullable: true, enum: [...]` without null in the enum (job and step
// conclusions) and means "null or one of these" -- GitHub answers null for
// a job not yet finished.  Ajv reads the enum strictly, so null is added.
function nullableEnums(node) {
	if (Array.isArray(node)) return node.forEach(nullableEnums);
	if (node && typeof node === 'object') {
		if (node.nullable === true && Array.isArray(node.enum) && !node.enum.includes(null)) node.enum.push(null);
		Object.values(node).forEach(nullableEnums);
	}
}
// OpenAPI 3.0's nullable without a type: GitHub's description writes
// `nullable: true, anyOf: [...]` (an installation's account: a user or an
// enterprise, or null), which Ajv refuses to compile ("nullable" cannot be
// used without "type").  It means "null, or one of these": said so in
// JSON Schema.
function nullableUntyped(node) {
	if (Array.isArray(node)) return node.map(nullableUntyped);
	if (node && typeof node === 'object') {
		const out = {};
		for (const [k, v] of Object.entries(node)) out[k] = nullableUntyped(v);
		if (out.nullable === true && out.type === undefined && !out.$ref) {
			delete out.nullable;
			return { anyOf: [out, { type: 'null' }] };
		}
		return out;
	}
	return node;
}
const rspec = nullableUntyped(rewrite(spec));
nullableEnums(rspec);
const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
addFormats(ajv);
for (const f of ['int32', 'int64', 'timestamp']) ajv.addFormat(f, true);
ajv.addSchema({ $id: 'spec.json', components: rspec.components });

const compiled = new Map();
function validator(schema) {
	if (!compiled.has(schema)) compiled.set(schema, ajv.compile(schema));
	return compiled.get(schema);
}
function deref(x) {
	while (x && x.$ref) {
		const parts = x.$ref.replace(/^spec\.json#\//, '').split('/');
		x = parts.reduce((o, p) => o[p.replace(/~1/g, '/').replace(/~0/g, '~')], rspec);
	}
	return x;
}
function errs(v) {
	return (v.errors || []).map((e) => `${e.instancePath || '(root)'} ${e.message}${e.params && e.params.additionalProperty ? ': ' + e.params.additionalProperty : ''}`);
}

// Operations: method + path template -> regex.
const ops = [];
for (const [tpl, item] of Object.entries(rspec.paths)) {
	const names = [];
	const re = new RegExp('^' + tpl.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, n) => {
		names.push(n);
		return '([^/]+)';
	}) + '$');
	for (const [method, op] of Object.entries(item)) {
		if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
		const params = (op.parameters || []).concat(item.parameters || []).map(deref);
		ops.push({ method: method.toUpperCase(), tpl, re, names, op, params });
	}
}
function findOp(method, path) {
	for (const o of ops) {
		const m = o.re.exec(path);
		if (m && o.method === method) {
			const pv = {};
			o.names.forEach((n, i) => { pv[n] = decodeURIComponent(m[i + 1]); });
			return { o, pv };
		}
	}
	return null;
}

// A parameter arrives as a string: give it the type its schema wants.
function coerce(schema, s) {
	schema = deref(schema);
	const alts = schema.oneOf || schema.anyOf;
	if (alts) {
		for (const a of alts) {
			const v = coerce(a, s);
			if (typeof v !== 'string') return v;
		}
		return s;
	}
	if (schema.type === 'integer' && /^-?\d+$/.test(s)) return Number(s);
	if (schema.type === 'number' && s !== '' && !isNaN(Number(s))) return Number(s);
	if (schema.type === 'boolean' && (s === 'true' || s === 'false')) return s === 'true';
	return s;
}

function checkRequest(req, url, body) {
	const v = [];
	let path = url.pathname;
	if (path.startsWith('/api/v3/')) path = path.slice(7);
	const found = findOp(req.method, path);
	if (!found) {
		v.push(`no operation ${req.method} ${path} in GitHub's description`);
		return { v, found };
	}
	const { o, pv } = found;
	const h = req.headers;
	if (!h['user-agent']) v.push('header User-Agent missing (GitHub rejects requests without one)');
	if (!/(^|,)\s*application\/vnd\.github\+json\s*(;|,|$)/.test(h.accept || '')) v.push(`header Accept is ${JSON.stringify(h.accept)}, not application/vnd.github+json`);
	if (h['x-github-api-version'] !== '2022-11-28') v.push(`header X-GitHub-Api-Version is ${JSON.stringify(h['x-github-api-version'])}, not 2022-11-28`);
	if (h.authorization !== undefined && !/^(Bearer|token) \S+$/.test(h.authorization)) v.push('header Authorization is not "Bearer TOKEN" or "token TOKEN"');
	const known = new Set();
	for (const p of o.params) {
		known.add(`${p.in}:${p.name}`);
		let raw;
		if (p.in === 'path') raw = pv[p.name];
		else if (p.in === 'query') raw = url.searchParams.has(p.name) ? url.searchParams.get(p.name) : undefined;
		else continue;
		if (raw === undefined) {
			if (p.required) v.push(`${p.in} parameter ${p.name} missing`);
			continue;
		}
		if (p.in === 'query' && url.searchParams.getAll(p.name).length > 1) v.push(`query parameter ${p.name} given more than once`);
		const val = validator(p.schema);
		if (!val(coerce(p.schema, raw))) v.push(`${p.in} parameter ${p.name}=${JSON.stringify(raw)}: ${errs(val).join('; ')}`);
	}
	for (const k of url.searchParams.keys()) {
		if (!known.has(`query:${k}`)) v.push(`query parameter ${k} is not in GitHub's description of ${req.method} ${o.tpl}`);
	}
	const rb = o.op.requestBody && deref(o.op.requestBody);
	if (rb) {
		const media = rb.content && rb.content['application/json'];
		if (body.length === 0) {
			if (rb.required) v.push('request body missing');
		} else if (!/^application\/json\s*(;|$)/.test(h['content-type'] || '')) {
			v.push(`request Content-Type is ${JSON.stringify(h['content-type'])}, not application/json`);
		} else {
			let doc;
			try {
				doc = JSON.parse(body.toString('utf8'));
			} catch (e) {
				v.push(`request body is not JSON: ${e.message}`);
			}
			if (doc !== undefined && media && media.schema) {
				const val = validator(media.schema);
				if (!val(doc)) v.push(`request body: ${errs(val).join('; ')}`);
			}
		}
	} else if (body.length > 0) {
		v.push(`${req.method} ${o.tpl} takes no body, got ${body.length} bytes`);
	}
	return { v, found };
}

const LINK = /^<[^>]+>; rel="(next|prev|first|last)"(, <[^>]+>; rel="(next|prev|first|last)")*$/;

function checkResponse(req, found, status, headers, body) {
	const v = [];
	if (!found) return v;
	const { o } = found;
	for (const k of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'x-ratelimit-used']) {
		if (!/^\d+$/.test(headers[k] || '')) v.push(`response header ${k} is ${JSON.stringify(headers[k])}, not an integer`);
	}
	const resp = o.op.responses[String(status)] && deref(o.op.responses[String(status)]);
	const ctype = headers['content-type'] || '';
	const json = () => {
		if (!/^application\/json\s*(;|$)/.test(ctype)) {
			v.push(`${status}: Content-Type ${JSON.stringify(ctype)}, not application/json`);
			return undefined;
		}
		try {
			return JSON.parse(body.toString('utf8'));
		} catch (e) {
			v.push(`${status}: body is not JSON: ${e.message}`);
			return undefined;
		}
	};
	if (resp) {
		const media = resp.content && resp.content['application/json'];
		if (media && media.schema) {
			const doc = json();
			if (doc !== undefined) {
				const val = validator(media.schema);
				if (!val(doc)) v.push(`${status} body: ${errs(val).join('; ')}`);
			}
		} else if (body.length > 0) {
			v.push(`${status}: GitHub's description has no body for it, got ${body.length} bytes`);
		}
		for (const [name, hdr] of Object.entries(resp.headers || {})) {
			const val = headers[name.toLowerCase()];
			if (val !== undefined && name.toLowerCase() === 'link' && !LINK.test(val)) v.push(`${status}: Link header malformed: ${val}`);
			if (val !== undefined && deref(hdr).schema) {
				const vv = validator(deref(hdr).schema);
				if (!vv(coerce(deref(hdr).schema, val))) v.push(`${status}: header ${name}: ${errs(vv).join('; ')}`);
			}
		}
		if (status === 200 && req.method === 'GET' && !headers.etag) v.push('200 to a GET without an ETag');
	} else if (status === 304) {
		if (!req.headers['if-none-match']) v.push('304 to a request without If-None-Match');
		if (!headers.etag) v.push('304 without an ETag');
		if (body.length > 0) v.push(`304 with a body of ${body.length} bytes`);
	} else if (status >= 400) {
		const doc = json();
		if (doc !== undefined) {
			const val = validator({ $ref: 'spec.json#/components/schemas/basic-error' });
			if (!val(doc)) v.push(`${status} body: ${errs(val).join('; ')}`);
			else if (typeof doc.message !== 'string') v.push(`${status} body has no "message"`);
		}
	} else {
		v.push(`status ${status} is not in GitHub's description of ${req.method} ${o.tpl}`);
	}
	return v;
}

// ---- the proxy ----

const violations = [];
let exchanges = 0;
let logFd = opts.log ? fs.openSync(opts.log, 'a') : null;
function record(req, where, status, list) {
	if (!list.length) return;
	const e = { seq: violations.length + 1, time: new Date().toISOString(), method: req.method, url: req.url, where, status, violations: list };
	violations.push(e);
	if (logFd !== null) fs.writeSync(logFd, JSON.stringify(e) + '\n');
}

const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'content-length']);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
let connSeq = 0;

function reply(res, status, obj) {
	const b = Buffer.from(JSON.stringify(obj) + '\n');
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': b.length });
	res.end(b);
}

const server = http.createServer((req, res) => {
	if (req.socket.ghsimConn === undefined) req.socket.ghsimConn = `proxy-${++connSeq}`;
	const chunks = [];
	let size = 0;
	req.on('data', (c) => {
		size += c.length;
		if (size <= 4 << 20) chunks.push(c);
	});
	req.on('end', () => {
		const body = Buffer.concat(chunks);
		const url = new URL(req.url, 'http://proxy.invalid');
		if (url.pathname === '/_proxy/health') return reply(res, 200, { ok: true, upstream: opts.upstream });
		if (url.pathname === '/_proxy/violations') {
			const since = Number(url.searchParams.get('since') || 0);
			return reply(res, 200, { count: violations.length, exchanges, violations: violations.filter((e) => e.seq > since) });
		}
		const admin = url.pathname.startsWith('/_sim/');
		let found = null;
		if (!admin) {
			exchanges++;
			const r = checkRequest(req, url, body);
			found = r.found;
			record(req, 'request', null, r.v);
		}
		const headers = {};
		for (const [k, val] of Object.entries(req.headers)) {
			if (!HOP.has(k) && !k.startsWith('x-ghsim-')) headers[k] = val;
		}
		headers['x-ghsim-conn'] = req.socket.ghsimConn;
		if (body.length || !['GET', 'HEAD', 'DELETE'].includes(req.method)) headers['content-length'] = body.length;
		const up = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent }, (ures) => {
			const out = [];
			ures.on('data', (c) => out.push(c));
			ures.on('error', () => req.socket.destroy());
			ures.on('end', () => {
				const rbody = Buffer.concat(out);
				const fault = ures.headers['x-ghsim-fault'];
				if (!admin && !fault) record(req, 'response', ures.statusCode, checkResponse(req, found, ures.statusCode, ures.headers, rbody));
				const rh = {};
				for (const [k, val] of Object.entries(ures.headers)) {
					if (!HOP.has(k) && !k.startsWith('x-ghsim-')) rh[k] = val;
				}
				if (ures.statusCode !== 204 && ures.statusCode !== 304) rh['content-length'] = rbody.length;
				res.writeHead(ures.statusCode, ures.statusMessage, rh);
				res.end(rbody);
			});
		});
		// The simulator dropped the connection: so do we.  Never a retry
		// here (a dispatch may have happened).
		up.on('error', () => req.socket.destroy());
		up.end(body);
	});
});
server.keepAliveTimeout = 120000;
server.headersTimeout = 125000;
server.requestTimeout = 0;
server.listen(Number(opts.port), '127.0.0.1', () => {
	const port = server.address().port;
	if (opts.portFile) {
		fs.writeFileSync(opts.portFile + '.tmp', `${port}\n`);
		fs.renameSync(opts.portFile + '.tmp', opts.portFile);
	}
	process.stdout.write(`${port}\n`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
