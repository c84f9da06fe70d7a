// ID token and userinfo claims, per OpenID scope, from the domain's owner view
// of the account: a claim is present only when its scope was granted, so a
// token can never reveal what its scopes do not cover.
import type { OwnerView } from '../profiles/index.ts';

export type Claims = { sub: string } & Record<string, string | number | boolean | null>;

const epochSeconds = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);

export function claimsFor(view: OwnerView, scopes: ReadonlySet<string>): Claims {
  const claims: Claims = { sub: view.id };
  if (scopes.has('profile')) {
    Object.assign(claims, {
      name: view.name.display,
      given_name: view.name.first,
      family_name: view.name.last,
      preferred_username: view.username,
      picture: view.avatarUrl,
      locale: view.locale,
      zoneinfo: view.timezone,
      updated_at: epochSeconds(view.updatedAt),
    });
  }
  if (scopes.has('email')) Object.assign(claims, { email: view.email, email_verified: view.emailVerified });
  if (scopes.has('phone')) {
    Object.assign(claims, { phone_number: view.phone, phone_number_verified: view.phoneVerified });
  }
  // Absent rather than null (OpenID Connect Core §5.3.2).
  for (const [name, value] of Object.entries(claims)) if (value === null) delete claims[name];
  return claims;
}
