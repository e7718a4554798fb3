import { describe, expect, it } from 'vitest';
import { parseEnv } from './env.js';
import { replicasFor, shardPolicy } from './store-shards.js';

describe('shards and replicas of new databases', () => {
	it.each([
		[{ q: 8, n: 2 }, 3, 'cases', { q: 8, n: 2 }],
		[{ q: 8, n: 2 }, 3, 'u_c123', { q: 1, n: 2 }],
		[{ q: 8, n: 2 }, 3, 'e_works', { q: 1, n: 2 }],
		[{ q: 8, n: 2 }, 3, 'intake', { q: 1, n: 2 }],
		[{ q: null, n: null }, 3, 'intake', { q: 1, n: 3 }],
		[{ q: null, n: null }, 5, 'cases', { n: 3 }],
		[{ q: null, n: null }, 1, 'config', { n: 1 }],
		[{ q: null, n: null }, 2, 'u_c1', { q: 1, n: 2 }]
	])('with %j on %i nodes creates %s with %j', async (configured, nodes, name, expected) => {
		const createQuery = shardPolicy(configured, async () => nodes);
		expect(await createQuery(name)).toEqual(expected);
	});

	it('asks the cluster for its size once', async () => {
		let asked = 0;
		const createQuery = shardPolicy({ q: null, n: null }, async () => ++asked && 3);
		await Promise.all(['a', 'b', 'c'].map(createQuery));
		expect(asked).toBe(1);
	});

	it('never asks for more copies than nodes, nor more than three', () => {
		expect([1, 2, 3, 4, 9].map(replicasFor)).toEqual([1, 2, 3, 3, 3]);
	});

	it('reads COUCHDB_Q and COUCHDB_N, and names them when wrong', () => {
		expect(parseEnv({ COUCHDB_Q: '4', COUCHDB_N: '3' })).toMatchObject({ couchdbQ: 4, couchdbN: 3 });
		expect(parseEnv({})).toMatchObject({ couchdbQ: null, couchdbN: null });
		expect(() => parseEnv({ COUCHDB_Q: '0' })).toThrow(/^Environment variable COUCHDB_Q:/);
		expect(() => parseEnv({ COUCHDB_N: 'three' })).toThrow(/^Environment variable COUCHDB_N:/);
	});

	it('reads the engine limits', () => {
		expect(parseEnv({ ENGINE_BATCH_BYTES: '1048576', ENGINE_LEASE_MS: '5000', ENGINE_STALL_MS: '2000' }).engine).toEqual({ batchBytes: 1048576, leaseMs: 5000, stallMs: 2000 });
		expect(() => parseEnv({ ENGINE_BATCH_BYTES: '10' })).toThrow(/ENGINE_BATCH_BYTES/);
	});
});
