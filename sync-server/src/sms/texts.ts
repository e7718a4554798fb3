/** The text of an SMS: the coordinator's wording of it (config `sms_template:<key>`) in the
 * person's language, else the built-in one from the message catalogues, with its values filled. */
import { DB } from '../../../src/lib/domain/doc-types.js';
import { fillSmsText, SMS_TEXTS, type SmsTextKey } from '../../../src/lib/domain/sms-texts.js';
import { smsTemplateDocId, type SmsTemplateDoc } from '../admin/config-docs.js';
import { getOrNull } from '../store-docs.js';
import { t, type Locale } from '../rating/i18n.js';
import type { Store } from '../store.js';

export async function smsTextFor(store: Store, key: SmsTextKey, locale: Locale, values: Record<string, string>): Promise<string> {
	const template = await getOrNull(store.use<SmsTemplateDoc>(DB.CONFIG), smsTemplateDocId(key));
	return fillSmsText(key, template?.[locale === 'en' ? 'text_en' : 'text_ar'] || builtInSmsText(key, locale), values);
}

export const builtInSmsText = (key: SmsTextKey, locale: Locale) => t(locale, SMS_TEXTS[key].message);
