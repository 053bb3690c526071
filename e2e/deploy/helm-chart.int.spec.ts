/**
 * deploy/helm/reverie rendered by `helm template` (default values, and ci/overrides-values.yaml),
 * every manifest validated against Kubernetes' schemas, then what matters checked: probes,
 * resources, disruption budgets, network policies, the NATS cluster, secrets kept out of plain
 * env. Helm comes from tools/install-helm.sh (tools/test.sh runs it); without Helm the suite is
 * skipped, saying so, except in CI, where that is a failure.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_PORTS, SERVICE_NAMES } from '@reverie/contracts';
import { validateManifests, type Manifest } from './kubernetes-schemas';

const ROOT = path.resolve(__dirname, '../..');
const CHART = path.join(ROOT, 'deploy/helm/reverie');
const OVERRIDES = path.join(CHART, 'ci/overrides-values.yaml');
const NAMESPACE = 'reverie-test';

function findHelm(): string | undefined {
  const candidates = [process.env.HELM, path.join(ROOT, '.reverie/tools/helm'), 'helm'].filter((c): c is string => !!c);
  return candidates.find((c) => (c.includes('/') ? existsSync(c) : true) && spawnSync(c, ['version', '--short'], { stdio: 'pipe' }).status === 0);
}
const helm = findHelm();
const missing = 'no helm binary (HELM, .reverie/tools/helm or PATH); run `bash tools/install-helm.sh`';
if (!helm) console.warn(`e2e/deploy/helm-chart.int.spec.ts ${process.env.CI === 'true' ? 'FAILS' : 'skipped'}: ${missing}`);

type Container = {
  name: string; image: string; command?: string[]; ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: unknown[];
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
};
type PodSpec = { containers: Container[]; securityContext?: Record<string, unknown>; automountServiceAccountToken?: boolean; volumes?: unknown[]; imagePullSecrets?: { name: string }[] };
type Workload = Manifest & { spec: { replicas?: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } } & Record<string, unknown> };
type Peer = { podSelector?: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values: string[] }[] }; namespaceSelector?: unknown; ipBlock?: unknown };
type Rule = { from?: Peer[]; to?: Peer[]; ports?: { port: number; protocol?: string }[] };
type Policy = Manifest & { spec: { podSelector: { matchLabels?: Record<string, string> }; policyTypes: string[]; ingress?: Rule[]; egress?: Rule[] } };

const SECRET_NAME = /PASSWORD|SECRET|TOKEN|CREDS|_KEY$|_KEYS$|^DATABASE_URL$/;

function render(...args: string[]): Manifest[] {
  const out = execFileSync(helm as string, ['template', 'reverie', CHART, '--namespace', NAMESPACE, ...args], { stdio: 'pipe', maxBuffer: 32 * 1024 * 1024 }).toString();
  return parseAllDocuments(out).map((d) => d.toJS() as Manifest).filter(Boolean);
}
function renderError(...args: string[]): string {
  const r = spawnSync(helm as string, ['template', 'reverie', CHART, '--namespace', NAMESPACE, ...args], { stdio: 'pipe' });
  expect(r.status).not.toBe(0);
  return r.stderr.toString();
}

const ofKind = <T extends Manifest = Manifest>(docs: Manifest[], kind: string) => docs.filter((d) => d.kind === kind) as T[];
const named = <T extends Manifest = Manifest>(docs: Manifest[], kind: string, name: string) => {
  const found = ofKind<T>(docs, kind).find((d) => d.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const selects = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
const peerSelects = (peer: Peer, labels: Record<string, string>) =>
  !peer.namespaceSelector && !peer.ipBlock && selects(peer.podSelector?.matchLabels, labels) &&
  (peer.podSelector?.matchExpressions ?? []).every((e) => e.operator === 'In' && e.values.includes(labels[e.key]));
const decodedSecretValues = (docs: Manifest[]) =>
  ofKind<Manifest & { data: Record<string, string> }>(docs, 'Secret').flatMap((s) => Object.values(s.data ?? {}).map((v) => Buffer.from(v, 'base64').toString()));
const podLabels = (w: Workload) => w.spec.template.metadata.labels;

/** The checks both renderings must pass. */
function checkChart(docs: Manifest[], expected: { natsReplicas: number; streamReplicas: number; replicas: Record<string, number> }) {
  const deployments = ofKind<Workload>(docs, 'Deployment');
  const statefulSets = ofKind<Workload>(docs, 'StatefulSet');
  const pdbs = ofKind<Manifest & { spec: { selector: { matchLabels: Record<string, string> } } }>(docs, 'PodDisruptionBudget');
  const policies = ofKind<Policy>(docs, 'NetworkPolicy');
  const job = ofKind<Workload>(docs, 'Job')[0];
  const nats = statefulSets[0];

  it('validates every manifest against the Kubernetes schemas (types, required and unknown fields)', () => {
    expect(validateManifests(docs)).toEqual([]);
  });

  it('runs each of the four services as a Deployment with its replicas', () => {
    expect(deployments.map((d) => d.metadata.labels?.['app.kubernetes.io/component']).sort()).toEqual([...SERVICE_NAMES].sort());
    for (const d of deployments) expect({ d: d.metadata.name, replicas: d.spec.replicas }).toEqual({ d: d.metadata.name, replicas: expected.replicas[podLabels(d)['app.kubernetes.io/component']] });
  });

  it('gives every Deployment liveness (/health/live) and readiness (/health/ready) probes on its port, resources, and a PodDisruptionBudget', () => {
    for (const d of deployments) {
      const service = podLabels(d)['app.kubernetes.io/component'] as keyof typeof DEFAULT_PORTS;
      const [c] = d.spec.template.spec.containers;
      expect(c.ports).toEqual([{ name: 'http', containerPort: DEFAULT_PORTS[service] }]);
      expect(c.command).toEqual(['node', `dist/apps/${service}/src/main.js`]);
      expect({ service, live: c.livenessProbe?.httpGet }).toEqual({ service, live: { path: '/health/live', port: 'http' } });
      expect({ service, ready: c.readinessProbe?.httpGet }).toEqual({ service, ready: { path: '/health/ready', port: 'http' } });
      expect({ service, requests: c.resources?.requests }).toEqual({ service, requests: { cpu: expect.anything(), memory: expect.anything() } });
      expect({ service, memoryLimit: c.resources?.limits?.memory }).toEqual({ service, memoryLimit: expect.anything() });
      expect({ service, pdbs: pdbs.filter((p) => selects(p.spec.selector.matchLabels, podLabels(d))).length }).toEqual({ service, pdbs: 1 });
    }
    expect(pdbs.filter((p) => selects(p.spec.selector.matchLabels, podLabels(nats)))).toHaveLength(1);
  });

  it('runs every container as non-root on a read-only root filesystem, with no capabilities and no service account token', () => {
    for (const w of [...deployments, ...statefulSets, job]) {
      const pod = w.spec.template.spec;
      expect({ w: w.metadata.name, pod: pod.securityContext }).toEqual({ w: w.metadata.name, pod: expect.objectContaining({ runAsNonRoot: true, runAsUser: expect.any(Number) }) });
      expect(pod.securityContext?.runAsUser).not.toBe(0);
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const c of pod.containers) {
        expect({ c: c.name, sc: c.securityContext }).toEqual({ c: c.name, sc: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } } });
      }
    }
  });

  it('keeps every secret in Secrets: env takes them by secretKeyRef, never as a value, and no secret text is outside a Secret', () => {
    const secretValues = decodedSecretValues(docs).filter((v) => v.length >= 8);
    expect(secretValues.length).toBeGreaterThan(0);
    for (const w of [...deployments, ...statefulSets, job]) {
      for (const c of w.spec.template.spec.containers) {
        for (const e of c.env ?? []) {
          if (SECRET_NAME.test(e.name)) expect({ c: c.name, env: e.name, from: e.valueFrom?.secretKeyRef }).toEqual({ c: c.name, env: e.name, from: expect.objectContaining({ name: expect.any(String), key: expect.any(String) }) });
          if (e.value !== undefined) expect({ c: c.name, env: e.name, secret: secretValues.includes(e.value) }).toEqual({ c: c.name, env: e.name, secret: false });
        }
      }
    }
    for (const d of docs.filter((m) => m.kind !== 'Secret')) {
      const text = JSON.stringify(d);
      for (const v of secretValues) expect({ doc: `${d.kind} ${d.metadata.name}`, leaks: text.includes(v) }).toEqual({ doc: `${d.kind} ${d.metadata.name}`, leaks: false });
    }
  });

  it('runs NATS as a JetStream cluster: a StatefulSet behind a headless Service, routes to every server, a volume each', () => {
    expect(statefulSets).toHaveLength(1);
    expect(nats.spec.replicas).toBe(expected.natsReplicas);
    expect(nats.spec.podManagementPolicy).toBe('Parallel');
    const headless = named<Manifest & { spec: { clusterIP: string; publishNotReadyAddresses: boolean; selector: Record<string, string> } }>(docs, 'Service', nats.spec.serviceName as string);
    expect(headless.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    expect(selects(headless.spec.selector, podLabels(nats))).toBe(true);
    expect((nats.spec.volumeClaimTemplates as Manifest[]).map((v) => v.metadata.name)).toEqual(['data']);
    const [c] = nats.spec.template.spec.containers;
    expect(c.command).toEqual(expect.arrayContaining(['-js', '-sd']));
    expect(c.livenessProbe?.httpGet?.path).toBe('/healthz?js-enabled-only=true');
    expect(c.readinessProbe?.httpGet?.path).toMatch(/^\/healthz/);
    const conf = named<Manifest & { data: Record<string, string> }>(docs, 'ConfigMap', 'reverie-nats-config').data;
    const routes = [...conf['nats.conf'].matchAll(/nats:\/\/(reverie-nats-\d+)\.reverie-nats-headless\.reverie-test\.svc\.cluster\.local:6222/g)].map((m) => m[1]);
    expect(routes).toEqual(Array.from({ length: expected.natsReplicas }, (_, i) => `reverie-nats-${i}`));
    expect(conf['reverie-accounts.conf']).toBe(readFileSync(path.join(ROOT, 'deploy/nats/nats-server.conf'), 'utf8'));
  });

  it('provisions with a Helm hook Job, every stream replicated as asked', () => {
    expect(job.metadata.annotations?.['helm.sh/hook']).toBe('post-install,pre-upgrade');
    const [c] = job.spec.template.spec.containers;
    expect(c.command).toEqual(['node', 'bin/reverie', 'setup']);
    expect(c.env?.find((e) => e.name === 'REVERIE_STREAM_REPLICAS')?.value).toBe(String(expected.streamReplicas));
    expect(c.env?.find((e) => e.name === 'NATS_USER')?.value).toBe('admin');
  });

  it('denies all traffic by default and allows only what each part needs', () => {
    const release = { 'app.kubernetes.io/name': 'reverie', 'app.kubernetes.io/instance': 'reverie' };
    const deny = policies.find((p) => !p.spec.ingress && !p.spec.egress);
    expect(deny?.spec).toEqual({ podSelector: { matchLabels: release }, policyTypes: ['Ingress', 'Egress'] });
    const natsPolicy = policies.find((p) => selects(p.spec.podSelector.matchLabels, podLabels(nats)) && p !== deny) as Policy;
    const clientRule = natsPolicy.spec.ingress?.find((r) => r.ports?.some((p) => p.port === 4222));
    const peerRule = natsPolicy.spec.ingress?.find((r) => r.ports?.some((p) => p.port === 6222));
    for (const w of [...deployments, job]) expect({ w: w.metadata.name, reachesNats: clientRule?.from?.some((peer) => peerSelects(peer, podLabels(w))) }).toEqual({ w: w.metadata.name, reachesNats: true });
    expect(clientRule?.from?.some((peer) => peerSelects(peer, { ...release, 'app.kubernetes.io/component': 'someone-else' }))).toBe(false);
    expect(peerRule?.from?.every((peer) => peerSelects(peer, podLabels(nats)))).toBe(true);
    for (const d of [...deployments, job]) {
      const own = policies.filter((p) => p !== deny && selects(p.spec.podSelector.matchLabels, podLabels(d)));
      expect({ d: d.metadata.name, policies: own.length }).toEqual({ d: d.metadata.name, policies: 1 });
      const egress = own[0].spec.egress ?? [];
      expect(egress.some((r) => r.ports?.some((p) => p.port === 4222) && r.to?.some((peer) => peerSelects(peer, podLabels(nats))))).toBe(true);
      expect(egress.some((r) => r.ports?.some((p) => p.port === 5432))).toBe(true);
      expect(egress.some((r) => r.ports?.some((p) => p.port === 53 && p.protocol === 'UDP'))).toBe(true);
      const port = d.spec.template.spec.containers[0].ports?.[0]?.containerPort;
      if (d.kind === 'Deployment') expect(own[0].spec.ingress?.map((r) => r.ports?.map((p) => p.port))).toEqual([[port]]);
      else expect(own[0].spec.ingress).toBeUndefined();
    }
  });
}

