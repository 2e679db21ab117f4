/**
 * The Explorer's only way to the data: the indexer's public endpoints, same origin (`POST /graphql`,
 * `GET /leaderboard/:id`, `GET /accounts/:address`, `GET /status`). Every other client can do exactly the same.
 */

export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** A GraphQL query; GraphQL errors become an `ApiError` with their messages. */
export async function gql<T>(query: string, variables: Record<string, unknown> = {}, signal?: AbortSignal): Promise<T> {
  const res = await fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ query, variables }),
    signal,
  });
  const body = (await res.json().catch(() => ({}))) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new ApiError(body.errors.map((e) => e.message).join("; "), res.status);
  if (!res.ok || body.data === undefined) throw new ApiError(`GraphQL answered HTTP ${res.status}`, res.status);
  return body.data;
}

/** A JSON route; null when it answers 404 (not indexed). */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T | null> {
  const res = await fetch(path, { headers: { accept: "application/json" }, signal });
  if (res.status === 404) return null;
  const body = (await res.json().catch(() => undefined)) as (T & { error?: string }) | undefined;
  if (!res.ok || body === undefined)
    throw new ApiError(body?.error ?? `${path} answered HTTP ${res.status}`, res.status);
  return body;
}

/** The latest indexed block (Ponder's `/status`; the first chain), or null before the first one. */
export interface IndexStatus {
  chainId: number;
  block: number;
  /** the block's timestamp, seconds */
  timestamp: number;
}

export async function indexStatus(signal?: AbortSignal): Promise<IndexStatus | null> {
  const res = await fetch("/status", { headers: { accept: "application/json" }, signal, cache: "no-store" });
  if (!res.ok) throw new ApiError(`/status answered HTTP ${res.status}`, res.status);
  const body = (await res.json()) as Record<string, { id: number; block: { number: number; timestamp: number } }>;
  const first = Object.values(body)[0];
  return first ? { chainId: first.id, block: first.block.number, timestamp: first.block.timestamp } : null;
}
