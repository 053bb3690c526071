import { html, type TemplateResult } from 'lit-html';
import { signIn } from '../api';
import { rerender } from '../main';

/** Sign in with an API key (`reverie keys create`): it stays in this tab only. */
export async function signInPage(show: () => Promise<void>): Promise<TemplateResult> {
  const view = (error?: string) => html`
    <article style="max-width: 32rem; margin: 3rem auto">
      <h1>Sign in</h1>
      <p>Use your API key (ask an admin: <code>reverie keys create --roles reviewer</code>). The console can do nothing your key could not do through the API.</p>
      <form @submit=${async (e: Event) => {
        e.preventDefault();
        const key = (new FormData(e.target as HTMLFormElement).get('key') as string) ?? '';
        try {
          await signIn(key);
          location.hash = '#/inbox';
          await show();
        } catch (err) {
          rerender(view(`That key was refused: ${(err as Error).message}`));
        }
      }}>
        <label for="key">API key</label>
        <input id="key" name="key" type="password" autocomplete="off" required aria-describedby=${error ? 'sign-in-error' : ''} aria-invalid=${error ? 'true' : 'false'} />
        ${error ? html`<small id="sign-in-error" role="alert">${error}</small>` : ''}
        <button type="submit">Sign in</button>
      </form>
    </article>`;
  return view();
}
