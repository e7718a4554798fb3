/** The indexes of the SLA early warning (issue 16, part 2), a design document in `cases` (server
 * only, never replicated): a warning is one key range of a view, never a scan of the cases, at
 * ten times the national volume too. The map functions are plain ES5 for CouchDB's JavaScript
 * engine; views.spec.ts runs them on case documents to pin down what each emits. */
import { DB } from '../../../src/lib/domain/doc-types.js';
import type { Store } from '../store.js';
import { ensureDesignDoc } from '../store-design.js';

const SLA_DESIGN_ID = '_design/sla';

/** One view, three families of keys, so a store builds one index rather than three (the
 * embedded store builds each view of a design document in its own pass over the cases):
 * - `['due', entity_id, due_at]`: an entity's running clocks by due date; `_count` gives the
 *   minister's counts per entity from two key ranges, without reading the rows;
 * - `['held', entity_id, holder or '', due_at]`: one agent's running clocks, and the unheld ones;
 * - `['attention', entity_id, at]`: what a manager must look at — the latest low rating (with the
 *   rated reply's scores) and a reopening while the case is not closed.
 * Only a running clock is indexed: a case waiting for the citizen, replied or closed has no date
 * to keep (slaWarning in src/lib/domain/sla-warning.ts says the same, and is applied to every
 * row). The holder is the staff member who last acted on the case since it arrived in its entity
 * (a transfer hands it to nobody yet), so "an agent's cases" needs no assignment. */
export const SLA_MAP = `function (doc) {
  if (doc.type !== 'case') return;
  var base = { ref: doc.ref, subject: doc.subject, case_type: doc.case_type, category_id: doc.category_id, status: doc.status };
  var timeline = doc.timeline || [];
  var item, i, k;
  if (doc.status !== 'closed' && doc.sla && !doc.sla.stopped_at && !doc.sla.paused_at) {
    var holder = '';
    for (i = timeline.length - 1; i >= 0; i--) {
      if (timeline[i].kind === 'transfer') break;
      if (timeline[i].author_role === 'agent' || timeline[i].author_role === 'manager') { holder = timeline[i].author_id; break; }
    }
    item = { sla: doc.sla, handler: holder, reopened: doc.reopened || 0 };
    for (k in base) item[k] = base[k];
    emit(['due', doc.entity_id, doc.sla.due_at], item);
    emit(['held', doc.entity_id, holder, doc.sla.due_at], item);
  }
  if (doc.low_rating) {
    var scores = null;
    var ratings = doc.ratings || [];
    for (i = 0; i < ratings.length; i++) if (ratings[i].reply_action_id === doc.low_rating.reply_action_id) scores = ratings[i].scores;
    item = { kind: 'low_rating', at: doc.low_rating.at, scores: scores, min_score: doc.low_rating.min_score, comment: doc.low_rating.comment || null };
    for (k in base) item[k] = base[k];
    emit(['attention', doc.entity_id, doc.low_rating.at], item);
  }
  if (doc.reopened && doc.status !== 'closed') {
    for (i = timeline.length - 1; i >= 0; i--) {
      if (timeline[i].kind !== 'reopen') continue;
      item = { kind: 'reopened', at: timeline[i].at, reason: timeline[i].reason || null, reopened: doc.reopened };
      for (k in base) item[k] = base[k];
      emit(['attention', doc.entity_id, timeline[i].at], item);
      break;
    }
  }
}`;

export const SLA_VIEW = 'warnings';
const SLA_VIEWS = { [SLA_VIEW]: { map: SLA_MAP, reduce: '_count' } };

/** Installs (or updates) the design document once per process; safe when instances race. */
export function ensureSlaViews(store: Store): Promise<void> {
	return ensureDesignDoc(store, DB.CASES, SLA_DESIGN_ID, { views: SLA_VIEWS });
}
