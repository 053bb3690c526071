/**
 * A service's readiness as a test sees it: the status, and which service answered. A test that
 * starts a service on a free port checks the name: another test file may have taken the port in
 * the moment between the choice and the bind, and its service would answer instead.
 */
export async function readinessOf(baseUrl: string): Promise<{ status: number; service?: string }> {
  const res = await fetch(`${baseUrl}/health/ready`).catch(() => undefined);
  if (!res) return { status: 0 };
  const body = (await res.json().catch(() => ({}))) as { service?: string };
  return { status: res.status, service: body.service };
}
