/** npm run bench: prints one JSON object per line (name, value, unit, ratio where it compares).
 * Figures vary with the machine's load: run it more than once and compare medians. */
import { benchRules } from './rules.js';
import { benchEndToEnd } from './e2e.js';
import { benchSms } from './sms.js';
import { benchRating } from './rating.js';
import { benchStats } from './stats.js';
import { benchGate } from './gate.js';
import { benchSla } from './sla.js';

const only = process.argv[2];
const BENCHES: Record<string, () => Promise<void>> = { rules: benchRules, e2e: benchEndToEnd, sms: benchSms, rating: benchRating, stats: benchStats, gate: benchGate, sla: benchSla };

for (const [name, run] of Object.entries(BENCHES)) {
	if (only && only !== name) continue;
	await run();
}
process.exit(0);
