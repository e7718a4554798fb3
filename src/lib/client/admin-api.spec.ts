import { describe, expect, it } from 'vitest';
import { CASE_TYPES } from '$lib/domain/doc-types';
import { orderedCaseTypes, placeholdersOf } from './admin-api';

describe('placeholdersOf', () => {
	it('lists the placeholders of both texts once, in order of first use', () => {
		expect(placeholdersOf('رد {entity} على طلبك {ref}', '{ref}: {entity} replied {link}')).toEqual(['{entity}', '{ref}', '{link}']);
		expect(placeholdersOf('No placeholders', '{ Not one }')).toEqual([]);
	});
});

describe('orderedCaseTypes', () => {
	it('keeps the fixed order whatever order they were ticked in', () => {
		expect(orderedCaseTypes(['suggestion', 'inquiry'], CASE_TYPES)).toEqual(['inquiry', 'suggestion']);
	});
});
