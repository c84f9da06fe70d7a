// The pages oidc-provider itself renders (an error that cannot go back to the
// client, the sign-out confirmation), in the hosted pages' layout and policy.
import type { OAuthPages } from '../modules/oauth/index.ts';
import { renderPage } from './pages.ts';
import { en } from './strings.ts';

type Ctx = Parameters<OAuthPages['error']>[0];

function show(ctx: Ctx, view: string, title: string, data: Record<string, unknown>) {
  const page = renderPage(view, title, data);
  ctx.set('content-security-policy', page.csp);
  ctx.set('cache-control', 'no-store');
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = page.html;
}

export const providerPages: OAuthPages = {
  // The error's code only: its description may echo the request's input.
  error(ctx, error) {
    show(ctx, 'message', en.errorTitle, {
      heading: en.errorTitle,
      message: `${en.errorLead} (${error.error})`,
    });
  },
  // oidc-provider's form (hidden fields, its own CSRF value) with Roster's buttons inside it.
  logout(ctx, form) {
    const buttons = `${form.replace('</form>', '')}<button type="submit" name="logout" value="yes">${en.logoutYes}</button><button type="submit" class="secondary">${en.logoutNo}</button></form>`;
    show(ctx, 'message', en.logoutTitle, { heading: en.logoutTitle, message: en.logoutLead, form: buttons });
  },
  loggedOut(ctx) {
    show(ctx, 'message', en.logoutTitle, { heading: en.logoutTitle, message: en.loggedOut });
  },
};
