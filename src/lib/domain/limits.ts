/** Every size limit a person can meet, in one place, the same for the app's forms and the gate
 * (docs/design.md, "Limits"). Text lengths are in characters (code points) after trimming;
 * byte sizes are of the decoded file, not of its base64 form. */
export const LIMITS = {
	SUBJECT_MIN: 3,
	SUBJECT_MAX: 150,
	SUBMIT_BODY_MIN: 10,
	BODY_MIN: 1,
	BODY_MAX: 5000,
	REASON_MIN: 3,
	REASON_MAX: 1000,
	/** A rating's comment (rate actions are written by the server only). */
	COMMENT_MAX: 2000,
	FILES_MAX: 5,
	/** One file. Photos leave the phone re-encoded far below this; it bounds PDFs. */
	FILE_BYTES_MAX: 10 * 1024 * 1024,
	/** All files of one action together. */
	ACTION_FILE_BYTES_MAX: 20 * 1024 * 1024,
	/** All files of one case together, over all its actions (checked by the rules engine, which
	 * knows the case). */
	CASE_FILE_BYTES_MAX: 50 * 1024 * 1024,
	/** One action as JSON without its files' data. A maximal action of any kind is under 40 KB
	 * even with every character escaped; the margin is for the envelope. */
	ACTION_JSON_BYTES_MAX: 256 * 1024,
	/** One request to the gate: one action with the most files allowed (base64 makes 4 bytes of
	 * 3) and its JSON. Larger requests are refused from their Content-Length without reading. */
	REQUEST_BYTES_MAX: 28 * 1024 * 1024 + 512 * 1024,
	/** Citizens following one case (issue 15): each is a projection written at each of its public
	 * steps and an SMS at its answer, so the work one case makes stays bounded. */
	FOLLOWERS_MAX: 500
} as const;
