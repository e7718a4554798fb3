/** npm run bench: prints one JSON object per line (name, value, unit, the store, ratio where it
 * compares), on the CouchDB that COUCHDB_URL names, else on the embedded store.
 * Figures vary with the machine's load: run it more than once and compare medians. */
import { benchRules } from './rules.js';
import { benchEndToEnd } from './e2e.js';
import { benchSms } from './sms.js';
import { benchRating } from './rating.js';
import { benchStats } from './stats.js';
import { benchGate } from './gate.js';
import { benchPersonDbs } from './person-dbs.js';
import { benchOpen311 } from './open311.js';
import { benchSla } from './sla.js';
import { benchSimilar } from './similar.js';
import { benchPublic } from './public.js';
import { benchNotify } from './notify.js';
import { benchNearby } from './nearby.js';
import { benchClusters } from './clusters.js';
import { benchKiosk } from './kiosk.js';
import { benchPhoto } from './photo.js';
import { benchGazetteer } from './gazetteer.js';

const only = process.argv[2];
const BENCHES: Record<string, () => Promise<void>> = {
	rules: benchRules,
	e2e: benchEndToEnd,
	sms: benchSms,
	rating: benchRating,
	stats: benchStats,
	gate: benchGate,
	persons: benchPersonDbs,
	open311: benchOpen311,
	sla: benchSla,
	similar: benchSimilar,
	public: benchPublic,
	notify: benchNotify,
	nearby: benchNearby,
	clusters: benchClusters,
	kiosk: benchKiosk,
	photo: benchPhoto,
	gazetteer: benchGazetteer
};

for (const [name, run] of Object.entries(BENCHES)) {
	if (only && only !== name) continue;
	await run();
}
process.exit(0);
