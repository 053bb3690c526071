/** `reverie deadletter list|show|redrive` against the real NATS (the CLI's commands, as the operator runs them). */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { newId } from '@reverie/contracts';
import { natsTestEnv, type NatsTestEnv } from '@reverie/testing';
import { cliConfig } from '../apps/cli/src/cli-config';
import { deadletterListCommand, deadletterRedriveCommand, deadletterShowCommand } from '../apps/cli/src/commands/deadletter.command';

describe('reverie deadletter (real NATS)', () => {
  let nats: NatsTestEnv;
  beforeAll(async () => { nats = await natsTestEnv(); });
  afterAll(async () => nats?.cleanup());

  it('lists, shows and redrives a dead-lettered message, and says so when there is nothing left', async () => {
    const js = jetstream(nats.nc);
    const consumer = nats.topology.consumerName('session-ingest', 'sessions-projection');
    const subject = nats.topology.subject('sessions', 'acme', 's-9');
    const h = natsHeaders();
    for (const [k, v] of Object.entries({ 'Reverie-Original-Stream': nats.topology.streamName('sessions'), 'Reverie-Original-Subject': subject, 'Reverie-Original-Seq': '7', 'Reverie-Consumer': consumer, 'Reverie-Reason': 'invalid event: no type', 'Reverie-Deliveries': '1' })) h.set(k, v);
    const body = JSON.stringify({ id: newId(), broken: true });
    const { seq } = await js.publish(nats.topology.deadletterSubject(consumer), new TextEncoder().encode(body), { headers: h });
    const config = cliConfig({ NATS_URL: 'nats://127.0.0.1:4222', REVERIE_NAMESPACE: nats.topology.namespace, XDG_CONFIG_HOME: '/nonexistent' });
    const results: unknown[] = [];
    const out = { json: true, result: (v: unknown) => { results.push(v); }, note: () => undefined };

    await deadletterListCommand(config, out, {});
    expect(results.pop()).toMatchObject({ total: 1, pending: 1, entries: [{ seq, consumer, originalSeq: 7, reason: 'invalid event: no type' }] });
    await deadletterShowCommand(config, out, String(seq));
    expect(results.pop()).toMatchObject({ seq, data: body });
    await deadletterRedriveCommand(config, out, [], { all: true });
    expect(results.pop()).toEqual([expect.objectContaining({ seq, consumer, subject })]);
    const copy = (await (await jetstreamManager(nats.nc)).streams.getMessage(nats.topology.streamName('sessions'), { last_by_subj: subject }))!;
    expect([copy.header.get('Reverie-Redrive-For'), new TextDecoder().decode(copy.data)]).toEqual([consumer, body]);
    await deadletterListCommand(config, out, {});
    expect(results.pop()).toMatchObject({ total: 1, pending: 0, entries: [] });
    await expect(deadletterRedriveCommand(config, out, [], { all: true })).rejects.toThrow(/nothing pending to redrive/);
    await expect(deadletterShowCommand(config, out, 'x')).rejects.toThrow(/give the DEADLETTER sequence/);
  });
});
