/** The gate's pure parts: the path and query parser and the allow/deny decision. The full
 * role × path × endpoint matrix runs against a real server in tests/integration/permissions.spec.ts. */
import { describe, expect, it } from 'vitest';
import type { SessionUser } from '../auth/types.js';
import { canonicalQuery, decide, localIdFor, parseDbPath } from './access.js';

function user(role: SessionUser['role'], pull: string[], entity_id?: string): SessionUser {
	return { user_id: `${role === 'citizen' ? 'c' : 's'}0123456789abcdef`, role, name: role, entity_id, databases: { pull, push: 'intake' } };
}
const citizen = user('citizen', ['config', 'u_c0123456789abcdef']);
const agent = user('agent', ['config', 'u_s0123456789abcdef', 'e_works'], 'works');
const minister = user('minister', ['config', 'u_s0123456789abcdef']);

describe('parseDbPath', () => {
	it('reads the replication endpoints and re-encodes every segment for the store', () => {
		expect(parseDbPath('config')).toMatchObject({ db: 'config', target: { kind: 'db_info' }, storePath: '/config/', query: '' });
		expect(parseDbPath('config/')).toMatchObject({ target: { kind: 'db_info' } });
		expect(parseDbPath('e_works/_changes')).toMatchObject({ target: { kind: 'changes' }, storePath: '/e_works/_changes' });
		expect(parseDbPath('e_works/%5Fall_docs')).toMatchObject({ target: { kind: 'all_docs' }, storePath: '/e_works/_all_docs' });
		expect(parseDbPath('intake/_local/abc')).toMatchObject({ target: { kind: 'local', id: 'abc' } });
		expect(parseDbPath('e_works/case%3Ax')).toMatchObject({ target: { kind: 'doc', id: 'case:x' }, storePath: '/e_works/case%3Ax' });
		expect(parseDbPath('e_works/att%3Aa%3Ap.png/p.png')).toMatchObject({
			target: { kind: 'attachment', id: 'att:a:p.png', name: 'p.png' },
			storePath: '/e_works/att%3Aa%3Ap.png/p.png'
		});
		// A slash inside a segment stays inside it: an odd document id, not a path.
		expect(parseDbPath('e_works/..%2F..%2Fauth')).toMatchObject({ target: { kind: 'doc', id: '../../auth' }, storePath: '/e_works/..%2F..%2Fauth' });
	});

	it.each([
		'',
		'_all_dbs',
		'%5Fall_dbs',
		'_session',
		'_users/_all_docs',
		'cases/_all_docs',
		'auth',
		'sms',
		'engine',
		'CONFIG',
		'U_c0123456789abcdef',
		'config%2F_all_docs',
		'config/../auth',
		'config/%2e%2e/auth',
		'config/.%2E/auth',
		'config/./_all_docs',
		'/config/_all_docs',
		'config//_all_docs',
		'config/_all_docs/',
		'config/_local/x/',
		'config/_local%2Fx',
		'config/_local//x',
		'config/doc/',
		'config/_ALL_DOCS',
		'config/_design/x',
		'config/%5Fdesign/x',
		'config/_design%2Fx',
		'config/_find',
		'config/_index',
		'config/_security',
		'config/_purge',
		'config/_compact',
		'config/_ensure_full_commit',
		'config/_all_docs%00',
		'config/%E0%A4%A'
	])('refuses %j', (raw) => {
		expect(parseDbPath(raw)).toBeNull();
	});
});

describe('canonicalQuery', () => {
	it('passes what PouchDB replication sends, re-encoded', () => {
		expect(canonicalQuery('changes', 'style=all_docs&feed=longpoll&heartbeat=10000&since=12&limit=100')).toBe('?style=all_docs&feed=longpoll&heartbeat=10000&since=12&limit=100');
		expect(canonicalQuery('changes', 'since=34-g1AAAAF_reJzLYWBg-4')).toBe('?since=34-g1AAAAF_reJzLYWBg-4');
		expect(canonicalQuery('changes', 'since=now')).toBe('?since=now');
		expect(canonicalQuery('bulk_get', 'revs=true&latest=true')).toBe('?revs=true&latest=true');
		expect(canonicalQuery('all_docs', `include_docs=true&conflicts=true&keys=${encodeURIComponent('["case:a","b"]')}`)).toBe('?include_docs=true&conflicts=true&keys=%5B%22case%3Aa%22%2C%22b%22%5D');
		expect(canonicalQuery('doc', `revs=true&open_revs=${encodeURIComponent('["1-abc","2-def"]')}&latest=true`)).not.toBeNull();
		expect(canonicalQuery('doc', 'open_revs=all')).toBe('?open_revs=all');
		expect(canonicalQuery('attachment', 'rev=3-0f')).toBe('?rev=3-0f');
		expect(canonicalQuery('db_info', '')).toBe('');
	});

	it.each([
		['changes', 'filter=_view&view=x/y'],
		['changes', 'view=x/y'],
		['changes', 'filter=x/y'],
		['changes', 'filter=_doc_ids&doc_ids=["a"]'],
		['changes', 'filter=_selector'],
		['changes', 'feed=continuous'],
		['changes', 'feed=eventsource'],
		['changes', 'heartbeat=1'],
		['changes', 'heartbeat=0'],
		['changes', 'timeout=99999999'],
		['changes', 'since=0&since=1'],
		['changes', 'since={"a":1}'],
		['changes', 'limit=-1'],
		['changes', 'query_params={}'],
		['changes', 'style=x'],
		['changes', 'include_docs=1'],
		['changes', 'filter[x]=y'],
		['changes', '__proto__=x'],
		['all_docs', 'keys=1'],
		['all_docs', 'startkey={}'],
		['all_docs', 'keys=[{}]'],
		['doc', 'open_revs=x'],
		['doc', 'open_revs=[1]'],
		['doc', 'rev={}'],
		['doc', 'rev=1-XYZ'],
		['doc', 'atts_since=[]'],
		['attachment', 'rev=x'],
		['bulk_get', 'attachments=yes'],
		['db_info', 'x=1'],
		['local', 'rev=1-0'],
		['revs_diff', 'x=1'],
		['bulk_docs', 'new_edits=false']
	] as const)('refuses %s ?%s', (kind, query) => {
		expect(canonicalQuery(kind, query)).toBeNull();
	});

	it('makes parseDbPath refuse the request', () => {
		expect(parseDbPath('config/_changes', 'filter=_view&view=x%2Fy')).toBeNull();
		expect(parseDbPath('config/_changes', 'since=0')).toMatchObject({ query: '?since=0' });
	});
});

