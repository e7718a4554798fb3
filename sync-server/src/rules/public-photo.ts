/** A photo on the public map (issue 14). The entity's managers choose one photo of a report of a
 * public place to show beside its area on the public reports page, and withdraw it; choosing
 * another replaces it. Only a photo of this case's own timeline may be chosen, only on a case of
 * a category the coordinator marked "public place", and never on a duplicate linked to its
 * primary (the primary stands for it on the map). What the public is then sent is decided where
 * it is sent (public/photos.ts): the redacted version when the photo has one. */
import { findPhoto } from '../redaction/records.js';
import { isPublicPlace } from '../../../src/lib/domain/nearby.js';
import type { CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { caseAfter, type Rule } from './types.js';

/** Whether the id names an image among the files of the case's own timeline. */
function isPhotoOf(caseDoc: CaseDoc, attachmentId: string): boolean {
	try {
		return findPhoto(caseDoc, attachmentId).ref.content_type.startsWith('image/');
	} catch {
		return false;
	}
}

export const publicPhoto: Rule = {
	name: 'public-photo',
	filter: (work) => work.after !== null && (work.action.kind === 'publish_photo' || work.action.kind === 'withdraw_photo'),
	apply(work, ctx) {
		const after = caseAfter(work);
		if (!isPublicPlace(ctx.catalogue.categories.get(after.category_id))) throw new TawasulError(409, 'not_public_place');
		if (work.action.kind === 'withdraw_photo') {
			if (!after.public_photo) throw new TawasulError(409, 'no_public_photo');
			work.entry = { attachment_id: after.public_photo };
			delete after.public_photo;
			return;
		}
		const attachmentId = work.action.attachment_id ?? '';
		if (!isPhotoOf(after, attachmentId)) throw new TawasulError(404, 'not_a_photo', [{ field: 'attachment_id', code: 'not_a_photo' }]);
		after.public_photo = attachmentId;
		work.entry = { attachment_id: attachmentId };
	}
};
