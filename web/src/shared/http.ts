import type { HttpErrorBody } from "../../../src/framework/contract/errors.js";

/** An error body from the server (`{error:{code, message, requestId, details}}`), or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  token?: string;
  /** Accept a non-JSON answer (e.g. /metrics) and return its text. */
  text?: boolean;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
}

/** One JSON call to this origin's API; error bodies become `ApiError`s with the server's code and message. */
export async function request<T>(path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let res: Response;
  try {
    res = await fetch(path, {
      method: opts.method ?? "GET",
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      cache: "no-store",
    });
  } catch (err) {
    throw new ApiError(0, "network_error", `The server cannot be reached (${(err as Error).message})`);
  }
  const raw = await res.text();
  if (res.ok) {
    if (opts.text) return { status: res.status, body: raw as T };
    return { status: res.status, body: (raw ? JSON.parse(raw) : undefined) as T };
  }
  let parsed: { error?: Partial<HttpErrorBody["error"]> } = {};
  try {
    parsed = raw ? (JSON.parse(raw) as typeof parsed) : {};
  } catch {
    // a proxy's HTML error page: fall through to the status line
  }
  const e = parsed.error;
  throw new ApiError(
    res.status,
    e?.code ?? `http_${res.status}`,
    e?.message ?? `${res.status} ${res.statusText}`,
    e?.requestId ?? res.headers.get("x-request-id") ?? undefined,
    e?.details,
  );
}
