/** An Open311 API key as coordinators see it: who it is for and its history, never the key. */
export interface ApiKeyView {
	key_id: string;
	/** Who the key is for: the partner system or organisation, as the coordinator names it. */
	name: string;
	/** The account id its requests are filed under. */
	user_id: string;
	created_by: string;
	created_at: string;
	last_used_at: string | null;
	revoked_at: string | null;
	revoked_by: string | null;
}
