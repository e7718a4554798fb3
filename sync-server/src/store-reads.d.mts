/** See store-reads.mjs. */
export function fasterReads<T extends object>(db: T): T;
