// The REST API (/api/v1), read with fetch. Paged list endpoints are read to the end.

const BASE = "/api/v1";

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function get(path, params) {
  const url = new URL(BASE + path, window.location.origin);
  for (const [key, value] of Object.entries(params || {})) {
    if (value === null || value === undefined || value === "") continue;
    if (Array.isArray(value)) value.forEach((v) => url.searchParams.append(key, v));
    else url.searchParams.set(key, value);
  }
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(response.status, (body && body.error && body.error.message) || `${response.status} ${response.statusText}`);
  }
  return body;
}

/** Every item of a list endpoint (follows pages of 500). */
export async function all(path, params) {
  const items = [];
  let offset = 0;
  for (;;) {
    const page = await get(path, { ...params, limit: 500, offset });
    items.push(...page.items);
    if (!page.next || !page.items.length) return items;
    offset += page.items.length;
  }
}

export async function post(path, payload, token) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(BASE + path, { method: "POST", headers, body: JSON.stringify(payload) });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(response.status, (body && body.error && body.error.message) || `${response.status} ${response.statusText}`);
  }
  return body;
}

let metaPromise = null;
let docsPromise = null;

/** /meta, fetched once per page load. */
export function meta() {
  metaPromise = metaPromise || get("/meta");
  return metaPromise;
}

/** Document list as a Map id -> {id, title, outlet, published ...}, fetched once. */
export function documents() {
  docsPromise = docsPromise || all("/documents").then((items) => new Map(items.map((d) => [d.id, d])));
  return docsPromise;
}
