/** npm run similar -- --pairs FILE.tsv: the production similarity and threshold measured on a
 * labelled pairs file (`label<TAB>text_a<TAB>text_b`, label 1 = same case), printed as one JSON
 * line {"pairs","precision","recall","f1","threshold"}. Nothing is tuned on the file. */
import { readFile } from 'node:fs/promises';
import { args, run, UsageError } from './common.js';
import { measure, PairsFormatError, parsePairs, scorePairs } from '../similar/pairs.js';

const USAGE = 'usage: npm run similar -- --pairs FILE.tsv';

run(async () => {
	const { values } = args({ pairs: { type: 'string' } }, USAGE);
	if (!values.pairs) throw new UsageError(USAGE);
	let text: string;
	try {
		text = await readFile(values.pairs, 'utf8');
	} catch (error) {
		throw new UsageError(`cannot read ${values.pairs}: ${(error as Error).message}`);
	}
	let pairs;
	try {
		pairs = parsePairs(text);
	} catch (error) {
		if (error instanceof PairsFormatError) throw new UsageError(`${values.pairs}: ${error.message}`);
		throw error;
	}
	process.stdout.write(JSON.stringify(measure(scorePairs(pairs))) + '\n');
	return true;
});
