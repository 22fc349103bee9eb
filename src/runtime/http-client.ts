// The demo's HTTP client: real requests over loopback through fetch, one AbortSignal per request
// so a hung handler shows up as `timedOut` instead of stalling the demo.
import type { HttpRequest, HttpResponse } from './context.js';

const defaultRequestTimeoutMs = 5_000;

function parseBody(text: string, contentType: string | null): unknown {
  if (contentType?.includes('json') && text.length > 0) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** Resolves on any HTTP status and on timeout; rejects on network failure or when the demo is aborted. */
export async function sendRequest(baseUrl: string, request: HttpRequest, demoSignal: AbortSignal): Promise<HttpResponse> {
  demoSignal.throwIfAborted();
  const timeout = AbortSignal.timeout(request.timeoutMs ?? defaultRequestTimeoutMs);
  const headers: Record<string, string> = { ...request.headers };
  let body: string | undefined;
  if (request.json !== undefined) {
    body = JSON.stringify(request.json);
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  const method = request.method ?? (body === undefined ? 'GET' : 'POST');
  const started = performance.now();
  try {
    const response = await fetch(new URL(request.path, baseUrl), {
      method,
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.any([timeout, demoSignal]),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    const text = bytes.toString('utf8');
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers.entries()),
      body: parseBody(text, response.headers.get('content-type')),
      text,
      bytes: bytes.length,
      durationMs: Math.round(performance.now() - started),
      timedOut: false,
      setCookies: response.headers.getSetCookie(),
    };
  } catch (error) {
    if (timeout.aborted && !demoSignal.aborted) {
      return { status: 0, headers: {}, body: null, text: '', bytes: 0, durationMs: Math.round(performance.now() - started), timedOut: true, setCookies: [] };
    }
    if (demoSignal.aborted) throw demoSignal.reason;
    throw error;
  }
}
