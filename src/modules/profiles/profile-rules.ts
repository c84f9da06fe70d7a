// What a profile may hold: one check per field, each returning a message or
// null. Social links must point at their network.
const URL_MAX = 300;

export const AVAILABILITY = ['available', 'limited', 'unavailable'] as const;

const TIME_ZONES = new Set(Intl.supportedValuesOf('timeZone'));

export function checkLocale(value: string): string | null {
  try {
    const [canonical] = Intl.getCanonicalLocales(value);
    return canonical && value.length <= 35 ? null : 'is not a BCP 47 language tag';
  } catch {
    return 'is not a BCP 47 language tag (e.g. en-GB)';
  }
}

export function checkTimezone(value: string): string | null {
  return TIME_ZONES.has(value) || value === 'UTC' ? null : 'is not an IANA time zone (e.g. Europe/Berlin)';
}

function parseHttpUrl(value: string): URL | null {
  if (value.length > URL_MAX) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : null;
  } catch {
    return null;
  }
}

const onHost = (url: URL, hosts: readonly string[]) =>
  hosts.some((h) => url.hostname === h || url.hostname.endsWith(`.${h}`));

const SOCIAL_HOSTS: Record<string, readonly string[] | null> = {
  github: ['github.com'],
  twitter: ['twitter.com', 'x.com'],
  linkedin: ['linkedin.com'],
  website: null,
};

export function checkSocial(network: string, value: string): string | null {
  const url = parseHttpUrl(value);
  if (!url) return `must be an http(s) URL of at most ${URL_MAX} characters`;
  const hosts = SOCIAL_HOSTS[network];
  return hosts && !onHost(url, hosts) ? `must be a link on ${hosts.join(' or ')}` : null;
}

/**
 * The one link a person shows beside their name: https only (no javascript:,
 * data: or plain http a network could rewrite), a real host name, no user
 * name or password in it (`https://bank.example@evil.example` reads as the
 * bank), no spaces, at most URL_MAX characters.
 */
export function checkCustomLink(value: string): string | null {
  const message = `must be an https:// URL of at most ${URL_MAX} characters, without credentials`;
  if (value.length > URL_MAX || /\s/.test(value)) return message;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return message;
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') return message;
  return url.hostname.includes('.') ? null : message;
}
