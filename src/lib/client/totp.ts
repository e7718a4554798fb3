import { toAsciiDigits } from '$lib/domain/text';

/** An authenticator secret in groups of four ("ABCD EFGH …"), easier to read out and type. */
export function groupSecret(secret: string): string {
	return (secret.replace(/\s/g, '').match(/.{1,4}/g) ?? []).join(' ');
}

/** A six-digit code as typed (Arabic-Indic digits, spaces): the digits, or null if not six. */
export function authenticatorCode(typed: string): string | null {
	const digits = toAsciiDigits(typed).replace(/[\s-]/g, '');
	return /^\d{6}$/.test(digits) ? digits : null;
}
