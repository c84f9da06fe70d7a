// A client for "Delegated / General Use APIs" (seed 002), written only from
// that document, as an outside team would write it: each method is one
// endpoint with the document's method, path, body fields and response shape.
// It keeps cookies as a browser does (POST /user/login "creates a cookie
// session") and sends a bearer token when it has one ("All API calls are made
// on behalf of the user associated with the token"). Replies are returned,
// never thrown, so callers see refusals too.

/** `{"ok": 1}`: the document says `ok` is "0 or 1" (integer) or "boolean"; every sample shows 1. */
export interface Ok {
  ok: 0 | 1;
}

/** `{"ok": 1, "data": …}`. */
export interface OkData<T> extends Ok {
  data: T;
}

/** The user object of the GET /user/me, search and follow samples. */
export interface User {
  _id: string;
  firstName: string;
  middleName: string | null;
  lastName: string;
  gender: string;
  username: string;
  role: string;
  bio: string;
  designation: string;
  profilePictureUrl: string;
  pronouns: string;
  verified: boolean;
  verifiedDate: string;
  customLink: string;
  followingCount: number;
  followerCount: number;
  isPrivate: boolean;
  isSubscribed: boolean;
  subscriptionTier: string;
  subscriptionExpiry: string;
  isBanned: boolean;
  isRestricted: boolean;
  email: string;
  phone: string;
  customData: Record<string, unknown>;
}

/** The login and do-2fa samples' user: the same keys, but spelled `varifiedDate` there. */
export type SignedInUser = Omit<User, 'verifiedDate'> & { varifiedDate: string };

export interface CreateUserRequest {
  username: string;
  firstName: string;
  lastName: string;
  email: string;
  password: string;
  phoneCountryCode?: string;
  phone?: string;
}

/** Every field is "Required" in the table, so the client always sends all four. */
export interface LoginRequest {
  username: string;
  email: string;
  password: string;
  userAgent: string;
}

/** The two login samples: without 2FA (`user` in full), with 2FA (`sessionHash` and a short user). */
export type LoginData =
  | { '2faEnabled': false; user: SignedInUser }
  | { '2faEnabled': true; sessionHash: string; user: Pick<User, '_id' | 'username' | 'email'> };

/** The table says `code` is a string (the sample shows a number); the client follows the table. */
export interface DoTwoFactorRequest {
  target: string;
  code: string;
  sessionHash: string;
}

/** Every field is optional; `target` is deliberately absent here (acting on another user is an admin's act). */
export interface UpdateUserRequest {
  username?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  password?: string;
  role?: string;
  phoneCountryCode?: string;
  phone?: string;
}

/** An invite code; "Absence of targetId … means the invite code is not used". */
export interface InviteCode {
  code: string;
  createdAt: string;
  updatedAt: string;
  targetId?: string;
}

/** A follow record seen from the followed user (followers, follow requests, and the search sample). */
export interface SourceRecord {
  _id: string;
  approved: boolean;
  source: User;
}

/** A follow record seen from the follower (following lists). */
export interface TargetRecord {
  _id: string;
  approved: boolean;
  target: User;
}

/**
 * Paging of the follow lists. The table types `offset` as integer but
 * describes it as the "_id field of last record in the previous page"; the
 * client follows the description and sends that `_id`.
 */
export interface Page {
  limit?: number;
  offset?: string;
}

export interface Reply<T> {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body (the text when it is not JSON). */
  readonly body: T;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export class Seed002Client {
  readonly baseUrl: string;
  /** Cookies of the server's origin, as a browser keeps them. */
  readonly cookies = new Map<string, string>();
  /** An access token from /oauth/token, sent as `Authorization: Bearer`. */
  token: string | undefined;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
  }

