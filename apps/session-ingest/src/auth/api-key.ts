import { API_KEY_HEADER } from '@reverie/contracts';

/** The key a request presents: `x-api-key`, else `Authorization: Bearer <key>`. */
export function presentedApiKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const direct = headers[API_KEY_HEADER];
  const value = Array.isArray(direct) ? direct[0] : direct;
  if (value) return value.trim();
  const auth = headers['authorization'];
  const authValue = Array.isArray(auth) ? auth[0] : auth;
  const match = authValue ? /^Bearer\s+(\S+)\s*$/i.exec(authValue) : null;
  return match?.[1];
}