const describeWithHelm = helm ? describe : describe.skip;

describeWithHelm('deploy/helm/reverie (helm template)', () => {
  it('passes helm lint --strict, with the default values and with the overrides', () => {
    execFileSync(helm as string, ['lint', '--strict', CHART], { stdio: 'pipe' });
    execFileSync(helm as string, ['lint', '--strict', CHART, '-f', OVERRIDES], { stdio: 'pipe' });
  });

  it('has a validator that rejects what the API would (so an empty list of problems means something)', () => {
    const [deployment] = ofKind<Workload>(render(), 'Deployment');
    const typo = { ...deployment, spec: { ...deployment.spec, replicaz: 2 } };
    const wrongType = { ...deployment, spec: { ...deployment.spec, replicas: 'two' } };
    expect(validateManifests([typo]).join('\n')).toMatch(/replicaz/);
    expect(validateManifests([wrongType]).join('\n')).toMatch(/replicas/);
    expect(validateManifests([{ apiVersion: 'v1', kind: 'Frobnicator', metadata: { name: 'x' } }])).toEqual(['v1 Frobnicator x: no schema for this apiVersion and kind']);
  });

  describe('with the default values', () => {
    const docs = helm ? render() : [];
    checkChart(docs, { natsReplicas: 3, streamReplicas: 3, replicas: { 'session-ingest': 2, dreaming: 2, 'lesson-governance': 2, 'agent-serving': 2 } });

    it('uses the image of the chart\'s appVersion and the Secrets it generates (kept across upgrades)', () => {
      const appVersion = /appVersion: "([^"]+)"/.exec(readFileSync(path.join(CHART, 'Chart.yaml'), 'utf8'))?.[1];
      for (const d of ofKind<Workload>(docs, 'Deployment')) expect(d.spec.template.spec.containers[0].image).toBe(`reverie:${appVersion}`);
      expect(ofKind(docs, 'Secret').map((s) => s.metadata.name).sort()).toEqual(['reverie-app', 'reverie-nats-auth', 'reverie-nats-tls']);
      const app = named<Manifest & { data: Record<string, string> }>(docs, 'Secret', 'reverie-app').data;
      expect(Buffer.from(app.REVERIE_CONTENT_KEY, 'base64').toString()).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(Buffer.from(app.REVERIE_API_KEYS, 'base64').toString()).toMatch(/^[A-Za-z0-9]{48}:default:ingest\+agent\+reviewer\+approver\+admin$/);
      const auth = named<Manifest & { data: Record<string, string> }>(docs, 'Secret', 'reverie-nats-auth').data;
      for (const v of Object.values(auth)) expect(Buffer.from(v, 'base64').toString()).toMatch(/^p[A-Za-z0-9]{40}$/);
      // Without postgres.url or existingSecret the services read the Secret the operator creates.
      const ingest = named<Workload>(docs, 'Deployment', 'reverie-session-ingest').spec.template.spec.containers[0];
      expect(ingest.env?.find((e) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef).toEqual({ name: 'reverie-database', key: 'DATABASE_URL' });
      expect(ingest.env?.find((e) => e.name === 'NATS_URL')?.value).toBe('tls://reverie-nats:4222');
    });

    it('gives nats-server a configuration it accepts (nats-server -t, where one is installed)', () => {
      const which = spawnSync('nats-server', ['--version'], { stdio: 'pipe' });
      if (which.status !== 0) {
        console.warn('nats-server not installed: the rendered NATS configuration was not checked by nats-server');
        return;
      }
      const dir = mkdtempSync(path.join(os.tmpdir(), 'reverie-nats-conf-'));
      try {
        const conf = named<Manifest & { data: Record<string, string> }>(docs, 'ConfigMap', 'reverie-nats-config').data;
        for (const [file, text] of Object.entries(conf)) writeFileSync(path.join(dir, file), text.replaceAll('/etc/nats-tls/', `${dir}/`));
        for (const [file, b64] of Object.entries(named<Manifest & { data: Record<string, string> }>(docs, 'Secret', 'reverie-nats-tls').data)) writeFileSync(path.join(dir, file), Buffer.from(b64, 'base64'));
        const passwords = Object.fromEntries(Object.entries(named<Manifest & { data: Record<string, string> }>(docs, 'Secret', 'reverie-nats-auth').data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
        const check = spawnSync('nats-server', ['-c', path.join(dir, 'nats.conf'), '-t', '-js', '-sd', path.join(dir, 'js')], { cwd: dir, env: { ...process.env, ...passwords, POD_NAME: 'reverie-nats-0' }, stdio: 'pipe' });
        expect({ status: check.status, out: `${check.stdout}${check.stderr}`.trim() }).toEqual({ status: 0, out: expect.stringMatching(/is valid/) });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('with ci/overrides-values.yaml', () => {
    const docs = helm ? render('-f', OVERRIDES) : [];
    checkChart(docs, { natsReplicas: 5, streamReplicas: 5, replicas: { 'session-ingest': 4, dreaming: 1, 'lesson-governance': 3, 'agent-serving': 6 } });

    it('uses the image, Secrets, resources and variables given', () => {
      for (const d of ofKind<Workload>(docs, 'Deployment')) {
        expect(d.spec.template.spec.containers[0].image).toBe('registry.example.com/reverie:1.2.3');
        expect(d.spec.template.spec.imagePullSecrets).toEqual([{ name: 'registry-credentials' }]);
      }
      expect(ofKind(docs, 'Secret').map((s) => s.metadata.name).sort()).toEqual(['reverie-app', 'reverie-database', 'reverie-nats-auth']);
      const ingest = named<Workload>(docs, 'Deployment', 'reverie-session-ingest').spec.template.spec.containers[0];
      expect(ingest.resources).toEqual({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } });
      const env = Object.fromEntries((ingest.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));
      expect(env).toMatchObject({ LOG_LEVEL: 'debug', INGEST_MAX_BATCH_EVENTS: '500', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.observability:4318', REVERIE_PSEUDONYM_KEY: { secretKeyRef: { name: 'reverie-app', key: 'REVERIE_PSEUDONYM_KEY' } } });
      const database = named<Manifest & { data: Record<string, string> }>(docs, 'Secret', 'reverie-database').data.DATABASE_URL;
      expect(Buffer.from(database, 'base64').toString()).toBe('postgres://reverie:s3cret-Pw@db.internal:5432/reverie?sslmode=verify-full');
      const nats = ofKind<Workload>(docs, 'StatefulSet')[0];
      expect(JSON.stringify(nats.spec.template.spec.volumes)).toContain('nats-tls-from-cert-manager');
    });

    it('narrows the network policies as asked', () => {
      const ingestPolicy = named<Policy>(docs, 'NetworkPolicy', 'reverie-session-ingest');
      expect(ingestPolicy.spec.ingress?.[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }]);
      expect(ingestPolicy.spec.egress?.some((r) => r.ports?.some((p) => p.port === 443))).toBe(false);
      expect(ingestPolicy.spec.egress?.find((r) => r.ports?.some((p) => p.port === 5432))?.to).toEqual([{ ipBlock: { cidr: '10.20.0.0/16' } }]);
      expect(ingestPolicy.spec.egress?.some((r) => r.ports?.some((p) => p.port === 4318))).toBe(true);
    });
  });

  it('refuses values that would not work: schema violations, more stream replicas than servers, a secret as plain env', () => {
    expect(renderError('--set', 'nats.replicas=7')).toMatch(/nats\/replicas/);
    expect(renderError('--set', 'secrets.contentKey=too-short')).toMatch(/contentKey/);
    expect(renderError('--set', 'nats.replicas=1')).toMatch(/setup.streamReplicas \(3\) cannot exceed nats.replicas \(1\)/);
    expect(renderError('--set', 'env.SMTP_PASSWORD=hunter2')).toMatch(/SMTP_PASSWORD looks like a secret/);
    expect(renderError('--set', 'servicez.x=1')).toMatch(/servicez/);
  });
});

if (!helm) {
  if (process.env.CI === 'true') {
    it('has Helm in CI (tools/test.sh installs it)', () => {
      throw new Error(missing);
    });
  } else {
    it.skip(`deploy/helm/reverie: skipped, ${missing}`, () => undefined);
  }
}
