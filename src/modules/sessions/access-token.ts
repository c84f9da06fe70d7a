// Access tokens: EdDSA-signed JWTs (RFC 9068 `at+jwt`), 15 minutes, naming
// the user (`sub`), the session (`sid`) and the scope. The OpenID provider
// signs its access tokens for this API with the same keys and claims, adding
// `client_id` (and naming no session for a client acting for itself). Only
// EdDSA with a known kid verifies: `alg: none`, HMAC confusion, the RSA keys
// of ID tokens and foreign keys are refused.
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import { type KeyStore, TOKEN_ALG } from './signing-keys.ts';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
/**
 * Ed25519 verification through WebCrypto costs ~0.35 ms, the largest share of
 * an authenticated request; a client sends the same token for 15 minutes.
 * Verified tokens are remembered by their exact bytes (same bytes, same
 * verdict) until they expire; the session check still runs on every request.
 */
const VERIFIED_CACHE_SIZE = 10_000;

export interface AccessClaims {
  readonly sub: string;
  /** The session, or the grant, the token belongs to; absent for a client's own token (client credentials). */
  readonly sid?: string;
  readonly scope: string;
  readonly exp: number;
  readonly iat: number;
  /** The OAuth client the token was issued to; absent for a first-party session. */
  readonly clientId?: string;
  readonly jti?: string;
}

export function createAccessTokens(deps: { keys: KeyStore; clock: Clock; issuer: string }) {
  const { keys, clock, issuer } = deps;
  const verified = new Map<string, AccessClaims>();

  function remember(token: string, claims: AccessClaims): void {
    if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
    verified.set(token, claims);
  }

  return {
    async sign(claims: { sub: string; sid: string; scope: string }): Promise<{ token: string; exp: number }> {
      const { kid, key } = keys.signingKey();
      const iat = Math.floor(clock.now().getTime() / 1000);
      const exp = iat + ACCESS_TOKEN_TTL_SECONDS;
      const token = await new SignJWT({ sid: claims.sid, scope: claims.scope })
        .setProtectedHeader({ alg: TOKEN_ALG, kid, typ: 'at+jwt' })
        .setIssuer(issuer)
        .setAudience(issuer)
        .setSubject(claims.sub)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .setJti(newId())
        .sign(key);
      return { token, exp };
    },

    /** The claims of a valid token, or null for anything else (bad signature, expired, malformed). */
    async verify(token: string): Promise<AccessClaims | null> {
      const nowSeconds = clock.now().getTime() / 1000;
      const hit = verified.get(token);
      if (hit) {
        if (hit.exp > nowSeconds) return hit;
        verified.delete(token);
        return null;
      }
      try {
        const { payload } = await jwtVerify(
          token,
          async (header) => {
            const key = header.kid ? await keys.verificationKey(header.kid) : undefined;
            if (!key) throw new joseErrors.JWKSNoMatchingKey();
            return key;
          },
          { algorithms: [TOKEN_ALG], issuer, audience: issuer, typ: 'at+jwt', currentDate: clock.now() },
        );
        const { sub, sid, scope, exp, iat, client_id: clientId, jti } = payload as Record<string, unknown>;
        if (typeof sub !== 'string' || typeof scope !== 'string') return null;
        if (sid !== undefined && typeof sid !== 'string') return null;
        if (clientId !== undefined && typeof clientId !== 'string') return null;
        // Only a client's own token may name no session.
        if (sid === undefined && clientId === undefined) return null;
        const claims: AccessClaims = {
          sub,
          scope,
          exp: Number(exp),
          iat: Number(iat),
          ...(sid !== undefined ? { sid } : {}),
          ...(clientId !== undefined ? { clientId } : {}),
          ...(typeof jti === 'string' ? { jti } : {}),
        };
        remember(token, claims);
        return claims;
      } catch {
        return null;
      }
    },
  };
}

export type AccessTokens = ReturnType<typeof createAccessTokens>;
