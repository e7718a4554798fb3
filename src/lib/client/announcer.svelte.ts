/** The text of the page's live regions (rendered once, in the root layout). Setting the same text
 * twice in a row must still be read out, so the region is emptied first. */
class Announcer {
	polite = $state('');
	assertive = $state('');

	announce(message: string, urgent = false): void {
		const key = urgent ? 'assertive' : 'polite';
		this[key] = '';
		setTimeout(() => (this[key] = message), 50);
	}

	/** Empties both regions at once: at a shared kiosk, what was said to one person must not stay
	 * in the page for the next. */
	clear(): void {
		this.polite = '';
		this.assertive = '';
	}
}

export const announcer = new Announcer();