describe('decide', () => {
	const at = (path: string, query = '') => parseDbPath(path, query)!;

	it('lets anyone pull config, but only a person write a checkpoint there', () => {
		expect(decide(null, 'GET', at('config/_changes'))).toEqual({ allow: true, mode: 'pull' });
		expect(decide(null, 'POST', at('config/_bulk_get'))).toEqual({ allow: true, mode: 'pull' });
		expect(decide(null, 'POST', at('config/_all_docs'))).toEqual({ allow: true, mode: 'pull' });
		expect(decide(null, 'GET', at('config/_local/x'))).toEqual({ allow: true, mode: 'pull' });
		expect(decide(null, 'PUT', at('config/_local/x'))).toEqual({ allow: false, status: 401 });
		expect(decide(citizen, 'PUT', at('config/_local/x'))).toEqual({ allow: true, mode: 'pull' });
		expect(decide(null, 'POST', at('config/_bulk_docs'))).toEqual({ allow: false, status: 401 });
		expect(decide(citizen, 'POST', at('config/_bulk_docs'))).toEqual({ allow: false, status: 403 });
		expect(decide(citizen, 'PUT', at('config/settings'))).toEqual({ allow: false, status: 403 });
	});

	it('lets every signed-in role but the minister push into intake, and nobody read it', () => {
		for (const who of [citizen, agent]) {
			expect(decide(who, 'POST', at('intake/_bulk_docs'))).toEqual({ allow: true, mode: 'push' });
			expect(decide(who, 'POST', at('intake/_revs_diff'))).toEqual({ allow: true, mode: 'push' });
			expect(decide(who, 'GET', at('intake/_changes'))).toEqual({ allow: false, status: 403 });
			expect(decide(who, 'GET', at('intake/act%3Ax'))).toEqual({ allow: false, status: 403 });
			expect(decide(who, 'POST', at('intake/_all_docs'))).toEqual({ allow: false, status: 403 });
		}
		expect(decide(minister, 'POST', at('intake/_bulk_docs'))).toEqual({ allow: false, status: 403 });
		expect(decide(null, 'POST', at('intake/_bulk_docs'))).toEqual({ allow: false, status: 401 });
	});

	it('lets a person pull only the databases of their session, and never write them', () => {
		expect(decide(citizen, 'GET', at('u_c0123456789abcdef/_changes'))).toEqual({ allow: true, mode: 'pull' });
		expect(decide(citizen, 'GET', at('u_c00000000000000ff/_changes'))).toEqual({ allow: false, status: 403 });
		expect(decide(citizen, 'GET', at('e_works/_changes'))).toEqual({ allow: false, status: 403 });
		expect(decide(agent, 'GET', at('e_works/_changes'))).toEqual({ allow: true, mode: 'pull' });
		expect(decide(agent, 'GET', at('e_health/_changes'))).toEqual({ allow: false, status: 403 });
		expect(decide(agent, 'POST', at('e_works/_bulk_docs'))).toEqual({ allow: false, status: 403 });
		expect(decide(agent, 'POST', at('e_works/_revs_diff'))).toEqual({ allow: false, status: 403 });
		expect(decide(agent, 'DELETE', at('e_works/case%3Ax'))).toEqual({ allow: false, status: 403 });
		expect(decide(agent, 'PUT', at('e_works'))).toEqual({ allow: false, status: 403 });
		expect(decide(agent, 'DELETE', at('e_works'))).toEqual({ allow: false, status: 403 });
		expect(decide(null, 'GET', at('e_works/_changes'))).toEqual({ allow: false, status: 401 });
	});
});

describe('localIdFor', () => {
	it("keeps each person's checkpoints under their own prefix", () => {
		expect(localIdFor(citizen, 'abc')).toBe('c0123456789abcdef__abc');
		expect(localIdFor(agent, 'abc')).not.toBe(localIdFor(citizen, 'abc'));
		expect(() => localIdFor({ ...citizen, user_id: '../x' }, 'abc')).toThrow();
	});
});
