import '@picocss/pico/css/pico.min.css';
import './style.css';
import { html, render, nothing, type TemplateResult } from 'lit-html';
import { resume, signOut, whoami } from './api';
import { adminPage } from './pages/admin';
import { dreamsPage } from './pages/dreams';
import { efficacyPage } from './pages/efficacy';
import { inboxPage } from './pages/inbox';
import { investigatePage } from './pages/investigate';
import { lessonPage } from './pages/lesson';
import { sessionPage } from './pages/session';
import { signInPage } from './pages/sign-in';

export interface Route { page: string; id?: string; params: URLSearchParams }

/** `#/lesson/<id>?…` → the page, its id and its query. */
export function route(): Route {
  const [path, query] = location.hash.replace(/^#\/?/, '').split('?');
  const [page, id] = path.split('/');
  return { page: page || 'inbox', id: id ? decodeURIComponent(id) : undefined, params: new URLSearchParams(query ?? '') };
}

const NAV: [string, string][] = [['inbox', 'Inbox'], ['efficacy', 'Efficacy'], ['dreams', 'Dreams'], ['investigate', 'Investigate'], ['admin', 'Admin']];
const root = document.getElementById('app') as HTMLElement;
let stop: (() => void) | undefined;
let frame: (content: TemplateResult) => TemplateResult = (content) => content;

/** Renders the page the hash names; a page may return a cleanup (its polling). */
export async function show(): Promise<void> {
  stop?.();
  stop = undefined;
  const me = whoami();
  const r = route();
  const shell = (content: TemplateResult) => html`
    <header class="container-fluid">
      <nav aria-label="Reverie">
        <ul><li><strong>Reverie</strong> <small>reviewer console</small></li></ul>
        ${me ? html`<ul>${NAV.map(([p, label]) => html`<li><a href="#/${p}" aria-current=${r.page === p ? 'page' : nothing}>${label}</a></li>`)}</ul>
        <ul><li><small>${me.actor.id} · ${me.tenantId} · ${me.roles.join(', ')}</small></li><li><button class="outline secondary" @click=${() => { signOut(); location.hash = '#/sign-in'; void show(); }}>Sign out</button></li></ul>` : nothing}
      </nav>
    </header>
    <main class="container-fluid" id="main">${content}</main>`;
  if (!me && r.page !== 'sign-in') { location.hash = '#/sign-in'; return; }
  frame = shell;
  const pages: Record<string, () => Promise<TemplateResult | { view: TemplateResult; stop?: () => void }>> = {
    'sign-in': () => signInPage(show),
    inbox: () => inboxPage(show),
    lesson: () => lessonPage(r.id ?? '', show),
    session: () => sessionPage(r.id ?? '', r.params),
    efficacy: () => efficacyPage(),
    dreams: () => dreamsPage(show),
    investigate: () => investigatePage(r.params),
    admin: () => adminPage(show),
  };
  const page = pages[r.page] ?? (async () => html`<h1>Not found</h1><p>No page <code>${r.page}</code>. <a href="#/inbox">Go to the inbox</a>.</p>`);
  render(shell(html`<p aria-busy="true">Loading…</p>`), root);
  try {
    const out = await page();
    const view = 'view' in out ? out.view : out;
    if ('view' in out) stop = out.stop;
    render(shell(view), root);
  } catch (err) {
    render(shell(html`<h1>Something went wrong</h1><p role="alert">${(err as Error).message}</p><p><a href="#/inbox">Back to the inbox</a></p>`), root);
  }
  document.title = `Reverie — ${r.page}`;
}

/** Re-render the page after an action, in the same shell. */
export function rerender(view: TemplateResult): void {
  render(frame(view), root);
}

window.addEventListener('hashchange', () => void show());
void resume().then(() => show());
