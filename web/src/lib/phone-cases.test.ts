// The server's phone normalisation (api/internal/business) cannot be shared
// as code, so its answers are: phone-cases.gen.json is generated from the Go
// functions (api/cmd/webfacts), and the form's must give the same.
import { describe, expect, it } from 'vitest';
import cases from './phone-cases.gen.json';
import { normaliseMobile, normalisePhone } from './validation';

describe('phone normalisation agrees with the server', () => {
	it('has cases to compare', () => {
		expect(cases.length).toBeGreaterThan(10);
	});
	for (const c of cases) {
		it(`normalises ${JSON.stringify(c.input)} like the server`, () => {
			const phone = normalisePhone(c.input);
			expect(phone.ok ? phone.digits : null).toBe(c.phone);
			const mobile = normaliseMobile(c.input);
			expect(mobile.ok ? mobile.digits : null).toBe(c.mobile);
		});
	}
});
