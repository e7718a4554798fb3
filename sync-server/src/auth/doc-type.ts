/** A database may hold several document types side by side (the auth database: accounts,
 * sessions, pending sign-ins, codes…), so what is stored under an id is only trusted once its
 * `type` says so: an id may hold another type (a clash, an older layout, a hand edit), whose
 * fields are not the ones the reader expects. */
export function storedAs<T extends { type: string }>(doc: T | null | undefined, type: T['type']): doc is T {
	// Read as unknown: the stored value is whatever was written, whatever the scope's type says.
	const stored: unknown = doc?.type;
	return stored === type;
}
