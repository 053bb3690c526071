/**
 * The reviewer console in a real browser (Playwright driving Debian's Chromium) against the real
 * services on NATS and Postgres: sign in, open a proposed lesson, follow its evidence to the
 * session, edit the text, approve as someone else, see agent-serving serve it; a reviewer without
 * the approver role finds the button disabled and the API refuses anyway; axe-core finds no
 * serious or critical violation on any page. Screenshots of every page go to
 * .reverie/console-screenshots/ (test artifacts, to look at).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROUTES, SERVICE_NAMES, type DreamView, type LessonView, type ServiceName, type SessionEvent } from '@reverie/contracts';
import { SessionBuilder } from '@reverie/dreaming-domain';
import { CONSUMERS } from '@reverie/event-store';
import { createLogger, type ServiceHandle } from '@reverie/service-kit';
import { eventually, freePort, natsTestEnv, operatorKeys, pgTestEnv, type NatsTestEnv, type PgTestEnv } from '@reverie/testing';
import { createApp as createServing } from '../apps/agent-serving/src/app.factory';
import { loadServingConfig } from '../apps/agent-serving/src/config/serving.config';
import { createApp as createDreaming } from '../apps/dreaming/src/app.factory';
import { loadDreamingConfig } from '../apps/dreaming/src/config/dreaming.config';
import { createApp as createGovernance } from '../apps/lesson-governance/src/app.factory';
import { loadGovernanceConfig } from '../apps/lesson-governance/src/config/governance.config';
import { createApp as createIngest } from '../apps/session-ingest/src/app.factory';
import { loadIngestConfig } from '../apps/session-ingest/src/config/ingest.config';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '..');
const SHOTS = path.join(ROOT, '.reverie/console-screenshots');
export const CHROMIUM = process.env.REVERIE_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const { keys: KEYS, REVERIE_API_KEYS } = operatorKeys({
  ingestA: { tenant: 'acme', roles: 'ingest' }, ingestB: { tenant: 'acme', roles: 'ingest' }, rita: { tenant: 'acme', roles: 'reviewer' },
  abe: { tenant: 'acme', roles: 'approver' }, ops: { tenant: 'acme', roles: 'admin+reviewer' }, agent: { tenant: 'acme', roles: 'agent' },
});

const session = (id: string, user: string, day: number): SessionEvent[] => {
  const b = new SessionBuilder('acme', id, 'release-bot', user, Date.UTC(2026, 10, day, 9));
  b.start('Publish the package');
  b.tool('Bash', { command: 'npm publish' }, "npm ERR! enoent ENOENT: no such file or directory, open 'dist/index.js'", true);
  b.tool('Bash', { command: 'npm run build' }, 'built dist/ in 1.2s', false);
  b.tool('Bash', { command: 'npm publish' }, '+ pkg@1.0.0', false);
  return b.end('success').map(({ tenantId: _t, recordedAt: _r, ...e }) => e as SessionEvent);
};

/** Push rejected, pull with rebase, push again: another pattern, for a second dream. */
const pushSession = (id: string, user: string, day: number): SessionEvent[] => {
  const b = new SessionBuilder('acme', id, 'release-bot', user, Date.UTC(2026, 10, day, 9));
  b.start('Push the release branch');
  b.tool('Bash', { command: 'git push' }, '! [rejected] main -> main (fetch first) error: failed to push some refs', true);
  b.tool('Bash', { command: 'git pull --rebase' }, 'Successfully rebased and updated refs/heads/main.', false);
  b.tool('Bash', { command: 'git push' }, 'main -> main', false);
  return b.end('success').map(({ tenantId: _t, recordedAt: _r, ...e }) => e as SessionEvent);
};

/** Serious or critical accessibility violations on the page, as axe-core reports them. */
async function axeViolations(page: Page): Promise<{ id: string; impact: string; help: string; nodes: number }[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  // Runs in the page (the DOM's globals, which this Node-typed file does not declare).
  const result = await page.evaluate(async () => {
    const g = globalThis as unknown as { document: unknown; axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact: string; help: string; nodes: unknown[] }[] }> } };
    return g.axe.run(g.document, { resultTypes: ['violations'] });
  });
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }));
}

