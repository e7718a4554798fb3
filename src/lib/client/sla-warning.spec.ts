import { describe, expect, it } from 'vitest';
import { countsByHolder, type WarningCase } from './sla-warning';

const item = (handler: string | null, warning: WarningCase['warning']): WarningCase => ({
	case_key: `${handler}-${warning}-${Math.random()}`,
	ref: '26-000001-3',
	subject: 's',
	case_type: 'complaint',
	category_id: 'c',
	status: 'open',
	due_at: '2026-01-08T20:59:59.999Z',
	warning,
	handler,
	reopened: 0
});

describe('countsByHolder', () => {
	it('counts late and due-soon cases per holder, the most late first and the unheld last', () => {
		const cases = [item('a1', 'due_soon'), item(null, 'late'), item(null, 'late'), item('a2', 'late'), item('a1', 'due_soon'), item('a2', 'due_soon'), item('a3', 'due_soon')];
		expect(countsByHolder(cases)).toEqual([
			{ handler: 'a2', late: 1, due_soon: 1 },
			{ handler: 'a1', late: 0, due_soon: 2 },
			{ handler: 'a3', late: 0, due_soon: 1 },
			{ handler: null, late: 2, due_soon: 0 }
		]);
		expect(countsByHolder([])).toEqual([]);
	});
});
