#!/usr/bin/env node
/** The CouchDB lanes of `npm test`: the integration and security tests again on a real Apache
 * CouchDB node (`single`), and the cluster tests on a three-node cluster (`cluster`).
 *
 * The CouchDB comes from, in order: TAWASUL_COUCHDB_SINGLE (single) or TAWASUL_COUCHDB_CLUSTER
 * with TAWASUL_COUCHDB_CLUSTER_DATA (cluster), as .ci/run starts them; otherwise the
 * relocatable release in COUCHDB_DIST (default ../shared/couchdb next to the repository), started
 * here on a fresh data folder and stopped afterwards. With neither, the lane says in one line that
 * it was skipped. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const LANES = {
	single: { nodes: 1, port: 25984, urlVar: 'TAWASUL_COUCHDB_SINGLE', dataVar: null, tests: ['tests/integration', 'tests/security'], config: [] },
	cluster: {
		nodes: 3,
		port: 26984,
		urlVar: 'TAWASUL_COUCHDB_CLUSTER',
		dataVar: 'TAWASUL_COUCHDB_CLUSTER_DATA',
		tests: ['tests/cluster'],
		config: ['--config', 'tests/cluster/vitest.config.ts']
	}
};

const name = process.argv[2];
const lane = LANES[name];
if (!lane) {
	process.stderr.write(`usage: couchdb-lane.mjs ${Object.keys(LANES).join('|')} [vitest arguments]\n`);
	process.exit(2);
}
const extra = process.argv.slice(3);
const dist = path.resolve(ROOT, process.env.COUCHDB_DIST || '../shared/couchdb');

function run(command, args, env) {
	const result = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], env });
	return result.status ?? 1;
}

/** Starts the release; returns its URL and data folder, or null when there is no release. */
function start() {
	if (!fs.existsSync(path.join(dist, 'start.sh'))) return null;
	const data = fs.mkdtempSync(path.join(os.tmpdir(), `tawasul-couchdb-${name}-`));
	const started = spawnSync('bash', [path.join(dist, 'start.sh'), '--nodes', String(lane.nodes), '--port', String(lane.port), '--data', data], {
		cwd: ROOT,
		stdio: ['ignore', 'pipe', 'inherit'],
		encoding: 'utf8'
	});
	const url = /COUCHDB_URL=(\S+)\s*$/.exec(started.stdout ?? '')?.[1];
	if (started.status !== 0 || !url) {
		process.stderr.write(`CouchDB lane (${name}): ${dist}/start.sh failed (exit ${started.status})\n`);
		process.exit(1);
	}
	return { url, data, stop: () => spawnSync('bash', [path.join(dist, 'stop.sh'), '--data', data], { stdio: 'ignore' }) };
}

let url = process.env[lane.urlVar];
let data = lane.dataVar ? process.env[lane.dataVar] : undefined;
let started = null;
if (!url || (lane.dataVar && !data)) {
	started = start();
	if (!started) {
		process.stdout.write(`CouchDB lane (${name}): skipped, no CouchDB (${lane.urlVar} is not set and ${dist}/start.sh does not exist)\n`);
		process.exit(0);
	}
	({ url, data } = started);
}

const env = {
	...process.env,
	TAWASUL_TEST_COUCHDB: url,
	...(data ? { TAWASUL_TEST_COUCHDB_DATA: data, TAWASUL_TEST_COUCHDB_DIST: dist } : {}),
	...(lane.nodes > 1 ? { TAWASUL_TEST_COUCHDB_NODES: String(lane.nodes) } : {})
};
process.stdout.write(`CouchDB lane (${name}): ${lane.nodes} node${lane.nodes > 1 ? 's' : ''}, ${lane.tests.join(' ')}\n`);
let status;
try {
	status = run(process.execPath, [path.join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', ...lane.config, ...lane.tests, ...extra], env);
} finally {
	if (started) {
		started.stop();
		fs.rmSync(started.data, { recursive: true, force: true });
	}
}
process.exit(status);
