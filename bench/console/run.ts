/**
 * The reviewer console on real volumes, measured in headless Chromium through Playwright: the inbox
 * with 5,000 lessons waiting (all loaded, sorted by attention, shown a page of 100 at a time), and a
 * lesson with 500 evidence references — time to render after navigation, and time to respond to a
 * key (j: the next lesson) and to a text filter over all 5,000. The raw baseline,
 * measured in the same run, is fetching the same JSON from the API with Node's fetch.
 *
 *   npm run build && node dist/bench/console/run.js [--lessons 5000] [--refs 500] [--rounds 5]
 */
import path from 'node:path';
import { chromium } from 'playwright-core';
import { lessonEventSchema, newId, type LessonClaim } from '@reverie/contracts';
import { CONSUMERS, EventStore } from '@reverie/event-store';
import { decide, evolveAll, toEnvelopes, type LessonCommandMetadata } from '@reverie/lesson-domain';
import { freePort, natsTestEnv, operatorKeys, pgTestEnv, TEST_NATS_URL } from '@reverie/testing';
import { Client } from 'pg';
import { createApp as createGovernance } from '../../apps/lesson-governance/src/app.factory';
import { loadGovernanceConfig } from '../../apps/lesson-governance/src/config/governance.config';
import { createApp as createIngest } from '../../apps/session-ingest/src/app.factory';
import { loadIngestConfig } from '../../apps/session-ingest/src/config/ingest.config';
import { intArg, quantile } from '../bench-args';

const ROOT = path.resolve(__dirname, '../../..');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const { keys: KEYS, REVERIE_API_KEYS } = operatorKeys({ rita: { tenant: 'acme', roles: 'reviewer' } });
const WORDS = ['build', 'publish', 'schema', 'deploy', 'lockfile', 'reservation', 'refund', 'cache', 'branch', 'tests'];

const claim = (i: number): LessonClaim => ({
  kind: (['mistake', 'workflow', 'preference'] as const)[i % 3], scope: { tenantId: 'acme', agentId: `agent-${i % 7}` },
  text: `Lesson ${i}: before ${WORDS[i % 10]} run the ${WORDS[(i + 3) % 10]} check; it failed without it in ${3 + (i % 9)} sessions.`,
  fingerprint: `bench-console-${i}`, effectSize: null, confidence: 0.3 + (i % 7) / 10,
  support: { sessions: 3 + (i % 9), distinctUsers: 2 + (i % 4), occurrences: 5, firstSeen: '2026-11-01T00:00:00.000Z', lastSeen: '2026-11-02T00:00:00.000Z' },
  evidence: { refs: [{ tenantId: 'acme', sessionId: `s-${i}`, eventId: `s-${i}-e3`, excerpt: 'npm ERR! enoent', source: 'tool-output' }], counts: {} },
});

