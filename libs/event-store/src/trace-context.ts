import { context, ROOT_CONTEXT, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';

// W3C trace context travels in NATS message headers (`traceparent`, `tracestate`). The propagator
// is used directly so the context crosses NATS even where no global propagator was registered.
const w3c = new W3CTraceContextPropagator();

const setter: TextMapSetter<MsgHdrs> = { set: (carrier, key, value) => carrier.set(key, value) };
const getter: TextMapGetter<MsgHdrs | undefined> = {
  get: (carrier, key) => carrier?.get(key) || undefined,
  keys: (carrier) => (carrier ? carrier.keys() : []),
};

export function injectTraceContext(hdrs: MsgHdrs = natsHeaders(), ctx: Context = context.active()): MsgHdrs {
  w3c.inject(ctx, hdrs, setter);
  return hdrs;
}

/** The active trace context as header pairs, computed once for a whole batch of publishes. */
export function traceHeaderPairs(ctx: Context = context.active()): [string, string][] {
  const carrier: Record<string, string> = {};
  w3c.inject(ctx, carrier, { set: (c, k, v) => { c[k] = v; } });
  return Object.entries(carrier);
}

export function extractTraceContext(hdrs: MsgHdrs | undefined, base: Context = ROOT_CONTEXT): Context {
  return w3c.extract(base, hdrs, getter);
}
