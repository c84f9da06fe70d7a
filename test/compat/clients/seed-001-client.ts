// A client for the "Profile API" reference (seed 001), written only from that
// document: four endpoints under /api/v1/me, a Bearer JWT on each, request
// bodies UpdateProfileRequest and ChangePasswordRequest, a 200 "object" and a
// 422 HTTPValidationError. Replies are returned, never thrown.

/** UpdateProfileRequest: every field optional, each `string | null`. */
export interface UpdateProfileRequest {
  first_name?: string | null;
  last_name?: string | null;
  display_name?: string | null;
  phone?: string | null;
  locale?: string | null;
  timezone?: string | null;
}

/** ChangePasswordRequest: both fields required. */
export interface ChangePasswordRequest {
  current_password: string;
  new_password: string;
}

/** ValidationError */
export interface ValidationError {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** HTTPValidationError: `detail` is optional in the schema. */
export interface HTTPValidationError {
  detail?: ValidationError[];
}

/** Every 200 is documented only as "application/json → object". */
export type ProfileObject = Record<string, unknown>;

export type Reply =
  | { readonly status: 200; readonly headers: Headers; readonly body: ProfileObject }
  | { readonly status: 422; readonly headers: Headers; readonly body: HTTPValidationError }
  | { readonly status: number; readonly headers: Headers; readonly body: unknown };

export class Seed001Client {
  readonly baseUrl: string;
  /**
   * The `authorization` header is listed as "no | string | null" (not
   * required) on every endpoint, yet "All endpoints require a Bearer JWT";
   * the client sends it whenever it has a token.
   */
  token: string | undefined;

  constructor(baseUrl: string, token?: string) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.token = token;
  }

  private async send(method: 'GET' | 'PATCH' | 'POST', path: string, body?: unknown): Promise<Reply> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const json = /json/.test(res.headers.get('content-type') ?? '') && text.length > 0;
    return { status: res.status, headers: res.headers, body: json ? JSON.parse(text) : text };
  }

  /** GET /api/v1/me: Get Profile. */
  getProfile(): Promise<Reply> {
    return this.send('GET', '/api/v1/me');
  }

  /** PATCH /api/v1/me: Update Profile (body required). */
  updateProfile(body: UpdateProfileRequest): Promise<Reply> {
    return this.send('PATCH', '/api/v1/me', body);
  }

  /** POST /api/v1/me/password: Change Password (body required). */
  changePassword(body: ChangePasswordRequest): Promise<Reply> {
    return this.send('POST', '/api/v1/me/password', body);
  }

  /** POST /api/v1/me/verify-email: Request Email Verification (no body documented). */
  requestEmailVerification(): Promise<Reply> {
    return this.send('POST', '/api/v1/me/verify-email');
  }
}
