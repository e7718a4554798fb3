/** Open311's two formats (GeoReport v2, "Format Support"): JSON as the data is, and XML that maps
 * to it one to one (the Spark convention): an object is an element per field, a list is a wrapper
 * element holding one element per item, named by what the item is. UTF-8 everywhere. */
import type { Response } from 'express';

export type Format = 'json' | 'xml';

export const FORMATS: readonly Format[] = ['json', 'xml'];

const CONTENT_TYPES: Record<Format, string> = {
	json: 'application/json; charset=utf-8',
	xml: 'text/xml; charset=utf-8'
};

/** The element of one item of each list the API returns. */
const ITEM_NAMES: Record<string, string> = {
	services: 'service',
	service_requests: 'request',
	service_request_updates: 'request_update',
	attributes: 'attribute',
	values: 'value',
	endpoints: 'endpoint',
	formats: 'format',
	errors: 'error'
};

/** XML 1.0 allows neither most control characters nor lone surrogates, whatever the escaping; a
 * name typed by a coordinator could hold one. */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXml(text: string): string {
	return text.replace(NOT_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function element(name: string, value: unknown, indent: string): string {
	if (value === null || value === undefined) return `${indent}<${name}/>`;
	if (Array.isArray(value)) {
		const item = ITEM_NAMES[name] ?? 'item';
		if (value.length === 0) return `${indent}<${name}/>`;
		return `${indent}<${name}>\n${value.map((v) => element(item, v, `${indent}\t`)).join('\n')}\n${indent}</${name}>`;
	}
	if (typeof value === 'object') {
		const fields = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
		return `${indent}<${name}>\n${fields.map(([k, v]) => element(k, v, `${indent}\t`)).join('\n')}\n${indent}</${name}>`;
	}
	if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${indent}<${name}>${escapeXml(String(value))}</${name}>`;
	// The answers are JSON data: a symbol or a function has no place in them.
	throw new Error(`"${name}" holds a ${typeof value}, which is not data`);
}

/** `root` names the document element: a list (`services`, `service_requests`, `errors`) or an
 * object (`service_definition`, `discovery`). */
export function toXml(root: string, value: unknown): string {
	return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, value, '')}\n`;
}

export function send(res: Response, format: Format, status: number, root: string, value: unknown): void {
	res.status(status);
	res.setHeader('Content-Type', CONTENT_TYPES[format]);
	res.send(format === 'xml' ? toXml(root, value) : JSON.stringify(value));
}

export interface Open311ErrorItem {
	code: number;
	description: string;
}

/** A refusal in the specification's shape: a list of `{ code, description }` with the HTTP status
 * (404 for what does not exist, 403 for the key, 400 for the rest; 429 for a key over its rate). */
export class Open311Error extends Error {
	constructor(
		readonly status: 400 | 403 | 404 | 429 | 500 | 503,
		readonly errors: Open311ErrorItem[]
	) {
		super(errors.map((e) => e.description).join('; '));
		this.name = 'Open311Error';
	}
}

export function fail(status: Open311Error['status'], description: string): Open311Error {
	return new Open311Error(status, [{ code: status, description }]);
}

export function sendErrors(res: Response, format: Format, error: Open311Error): void {
	send(res, format, error.status, 'errors', error.errors);
}