  private keepCookies(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      if (eq < 1) continue;
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [k, v = ''] = a.trim().split('=');
        if (k!.toLowerCase() === 'max-age') return Number(v) <= 0;
        if (k!.toLowerCase() === 'expires') return Date.parse(v) <= Date.now();
        return false;
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private async send<T>(method: Method, path: string, body?: unknown): Promise<Reply<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    let payload: FormData | string | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body: payload, redirect: 'manual' });
    this.keepCookies(res.headers);
    const text = await res.text();
    const json = /json/.test(res.headers.get('content-type') ?? '') && text.length > 0;
    return { status: res.status, headers: res.headers, body: (json ? JSON.parse(text) : text) as T };
  }

  // --- Account, no authentication -----------------------------------------

  /** POST /user/create */
  create(body: CreateUserRequest): Promise<Reply<Ok>> {
    return this.send('POST', '/user/create', body);
  }

  /**
   * POST /user/verify-email. The document names the path (in Create User's
   * instructions) and says only that "a code is sent … which should be
   * exchanged"; no body is given, so the client sends that code as `code`.
   */
  verifyEmail(body: { code: string }): Promise<Reply<Ok>> {
    return this.send('POST', '/user/verify-email', body);
  }

  /** POST /user/login: sets the cookie session. */
  login(body: LoginRequest): Promise<Reply<OkData<LoginData>>> {
    return this.send('POST', '/user/login', body);
  }

  /**
   * POST /user/do-2fa. The request sample is an array of one object; the
   * table describes an object, which the client sends.
   */
  doTwoFactor(body: DoTwoFactorRequest): Promise<Reply<OkData<{ user: SignedInUser }>>> {
    return this.send('POST', '/user/do-2fa', body);
  }

  /** "Logout": the document gives no method or path; the client uses POST /user/logout. */
  logout(): Promise<Reply<Ok>> {
    return this.send('POST', '/user/logout');
  }

  /** "Logout All": no method or path given; the client uses POST /user/logout-all. */
  logoutAll(): Promise<Reply<Ok>> {
    return this.send('POST', '/user/logout-all');
  }

  /** GET /user/code?email= */
  requestResetCode(email: string): Promise<Reply<Ok>> {
    return this.send('GET', `/user/code?${new URLSearchParams({ email })}`);
  }

  /** POST /user/reset-password (the sample wraps the object in an array; the table's object is sent). */
  resetPassword(body: { code: string; password: string }): Promise<Reply<Ok>> {
    return this.send('POST', '/user/reset-password', body);
  }

  // --- Profile --------------------------------------------------------------

  /** POST /user/private (object, as the table; the sample is an array of one). */
  setPrivate(body: { state: boolean }): Promise<Reply<Ok>> {
    return this.send('POST', '/user/private', body);
  }

  /** GET /user/me: the sample's `user` is an array of one user object. */
  me(): Promise<Reply<OkData<{ user: User[] }>>> {
    return this.send('GET', '/user/me');
  }

  /** PATCH /user/me */
  updateMe(body: UpdateUserRequest): Promise<Reply<Ok>> {
    return this.send('PATCH', '/user/me', body);
  }

  /** GET /user/:userId: `user` is an array of one, as in GET /user/me. */
  user(userId: string): Promise<Reply<OkData<{ user: User[] }>>> {
    return this.send('GET', `/user/${encodeURIComponent(userId)}`);
  }

  /**
   * PATCH /user/profile-picture as multipart. The table names the field
   * `profilePicture`; the sample shows `profile-picture`. The client uses the
   * table's name unless told otherwise.
   */
  setProfilePicture(
    png: Uint8Array,
    field: 'profilePicture' | 'profile-picture' = 'profilePicture',
  ): Promise<Reply<OkData<{ signedUrl: string }>>> {
    const form = new FormData();
    form.append(field, new Blob([png], { type: 'image/png' }), 'picture.png');
    return this.send('PATCH', '/user/profile-picture', form);
  }

  /** GET /user/invite-codes */
  inviteCodes(): Promise<Reply<OkData<{ inviteCodes: InviteCode[] }>>> {
    return this.send('GET', '/user/invite-codes');
  }

  /** POST /user/search: its sample's results are follow-record-shaped (`_id`, `approved`, `source`). */
  search(body: { query: string }): Promise<Reply<OkData<{ results: SourceRecord[] }>>> {
    return this.send('POST', '/user/search', body);
  }

  // --- Social ---------------------------------------------------------------

  /** POST /user/block */
  block(body: { target: string }): Promise<Reply<Ok>> {
    return this.send('POST', '/user/block', body);
  }

  /** POST /user/unblock */
  unblock(body: { target: string }): Promise<Reply<Ok>> {
    return this.send('POST', '/user/unblock', body);
  }

  /** POST /user/follow */
  follow(body: { target: string }): Promise<Reply<Ok>> {
    return this.send('POST', '/user/follow', body);
  }

  /** POST /user/unfollow */
  unfollow(body: { target: string }): Promise<Reply<Ok>> {
    return this.send('POST', '/user/unfollow', body);
  }

  /** GET /user/followers?limit&offset */
  followers(page: Page = {}): Promise<Reply<OkData<{ records: SourceRecord[] }>>> {
    return this.send('GET', `/user/followers${query(page)}`);
  }

  /** GET /user/following?limit&offset */
  following(page: Page = {}): Promise<Reply<OkData<{ records: TargetRecord[] }>>> {
    return this.send('GET', `/user/following${query(page)}`);
  }

  /** GET /user/:userId/followers?limit&offset */
  userFollowers(userId: string, page: Page = {}): Promise<Reply<OkData<{ records: SourceRecord[] }>>> {
    return this.send('GET', `/user/${encodeURIComponent(userId)}/followers${query(page)}`);
  }

  /** GET /user/:userId/following?limit&offset */
  userFollowing(userId: string, page: Page = {}): Promise<Reply<OkData<{ records: TargetRecord[] }>>> {
    return this.send('GET', `/user/${encodeURIComponent(userId)}/following${query(page)}`);
  }

  /** GET /user/follow-requests (no paging documented). */
  followRequests(): Promise<Reply<OkData<{ records: SourceRecord[] }>>> {
    return this.send('GET', '/user/follow-requests');
  }

  /** PATCH /user/follow-request: `request` is the follow entry's `_id`. */
  acceptFollowRequest(body: { request: string }): Promise<Reply<Ok>> {
    return this.send('PATCH', '/user/follow-request', body);
  }

  /** DELETE /user/follow-entry with a JSON body: `entry` is the follow entry's `_id`. */
  deleteFollowEntry(body: { entry: string }): Promise<Reply<Ok>> {
    return this.send('DELETE', '/user/follow-entry', body);
  }
}

function query(page: Page): string {
  const params = new URLSearchParams();
  if (page.limit !== undefined) params.set('limit', String(page.limit));
  if (page.offset !== undefined) params.set('offset', page.offset);
  const s = params.toString();
  return s ? `?${s}` : '';
}
