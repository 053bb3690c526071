import { BadRequestException } from '@nestjs/common';
import { resolveTenant } from './tenant';

describe('resolveTenant', () => {
  it('takes the header when present', () => {
    expect(resolveTenant('acme', 'default')).toBe('acme');
    expect(resolveTenant(['acme', 'other'], undefined)).toBe('acme');
  });

  it('falls back to the default tenant when the header is missing or empty', () => {
    expect(resolveTenant(undefined, 'default')).toBe('default');
    expect(resolveTenant('', 'default')).toBe('default');
  });

  it('requires the header when no default is configured, naming it', () => {
    expect(() => resolveTenant(undefined, undefined)).toThrow(BadRequestException);
    expect(() => resolveTenant(undefined, undefined)).toThrow(/x-reverie-tenant is required/);
  });

  it('refuses a tenant that is not a subject token', () => {
    expect(() => resolveTenant('a.b', undefined)).toThrow(/x-reverie-tenant must be/);
    expect(() => resolveTenant('acme>', 'default')).toThrow(BadRequestException);
  });
});
