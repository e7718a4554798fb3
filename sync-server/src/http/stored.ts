/** What a document read from a database says it is. The databases also hold what devices
 * replicated and what older versions wrote, so a document found under an id may be of another kind
 * than the id promises: its `type` is checked as the unknown value it is. */
export function storedType(doc: object): unknown {
	return 'type' in doc ? doc.type : undefined;
}
