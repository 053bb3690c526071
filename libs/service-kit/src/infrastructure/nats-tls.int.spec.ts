import { connect } from '@nats-io/transport-node';
import { TEST_NATS_URL } from '@reverie/testing';
import { natsTlsOptions } from './infrastructure.module';

describe('TLS to NATS', () => {
  it('is required for a tls:// URL or any TLS file, and left to the server otherwise', () => {
    expect(natsTlsOptions('nats://127.0.0.1:4222')).toBeUndefined();
    expect(natsTlsOptions('nats://127.0.0.1:4222', { caFile: undefined, certFile: undefined, keyFile: undefined })).toBeUndefined();
    expect(natsTlsOptions('tls://nats.internal:4222')).toEqual({});
    expect(natsTlsOptions('TLS://nats.internal:4222', { caFile: '/etc/nats/ca.pem' })).toEqual({ caFile: '/etc/nats/ca.pem' });
    expect(natsTlsOptions('nats://nats.internal:4222', { caFile: '/ca.pem', certFile: '/c.pem', keyFile: '/c.key' })).toEqual({ caFile: '/ca.pem', certFile: '/c.pem', keyFile: '/c.key' });
  });

  it('refuses a server that offers no TLS rather than falling back to plaintext', async () => {
    // The test NATS listens without TLS: with the options of a tls:// URL the client must not connect.
    const url = TEST_NATS_URL.replace(/^nats:/, 'tls:');
    const attempt = connect({ servers: url, tls: natsTlsOptions(url), reconnect: false, timeout: 2000 });
    await expect(attempt).rejects.toThrow(/tls/i);
    // Without them, the same server is fine: the test is about the option, not the server.
    const nc = await connect({ servers: TEST_NATS_URL, reconnect: false });
    await nc.close();
  });
});
