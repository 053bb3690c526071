import { BadRequestException } from '@nestjs/common';
import { SUBJECT_TOKEN, TENANT_HEADER } from '@reverie/contracts';

/**
 * The tenant of a request: the `x-reverie-tenant` header, else the configured default tenant,
 * else a 400 naming the header. A tenant is a subject token, so it is checked like one.
 */
export function resolveTenant(header: string | string[] | undefined, defaultTenant: string | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  const tenant = value === undefined || value === '' ? defaultTenant : value;
  if (tenant === undefined) {
    throw new BadRequestException(`header ${TENANT_HEADER} is required (no REVERIE_DEFAULT_TENANT is configured)`);
  }
  if (!SUBJECT_TOKEN.test(tenant)) {
    throw new BadRequestException(`header ${TENANT_HEADER} must be 1-128 characters of A-Z a-z 0-9 _ -, got ${JSON.stringify(tenant.slice(0, 140))}`);
  }
  return tenant;
}
