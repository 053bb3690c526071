// Imported first by each service's main.ts, before anything loads http, pg or undici: the
// instrumentations must exist when those modules are loaded. Spans are exported only once
// runService has read the configuration and started tracing (none without an endpoint).
import { enableInstrumentations } from './instrumentations';

enableInstrumentations();