describe('reviewer console (headless Chromium, real services)', () => {
  let nats: NatsTestEnv;
  let pg: PgTestEnv;
  let browser: Browser;
  const apps = {} as Record<ServiceName, ServiceHandle>;
  const urls = {} as Record<ServiceName, string>;
  const call = async <T>(service: ServiceName, method: string, route: string, key: string, body?: unknown) => {
    const res = await fetch(`${urls[service]}${route}`, { method, headers: { 'x-api-key': key, ...(body !== undefined && { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  /** Each page: a screenshot to look at, and no serious or critical accessibility violation. */
  const checkPage = async (page: Page, name: string) => {
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
    expect({ page: name, violations: await axeViolations(page) }).toEqual({ page: name, violations: [] });
  };
  const signIn = async (page: Page, key: string) => {
    await page.goto(`${urls['lesson-governance']}/console/#/sign-in`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    if (!existsSync(path.join(ROOT, 'dist/console/index.html'))) execFileSync('npx', ['vite', 'build', '--config', 'apps/console/vite.config.mjs'], { cwd: ROOT, stdio: 'inherit' });
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium), as .ci/run does`);
    nats = await natsTestEnv({ consumers: CONSUMERS });
    pg = await pgTestEnv();
    for (const s of SERVICE_NAMES) urls[s] = `http://127.0.0.1:${await freePort()}`;
    const env = (s: ServiceName) => ({
      NATS_URL: 'nats://127.0.0.1:4222', DATABASE_URL: pg.url, REVERIE_NAMESPACE: nats.topology.namespace, PORT: new URL(urls[s]).port, LOG_LEVEL: 'silent', REVERIE_API_KEYS,
      GOVERNANCE_CLOCK_SECONDS: '0', REVERIE_RATE_LIMIT_PER_MINUTE: '0', REVERIE_CONSOLE_ORIGINS: urls['lesson-governance'],
      REVERIE_INGEST_URL: urls['session-ingest'], REVERIE_DREAMING_URL: urls.dreaming, REVERIE_SERVING_URL: urls['agent-serving'], REVERIE_CONSOLE_DIR: path.join(ROOT, 'dist/console'),
    });
    const logger = (s: ServiceName) => createLogger(s, 'silent');
    apps['session-ingest'] = await createIngest(loadIngestConfig(env('session-ingest')), { handleSignals: false, logger: logger('session-ingest') });
    apps['lesson-governance'] = await createGovernance(loadGovernanceConfig(env('lesson-governance')), { handleSignals: false, logger: logger('lesson-governance') });
    apps.dreaming = await createDreaming(loadDreamingConfig(env('dreaming')), { handleSignals: false, logger: logger('dreaming') });
    apps['agent-serving'] = await createServing(loadServingConfig(env('agent-serving')), { handleSignals: false, logger: logger('agent-serving') });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    for (let i = 0; i < 4; i++) expect((await call('session-ingest', 'POST', ROUTES.ingestEvents, i % 2 ? KEYS.ingestB.key : KEYS.ingestA.key, { events: session(`s-${i}`, `user-${i}`, i + 1) })).status).toBe(202);
    const requested = await call<DreamView>('dreaming', 'POST', ROUTES.dreams, KEYS.ops.key, { trigger: 'manual' });
    await eventually(async () => (await call<DreamView>('dreaming', 'GET', ROUTES.dream(requested.body.id), KEYS.ops.key)).body.status === 'completed', { what: 'the dream', timeoutMs: 60_000 });
  });

  afterAll(async () => {
    await browser?.close();
    for (const s of [...SERVICE_NAMES].reverse()) await apps[s]?.shutdown('test done');
    await nats?.cleanup();
    await pg?.cleanup();
  });

  it('takes a reviewer from sign-in to the evidence and an edit, an approver to the approval, and agent-serving serves the new text', async () => {
    const lesson = await eventually(async () => (await call<LessonView[]>('lesson-governance', 'GET', `${ROUTES.lessons}?status=in-review`, KEYS.rita.key)).body.find((l) => /npm run build/.test(l.text)), { what: 'the proposal' });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${urls['lesson-governance']}/console/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await checkPage(page, '01-sign-in');

    // Rita (reviewer): the inbox, the approve button disabled for her; the API refuses her too.
    await signIn(page, KEYS.rita.key);
    const row = page.getByRole('row').filter({ hasText: 'npm run build' });
    await row.waitFor();
    expect(await row.getByRole('button', { name: 'Approve' }).isDisabled()).toBe(true);
    expect((await call('lesson-governance', 'POST', ROUTES.approveLesson(lesson.id), KEYS.rita.key, {})).status).toBe(403);
    await checkPage(page, '02-inbox');

    await row.getByRole('link').click();
    await page.locator('#lesson-text').waitFor();
    expect(await page.locator('#lesson-text').textContent()).toBe(lesson.text);
    await checkPage(page, '03-lesson');

    // Its evidence opens the session around the cited event, highlighted.
    const ref = lesson.evidence.refs[0];
    await page.getByRole('link', { name: `session ${ref.sessionId}, event ${ref.eventId}` }).click();
    await page.getByRole('heading', { name: `Session ${ref.sessionId}` }).waitFor();
    const cited = page.locator(`li[aria-current="true"]`);
    expect(await cited.getAttribute('id')).toBe(`event-${ref.eventId}`);
    expect(await cited.locator('mark.cited').isVisible()).toBe(true);
    await checkPage(page, '04-session');

    // Back to the lesson: Rita edits the text (a new version the guardrails check).
    await page.getByRole('link', { name: '← Back to the lesson' }).click();
    await page.getByRole('button', { name: 'Edit' }).click();
    const edited = `${lesson.text} Check that dist/ exists first.`;
    await page.getByLabel('Text', { exact: true }).fill(edited);
    await page.getByRole('button', { name: 'Save as a new version' }).click();
    await page.getByText('Edited: a new text version').waitFor();
    expect(await page.locator('#lesson-text').textContent()).toBe(edited);

    // Abe (approver, who did not edit it) approves it; agent-serving serves the new text.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, KEYS.abe.key);
    await page.goto(`${urls['lesson-governance']}/console/#/lesson/${lesson.id}`);
    await page.locator('#lesson-text').waitFor();
    await eventually(async () => (await page.locator('#lesson-text').textContent()) === edited || (await page.reload(), false), { what: 'the edit projected' });
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Done: approve.').waitFor();
    const served = await eventually(async () => {
      const r = await call<{ lessons: { id: string; text: string }[] }>('agent-serving', 'GET', ROUTES.agentLessons('release-bot'), KEYS.agent.key);
      return r.body.lessons.find((l) => l.id === lesson.id);
    }, { what: 'served' });
    expect(served.text).toBe(edited);

    // The other pages, as an admin.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, KEYS.ops.key);
    for (const [hash, heading, name] of [['#/efficacy', 'Efficacy', '05-efficacy'], ['#/dreams', 'Dreams', '06-dreams'], ['#/investigate?agent=release-bot', 'Investigate', '07-investigate'], ['#/admin', 'Admin', '08-admin']] as const) {
      await page.goto(`${urls['lesson-governance']}/console/${hash}`);
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await checkPage(page, name);
    }
    // New proposals appear without a reload: the open inbox announces them.
    await page.goto(`${urls['lesson-governance']}/console/#/inbox`);
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    for (let i = 0; i < 4; i++) expect((await call('session-ingest', 'POST', ROUTES.ingestEvents, i % 2 ? KEYS.ingestB.key : KEYS.ingestA.key, { events: pushSession(`p-${i}`, `user-${i}`, i + 10) })).status).toBe(202);
    const again = await call<DreamView>('dreaming', 'POST', ROUTES.dreams, KEYS.ops.key, { trigger: 'manual' });
    await eventually(async () => (await call<DreamView>('dreaming', 'GET', ROUTES.dream(again.body.id), KEYS.ops.key)).body.status === 'completed', { what: 'the second dream', timeoutMs: 60_000 });
    await page.getByRole('button', { name: /new proposal\(s\): show/ }).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: /new proposal\(s\): show/ }).click();
    await page.getByRole('row').filter({ hasText: 'git pull --rebase' }).first().waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });
});
