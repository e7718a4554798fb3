import { tick } from 'svelte';

/** Keeps a modal <dialog> open exactly while its `open` prop is true: on opening, `focus` puts the
 * focus where the person starts; on closing, the focus goes back where it was (the button that
 * opened it). Returns true when it opened the dialog just now. */
export class ModalFocus {
	private returnTo: HTMLElement | null = null;

	sync(dialog: HTMLDialogElement, open: boolean, focus: () => void): boolean {
		if (open && !dialog.open) {
			this.returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
			dialog.showModal();
			void tick().then(focus);
			return true;
		}
		if (!open && dialog.open) {
			dialog.close();
			this.returnTo?.focus();
			this.returnTo = null;
		}
		return false;
	}
}
