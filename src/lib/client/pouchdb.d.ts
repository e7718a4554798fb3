/** The small part of PouchDB's API this app uses (the package ships no types, and adding
 * @types/pouchdb would pull in typings for every plugin). */
declare module 'pouchdb-browser' {
	export interface Doc {
		_id: string;
		_rev?: string;
		_deleted?: boolean;
		_attachments?: Record<string, { content_type: string; data?: Blob | string; stub?: boolean; length?: number; digest?: string }>;
		[key: string]: unknown;
	}
	export interface AllDocsOptions {
		include_docs?: boolean;
		startkey?: string;
		endkey?: string;
		keys?: string[];
		attachments?: boolean;
		binary?: boolean;
		limit?: number;
		descending?: boolean;
	}
	export interface AllDocsResult<T> {
		total_rows: number;
		/** A key asked for by `keys` that the database lacks comes back with `error` and no `value`. */
		rows: { id: string; key: string; value?: { rev: string; deleted?: boolean }; doc?: T & Doc; error?: string }[];
	}
	export interface EventSource<Self> {
		on(event: string, listener: (...args: never[]) => void): Self;
		cancel(): void;
	}
	export interface Replication extends EventSource<Replication>, PromiseLike<unknown> {}
	export interface ReplicateOptions {
		live?: boolean;
		retry?: boolean;
		batch_size?: number;
		back_off_function?: (delay: number) => number;
		filter?: (doc: Doc) => boolean;
	}
	export interface Database {
		readonly name: string;
		get<T = Doc>(id: string, options?: { attachments?: boolean; binary?: boolean }): Promise<T & Doc>;
		put(doc: { _id: string; _rev?: string; _deleted?: boolean; _attachments?: Doc['_attachments'] }): Promise<{ ok: boolean; id: string; rev: string }>;
		allDocs<T = Doc>(options?: AllDocsOptions): Promise<AllDocsResult<T>>;
		getAttachment(docId: string, name: string): Promise<Blob>;
		/** `since`: a sequence, or 'now' for changes from this moment on. */
		changes(options: { since?: number | string; live?: boolean; include_docs?: boolean }): EventSource<unknown>;
		replicate: {
			to(target: Database, options?: ReplicateOptions): Replication;
			from(source: Database, options?: ReplicateOptions): Replication;
		};
		info(): Promise<{ doc_count: number; update_seq: number | string }>;
		close(): Promise<void>;
		destroy(): Promise<void>;
	}
	export interface DatabaseOptions {
		fetch?: (url: string | Request, init?: RequestInit) => Promise<Response>;
		skip_setup?: boolean;
		auto_compaction?: boolean;
	}
	const PouchDB: { new (name: string, options?: DatabaseOptions): Database };
	export default PouchDB;
}
