// Jest global setup of the integration tests: removes the streams that earlier test runs left on
// the machine's shared NATS server (a run killed before its cleanup, a test that forgot it).
// JetStream reserves each stream's byte cap up front, so leftovers add up until a later run's
// streams no longer fit (seen in CI: "insufficient storage resources" after a day of runs).
// Only namespaces that tests make (`<prefix>_<10 hex digits>`, libs/testing uniqueNamespace) and
// only those older than an hour (a run going on beside this one keeps its streams), and only on a
// server on this machine (loopback), never on one NATS_URL points elsewhere.
const { connect } = require('@nats-io/transport-node');
const { jetstreamManager } = require('@nats-io/jetstream');

const TEST_STREAM = /^[a-z][a-z0-9_]*_[0-9a-f]{10}_(SESSIONS|DREAMS|LESSONS|SERVING|DEADLETTER)$/;
const MAX_AGE_MS = 60 * 60 * 1000;

/** The streams to remove: a test namespace's, created more than `maxAgeMs` before `now`. Pure. */
function staleTestStreams(streams, now, maxAgeMs = MAX_AGE_MS) {
  return streams.filter((s) => TEST_STREAM.test(s.name) && now - Date.parse(s.created) > maxAgeMs).map((s) => s.name);
}

async function sweepTestStreams() {
  const servers = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  if (!/^(nats:\/\/)?([^@/]*@)?(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/?$/.test(servers)) return;
  let nc;
  try {
    nc = await connect({ servers, timeout: 3000 });
  } catch {
    return; // No server: the tests that need one say so themselves.
  }
  try {
    const jsm = await jetstreamManager(nc);
    const streams = [];
    for await (const si of jsm.streams.list()) streams.push({ name: si.config.name, created: si.created });
    const stale = staleTestStreams(streams, Date.now());
    for (const name of stale) await jsm.streams.delete(name).catch(() => undefined);
    if (stale.length) console.log(`\nremoved ${stale.length} streams that earlier test runs left on ${servers}`);
  } finally {
    await nc.close();
  }
}

module.exports = sweepTestStreams;
module.exports.staleTestStreams = staleTestStreams;
