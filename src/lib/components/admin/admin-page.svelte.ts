import { tick } from 'svelte';
import type { EntityDoc } from '$lib/domain/doc-types';
import { adminApi } from '$lib/client/admin-api';
import { announcer } from '$lib/client/announcer.svelte';
import { handleError } from '$lib/client/api';
import { fieldMessages } from '$lib/client/field-errors';
import { i18n } from '$lib/client/i18n.svelte';

/** Moves focus to an element once the screen has caught up with the state. */
export async function focusById(id: string) {
	await tick();
	document.getElementById(id)?.focus();
}

/**
 * A risky action waiting for the coordinator to confirm it in a ConfirmDialog:
 * `ask` opens the dialog, `confirm` closes it and acts, `cancel` closes it.
 */
export class Confirmation<T> {
	pending = $state<T | null>(null);

	ask = (value: T) => {
		this.pending = value;
	};

	cancel = () => {
		this.pending = null;
	};

	confirm(act: (value: T) => Promise<unknown>) {
		return () => {
			const value = this.pending;
			this.pending = null;
			if (value !== null) void act(value);
		};
	}
}

/** A row action that talks to the server: `active` while it runs (its buttons wait), the
 * outcome announced (unless `done` is null), a failure shown and announced. `after` is what
 * follows the announcement, such as a reload or a move of focus; the buttons wait for it too. */
export class RowAction {
	active = $state(false);

	async run(act: () => Promise<unknown>, done: string | null, after?: () => Promise<unknown>): Promise<void> {
		this.active = true;
		try {
			await act();
			if (done !== null) announcer.announce(done);
			await after?.();
		} catch (error) {
			handleError(error);
		} finally {
			this.active = false;
		}
	}
}

/**
 * A form the server checks: `busy` while it is sent; on a refusal what was typed stays, each
 * field the server named shows why (`errors`), and focus moves to the first of them in the
 * order of `fields`. `notice` is the message for the form as a whole, shown only when no field
 * says why.
 */
export class Submission {
	errors = $state<Record<string, string>>({});
	error = $state<string | null>(null);
	busy = $state(false);
	readonly #fields: readonly string[];
	readonly #fieldId: (field: string) => string;

	/** `fieldId` names the input to focus for a field. */
	constructor(fields: readonly string[] = [], fieldId: (field: string) => string = (field) => field) {
		this.#fields = fields;
		this.#fieldId = fieldId;
	}

	get notice(): string | null {
		return Object.keys(this.errors).length ? null : this.error;
	}

	clear() {
		this.errors = {};
		this.error = null;
	}

	/** Sends; `fieldErrors` reads the refusal when its field names are not the form's own. */
	async send(act: () => Promise<unknown>, fieldErrors: (error: unknown) => Record<string, string> = fieldMessages): Promise<void> {
		this.clear();
		this.busy = true;
		try {
			await act();
		} catch (error) {
			this.error = handleError(error);
			this.errors = fieldErrors(error);
			const first = this.#fields.find((field) => this.errors[field]);
			if (first) await focusById(this.#fieldId(first));
		} finally {
			this.busy = false;
		}
	}
}

/**
 * The form beside an admin table that makes a new record (`editing` null) or edits the one
 * chosen in a row, sent as a Submission. Its ids start with `prefix`: the title
 * `<prefix>-form-title`, a row's Edit button `<prefix>-edit-<key>`, a field `<prefix>-<field>`.
 * `edit` fills it from a row and moves focus to the title; `reset` empties it and gives focus
 * back to that row's Edit button.
 */
export class RecordForm<R, F> extends Submission {
	editing = $state<R | null>(null);
	values: F;
	readonly titleId: string;
	readonly #prefix: string;
	readonly #blank: () => F;
	readonly #fill: (record: R) => F;
	readonly #key: (record: R) => string;

	constructor(
		prefix: string,
		{ blank, fill, key }: { blank: () => F; fill: (record: R) => F; key: (record: R) => string },
		fields: readonly string[],
		fieldId: (field: string) => string = (field) => `${prefix}-${field}`
	) {
		super(fields, fieldId);
		this.values = $state(blank());
		this.titleId = `${prefix}-form-title`;
		this.#prefix = prefix;
		this.#blank = blank;
		this.#fill = fill;
		this.#key = key;
	}

	edit = async (record: R) => {
		this.editing = record;
		this.values = this.#fill(record);
		this.clear();
		await focusById(this.titleId);
	};

	reset = async () => {
		const was = this.editing;
		this.editing = null;
		this.values = this.#blank();
		this.clear();
		if (was !== null) await focusById(this.editId(was));
	};

	/** The id of a row's Edit button. */
	editId = (record: R) => `${this.#prefix}-edit-${this.#key(record)}`;
}

/** A list that is read, never changed: a plain Map. */
const indexById = (entities: EntityDoc[]): ReadonlyMap<string, EntityDoc> => new Map(entities.map((e) => [e.entity_id, e]));

/** The entities a screen names beside its own records: by id, the active ones (only an active
 * entity can take new work; the server says unknown_entity otherwise), and a name for an id. */
export class EntityIndex {
	readonly #list: () => EntityDoc[] | undefined;
	byId = $derived.by(() => indexById(this.#list() ?? []));
	active = $derived.by(() => (this.#list() ?? []).filter((e) => e.active));

	constructor(list: () => EntityDoc[] | undefined) {
		this.#list = list;
	}

	name = (id: string) => i18n.name(this.byId.get(id), id);
}

/** A screen's records and the entities they name, asked for at once. */
export async function withEntities<T>(records: Promise<T>): Promise<{ records: T; entities: EntityDoc[] }> {
	const [loaded, entities] = await Promise.all([records, adminApi.entities()]);
	return { records: loaded, entities };
}