async function main(): Promise<void> {
  const lessons = intArg('lessons', 5000);
  const refsWanted = intArg('refs', 500);
  const rounds = intArg('rounds', 5);
  const nats = await natsTestEnv({ consumers: CONSUMERS });
  const pg = await pgTestEnv();
  const store = new EventStore(nats.nc, nats.topology);
  const governanceUrl = `http://127.0.0.1:${await freePort()}`;
  const ingestUrl = `http://127.0.0.1:${await freePort()}`;
  const env = (url: string) => ({
    NATS_URL: TEST_NATS_URL, DATABASE_URL: pg.url, REVERIE_NAMESPACE: nats.topology.namespace, PORT: new URL(url).port, LOG_LEVEL: 'warn', REVERIE_API_KEYS,
    GOVERNANCE_CLOCK_SECONDS: '0', REVERIE_RATE_LIMIT_PER_MINUTE: '0', REVERIE_CONSOLE_ORIGINS: governanceUrl, REVERIE_INGEST_URL: ingestUrl, REVERIE_CONSOLE_DIR: path.join(ROOT, 'dist/console'),
  });
  const governance = await createGovernance(loadGovernanceConfig(env(governanceUrl)), { handleSignals: false });
  const ingest = await createIngest(loadIngestConfig(env(ingestUrl)), { handleSignals: false });
  const db = new Client({ connectionString: pg.url });
  await db.connect();
  const browser = await chromium.launch({ executablePath: process.env.REVERIE_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const now = new Date().toISOString();
    const dreaming: LessonCommandMetadata = { now, actor: { kind: 'service', id: 'dreaming' }, correlationId: 'bench' };
    const ids: string[] = [];
    for (let i = 0; i < lessons; i += 200) {
      await Promise.all(Array.from({ length: Math.min(200, lessons - i) }, async (_, k) => {
        const id = newId();
        ids.push(id);
        const records = decide({ type: 'ProposeLesson', data: { ...claim(i + k), dreamId: 'bench-dream', policyCheck: { verdict: 'pass', violations: [] } }, metadata: dreaming }, evolveAll([]));
        await store.appendToAggregate('lessons', toEnvelopes('acme', id, records, dreaming, () => newId()), 0);
      }));
    }
    // One lesson with refsWanted evidence references: dreams adding 50 at a time.
    const big = ids[0];
    for (let d = 0; d * 50 < refsWanted - 1; d++) {
      const { events, lastSeq } = await store.readAggregate('lessons', 'acme', big);
      const refs = Array.from({ length: 50 }, (_, r) => ({ tenantId: 'acme', sessionId: `d${d}-s${r}`, eventId: `d${d}-s${r}-e3`, excerpt: `npm ERR! enoent (${d}/${r})`, source: 'tool-output' as const }));
      const records = decide({ type: 'AddLessonEvidence', data: { dreamId: `bench-dream-${d}`, support: { sessions: 10 + d, distinctUsers: 3, occurrences: 20, firstSeen: now, lastSeen: now }, evidence: { refs, counts: {} }, confidence: 0.5 }, metadata: dreaming }, evolveAll(events.map((e) => lessonEventSchema.parse(e.event))));
      await store.appendToAggregate('lessons', toEnvelopes('acme', big, records, dreaming, () => newId()), lastSeq);
    }
    for (let t = Date.now(); ; await new Promise((r) => setTimeout(r, 300))) {
      const { rows: [{ n, refs }] } = await db.query(`SELECT count(*)::int AS n, max(jsonb_array_length(view->'evidence'->'refs'))::int AS refs FROM governance_lessons WHERE tenant_id = 'acme' AND status = 'in-review'`);
      if (n >= lessons && refs >= Math.min(refsWanted, 500)) break;
      if (Date.now() - t > 300_000) throw new Error(`the governance projection did not reach ${lessons} lessons`);
    }

    const raw = async (p: string) => { const t0 = performance.now(); await (await fetch(`${governanceUrl}${p}`, { headers: { 'x-api-key': KEYS.rita.key } })).json(); return performance.now() - t0; };
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${governanceUrl}/console/#/sign-in`);
    await page.getByLabel('API key').fill(KEYS.rita.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    const samples: Record<string, number[]> = { inboxRaw: [], inboxRender: [], inboxKey: [], inboxFilter: [], lessonRaw: [], lessonRender: [] };
    for (let r = 0; r < rounds; r++) {
      samples.inboxRaw.push(await raw('/v1/lessons?status=in-review&limit=5000'));
      await page.goto(`${governanceUrl}/console/#/dreams`);
      await page.getByRole('heading', { name: 'Dreams' }).waitFor();
      let t0 = performance.now();
      await page.goto(`${governanceUrl}/console/#/inbox`);
      await page.locator('#waiting', { hasText: String(lessons) }).waitFor({ timeout: 60_000 });
      await page.locator('tbody tr').nth(Math.min(lessons, 100) - 1).waitFor({ state: 'attached' });
      samples.inboxRender.push(performance.now() - t0);
      t0 = performance.now();
      await page.keyboard.press('j');
      await page.locator('tbody tr').nth(1).and(page.locator('tr.selected')).waitFor({ state: 'attached' });
      samples.inboxKey.push(performance.now() - t0);
      await page.keyboard.press('k');
      t0 = performance.now();
      await page.getByLabel('Text').fill(`Lesson ${lessons - 1}:`);
      await page.locator('#waiting', { hasText: /^1$/ }).waitFor();
      samples.inboxFilter.push(performance.now() - t0);
      await page.getByLabel('Text').fill('');
      samples.lessonRaw.push(await raw(`/v1/lessons/${big}`));
      t0 = performance.now();
      await page.goto(`${governanceUrl}/console/#/lesson/${big}`);
      await page.locator('section ol > li').nth(Math.min(refsWanted, 500) - 1).waitFor({ state: 'attached', timeout: 60_000 });
      samples.lessonRender.push(performance.now() - t0);
    }
    const med = (xs: number[]) => Math.round(quantile([...xs].sort((a, b) => a - b), 0.5));
    const max = (xs: number[]) => Math.round(Math.max(...xs));
    console.log(`\n${lessons} lessons in review; one with ${Math.min(refsWanted, 500)} evidence references; ${rounds} rounds, headless Chromium, 2-core machine.\n`);
    console.log('| measurement | median ms | max ms | raw API fetch (median ms) | ratio |');
    console.log('|---|---|---|---|---|');
    console.log(`| inbox: navigate until ${lessons} lessons are sorted and the first page is in the page | ${med(samples.inboxRender)} | ${max(samples.inboxRender)} | ${med(samples.inboxRaw)} | ${(med(samples.inboxRender) / med(samples.inboxRaw)).toFixed(1)} |`);
    console.log(`| inbox: key j moves the selection | ${med(samples.inboxKey)} | ${max(samples.inboxKey)} | – | – |`);
    console.log(`| inbox: a text filter narrows to one row | ${med(samples.inboxFilter)} | ${max(samples.inboxFilter)} | – | – |`);
    console.log(`| lesson: navigate until all evidence references are in the page | ${med(samples.lessonRender)} | ${max(samples.lessonRender)} | ${med(samples.lessonRaw)} | ${(med(samples.lessonRender) / med(samples.lessonRaw)).toFixed(1)} |`);
  } finally {
    await browser.close();
    await db.end();
    await governance.shutdown();
    await ingest.shutdown();
    await nats.cleanup();
    await pg.cleanup();
  }
}

void main().catch((err) => { console.error(err); process.exit(1); });
