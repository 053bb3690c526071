import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { enableInstrumentations, patchHttpIfMissed } from './instrumentations';

export interface TracingOptions {
  /** OTLP/HTTP base endpoint (OTEL_EXPORTER_OTLP_ENDPOINT); spans go to `<endpoint>/v1/traces`. */
  endpoint?: string;
  /** Export synchronously to this exporter instead (tests: an InMemorySpanExporter). */
  exporter?: SpanExporter;
}

export interface Tracing {
  /** Flushes pending spans and unregisters the global tracer, context manager and propagator. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry for a service: W3C trace context propagation, an AsyncLocalStorage context
 * manager, a tracer provider and the instrumentations (HTTP server and client, pg, fetch; see
 * enableInstrumentations: a service registers them first thing, register-tracing). NATS spans
 * come from the event-store's header propagation. Without an endpoint or exporter, spans are
 * still created (ids for logs and propagation) but not exported. Call once per process.
 */
export function startTracing(serviceName: string, options: TracingOptions = {}): Tracing {
  const processor = options.exporter
    ? new SimpleSpanProcessor(options.exporter)
    : options.endpoint
      ? new BatchSpanProcessor(new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/+$/, '')}/v1/traces` }))
      : new NoopSpanProcessor();
  const sdk = new NodeSDK({
    serviceName,
    autoDetectResources: false,
    instrumentations: enableInstrumentations(),
    spanProcessors: [processor],
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  patchHttpIfMissed();
  let stopped: Promise<void> | undefined;
  return {
    shutdown() {
      stopped ??= sdk.shutdown().finally(() => {
        // Unpatched, so that a later startTracing in the same process (a test worker) starts clean.
        for (const instrumentation of enableInstrumentations()) instrumentation.disable();
        trace.disable();
        context.disable();
        propagation.disable();
      });
      return stopped;
    },
  };
}
