// oidc-provider, loaded on first use: it is the heaviest import of the
// service (about a third of its start-up), and the provider itself is built
// on the first OpenID request anyway, so a node starts without it.
type Library = typeof import('oidc-provider');

let loading: Promise<Library> | null = null;

export const oidcLibrary = (): Promise<Library> => {
  loading ??= import('oidc-provider');
  return loading;
};
