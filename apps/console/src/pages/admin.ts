import { html, nothing, type TemplateResult } from 'lit-html';
import { api, can } from '../api';
import { dateTime } from '../format';
import { rerender } from '../main';

interface KeyView { keyId: string; name: string; roles: string[]; createdAt: string; createdBy: string; owner?: string; agentId?: string; revokedAt?: string }

const list = (s: FormDataEntryValue | null) => String(s ?? '').split(',').map((x) => x.trim()).filter(Boolean);

/** Keys, policy, revoke-by-source and erasure, each destructive step behind a confirmation. */
export async function adminPage(show: () => Promise<void>): Promise<TemplateResult> {
  if (!can('admin')) return html`<h1>Admin</h1><p>Your key lacks the admin role: keys, policy and erasure are an admin's.</p>`;
  let keys = await api<KeyView[]>('lesson-governance', '/v1/admin/keys');
  const policy = await api<Record<string, unknown>>('lesson-governance', '/v1/admin/policy');
  let message = '';
  let created = '';
  const done = async (text: string) => { message = text; keys = await api<KeyView[]>('lesson-governance', '/v1/admin/keys'); rerender(view()); };
  const fail = (what: string) => (err: unknown) => { message = `${what} refused: ${(err as Error).message}`; rerender(view()); };
  const createKey = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const roles = list(f.get('roles'));
    await api<{ token: string; keyId: string }>('lesson-governance', '/v1/admin/keys', { body: { name: String(f.get('name')), roles, ...(f.get('agent') ? { agent: String(f.get('agent')) } : {}) } })
      .then(async (k) => { created = k.token; await done(`Key ${k.keyId} created: copy its token now, it is not shown again.`); }, fail('Creating the key'));
  };
  const revokeKey = async (k: KeyView) => {
    if (!confirm(`Revoke key ${k.name} (${k.keyId})? It stops working everywhere within a second.`)) return;
    await api('lesson-governance', `/v1/admin/keys/${k.keyId}`, { method: 'DELETE' }).then(() => done(`Key ${k.keyId} revoked.`), fail('Revoking the key'));
  };
  const revokeSources = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const body = { reason: String(f.get('reason')), ...(list(f.get('keys')).length && { keys: list(f.get('keys')) }), ...(list(f.get('users')).length && { users: list(f.get('users')) }), ...(list(f.get('sessions')).length && { sessions: list(f.get('sessions')) }) };
    if (!confirm('Revoke these sources? Every lesson they supported is recounted without them, and later dreams leave them out.')) return;
    await api<{ lessons: unknown[] }>('lesson-governance', '/v1/admin/revocations', { body }).then((r) => done(`Revoked: ${r.lessons.length} lesson(s) changed.`), fail('The revocation'));
  };
  const erase = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    if (String(f.get('confirm')) !== 'ERASE') { message = 'Type ERASE to confirm: an erasure cannot be undone.'; rerender(view()); return; }
    const body = { reason: String(f.get('reason')), ...(list(f.get('users')).length && { users: list(f.get('users')) }), ...(list(f.get('sessions')).length && { sessions: list(f.get('sessions')) }) };
    await api<{ erasureId: string; scope: { sessions: number } }>('session-ingest', '/v1/admin/erasures', { body }).then((r) => done(`Erasure ${r.erasureId}: ${r.scope.sessions} session(s) erased.`), fail('The erasure'));
  };
  const view = (): TemplateResult => html`
    <h1>Admin</h1>
    ${message ? html`<p role="status">${message}</p>` : nothing}
    ${created ? html`<p><label>New key's token <input readonly value=${created} /></label></p>` : nothing}
    <section><h2>API keys</h2>
      <table class="striped"><thead><tr><th scope="col">Name</th><th scope="col">Id</th><th scope="col">Roles</th><th scope="col">Agent</th><th scope="col">Created</th><th scope="col">State</th></tr></thead>
      <tbody>${keys.map((k) => html`<tr><td>${k.name}</td><td><code>${k.keyId}</code></td><td>${k.roles.join(', ')}</td><td>${k.agentId ?? ''}</td><td>${dateTime(k.createdAt)} by ${k.createdBy}</td>
        <td>${k.revokedAt ? `revoked ${dateTime(k.revokedAt)}` : html`<button class="outline secondary" @click=${() => revokeKey(k)}>Revoke</button>`}</td></tr>`)}</tbody></table>
      <form class="grid" @submit=${createKey}>
        <label>Name <input name="name" required /></label>
        <label>Roles <input name="roles" required placeholder="reviewer,approver" /></label>
        <label>Agent (agent keys) <input name="agent" /></label>
        <button type="submit">Create key</button>
      </form>
    </section>
    <section><h2>Policy</h2><details><summary>The tenant's governance policy (change it with <code>reverie policy set</code>)</summary><pre>${JSON.stringify(policy, null, 2)}</pre></details></section>
    <section><h2>Revoke by source</h2>
      <form @submit=${revokeSources}>
        <div class="grid"><label>Keys <input name="keys" placeholder="key ids, comma-separated" /></label><label>Users <input name="users" /></label><label>Sessions <input name="sessions" /></label></div>
        <label>Reason <input name="reason" required /></label>
        <button type="submit" class="secondary">Revoke…</button>
      </form>
    </section>
    <section><h2>Erasure</h2>
      <form @submit=${erase}>
        <div class="grid"><label>Users <input name="users" placeholder="user ids as your agents send them" /></label><label>Sessions <input name="sessions" /></label></div>
        <label>Reason <input name="reason" required /></label>
        <label>Type ERASE to confirm <input name="confirm" autocomplete="off" /></label>
        <button type="submit" class="secondary">Erase…</button>
      </form>
    </section>`;
  void show;
  return view();
}
