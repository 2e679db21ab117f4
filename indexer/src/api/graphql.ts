/**
 * `POST /graphql`: Ponder's GraphQL (graphql-yoga) behind a guard that prices every request before it runs, a lane
 * for expensive ones, a time limit, and a response cache keyed by the indexed checkpoint.
 *
 * In order, for a POST:
 * 1. the body is read up to `maxBodyBytes` (413 beyond); a batch (JSON array) is refused;
 * 2. the document is parsed with `maxTokens`, and the operation priced with the schema (`cost.ts`): depth, aliases,
 *    database rows (the product of list limits along each path, summed over the response) and introspection objects;
 *    anything over a limit is refused with a GraphQL error naming the limit (`extensions.code`, the figure and the
 *    limit), before any database work;
 * 3. the answer cached for (document, variables, operation, checkpoint) is served as is when the checkpoint has not
 *    moved (`x-flock-cache: hit`); else
 * 4. a request priced above `heavyRows` waits for the one heavy slot (at most `heavyQueue` wait; beyond, 503 and
 *    `retry-after`), so expensive requests never run side by side and cheap ones keep their latency;
 * 5. Ponder's middleware runs it; past `timeLimitMs` the client gets a 503 GraphQL error (Ponder cannot cancel a query
 *    in flight: the work finishes in the background, bounded by the price, and still holds the heavy slot).
 * The same limits are passed to Ponder's own graphql-armor plugins (tokens, depth, aliases). GET serves Ponder's
 * GraphiQL page.
 */
import { createHash } from "node:crypto";
import {
  buildClientSchema,
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  getIntrospectionQuery,
  type IntrospectionQuery,
  parse,
} from "graphql";
import { Hono } from "hono";
import { graphql } from "ponder";
import { CheckpointCache } from "./cache.js";
import { latestCheckpoint } from "./checkpoint.js";
import { analyzeOperation, CostError } from "./cost.js";

export interface GraphqlLimits {
  /** request body, bytes */
  maxBodyBytes: number;
  /** lexical tokens of the document */
  maxTokens: number;
  /** fields nested (fragments expanded) */
  maxDepth: number;
  /** aliases (fragments expanded) */
  maxAliases: number;
  /** database rows the response can hold: Σ over fields of the product of list limits along its path */
  maxRows: number;
  /** objects an introspection answer can hold */
  maxIntrospectionNodes: number;
  /** above this many rows a request runs in the heavy lane (one at a time) */
  heavyRows: number;
  /** requests that may wait for the heavy lane; more are refused with 503 */
  heavyQueue: number;
  /** per request, from arrival to answer */
  timeLimitMs: number;
}

/**
 * The public endpoint's limits. For scale: a snapshot of the whole index of the indexer tests is 24 lists of ≤ 500 rows
 * (12,100 rows); a 256-submission leaderboard with every validator's scores, ≈ 1,300. The standard introspection query
 * (GraphiQL's) nests 21 fields deep and prices at ≈ 970,000 objects on this schema (an upper bound: it returns 630 KB in
 * ≈ 0.2 s); one more level of `fields { type { fields … } } }` prices at ≈ 20 million and is refused.
 */
export const GRAPHQL_LIMITS: GraphqlLimits = {
  maxBodyBytes: 100_000,
  maxTokens: 2_000,
  maxDepth: 24,
  maxAliases: 30,
  maxRows: 20_000,
  maxIntrospectionNodes: 2_000_000,
  heavyRows: 2_000,
  heavyQueue: 8,
  timeLimitMs: 10_000,
};

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

const JSON_TYPE = "application/json; charset=utf-8";

function refusal(status: number, code: string, message: string, extra: Record<string, unknown> = {}): Answer {
  return {
    status,
    contentType: JSON_TYPE,
    body: JSON.stringify({ errors: [{ message, extensions: { code, ...extra } }] }),
  };
}

/** One slot for expensive requests, with a short queue. */
class Lane {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly queue: number) {}

  /** Runs `fn` in the lane; undefined when the queue is full. */
  async run<T>(fn: () => Promise<T>): Promise<T | undefined> {
    if (this.active > 0) {
      if (this.waiting.length >= this.queue) return undefined;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** Reads a body stream up to `max` bytes; undefined when it is longer. */
async function readCapped(stream: ReadableStream<Uint8Array> | null, max: number): Promise<string | undefined> {
  if (!stream) return "";
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function guardedGraphql(source: Parameters<typeof graphql>[0], limits: GraphqlLimits = GRAPHQL_LIMITS): Hono {
  const ponder = new Hono().use(
    "*",
    graphql(source, {
      maxOperationTokens: limits.maxTokens,
      maxOperationDepth: limits.maxDepth,
      maxOperationAliases: limits.maxAliases,
    }),
  );
  const execute = async (body: string, headers: Headers): Promise<Answer> => {
    const res = await ponder.request("/", { method: "POST", headers, body });
    return {
      status: res.status,
      contentType: res.headers.get("content-type") ?? JSON_TYPE,
      body: await res.text(),
    };
  };

  // The schema, for pricing: asked once from Ponder's own endpoint (introspection needs no database).
  let schemaPromise: Promise<GraphQLSchema> | undefined;
  const graphqlSchema = () => {
    schemaPromise ??= execute(
      JSON.stringify({ query: getIntrospectionQuery() }),
      new Headers({ "content-type": "application/json", accept: "application/json" }),
    ).then((a) => {
      const parsed = JSON.parse(a.body) as { data?: IntrospectionQuery; errors?: { message: string }[] };
      if (!parsed.data) throw new Error(`introspection failed: ${parsed.errors?.map((e) => e.message).join("; ")}`);
      return buildClientSchema(parsed.data);
    });
    schemaPromise.catch(() => (schemaPromise = undefined));
    return schemaPromise;
  };

  const cache = new CheckpointCache<Answer>(512, {
    sizeOf: (a) => a.body.length,
    maxBytes: 64 << 20,
    keep: (a) => a.status === 200 && !a.body.startsWith('{"errors"'),
  });
  const heavy = new Lane(limits.heavyQueue);

  const app = new Hono();
  app.get("/", (c) => ponder.fetch(c.req.raw));
  app.post("/", async (c) => {
    const started = Date.now();
    const answer = await handle(c.req.raw, started);
    const headers: Record<string, string> = { "content-type": answer.contentType };
    if (answer.status === 503) headers["retry-after"] = "1";
    if (answer.cache) headers["x-flock-cache"] = answer.cache;
    headers["server-timing"] = `total;dur=${Date.now() - started}`;
    return c.body(answer.body, answer.status as 200, headers);
  });

  async function handle(req: Request, started: number): Promise<Answer & { cache?: "hit" | "miss" }> {
    const declared = Number(req.headers.get("content-length") ?? 0);
    if (declared > limits.maxBodyBytes) return tooLarge(declared);
    const body = await readCapped(req.body, limits.maxBodyBytes);
    if (body === undefined) return tooLarge(undefined);

    let params: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      params = JSON.parse(body);
    } catch {
      return refusal(400, "BAD_REQUEST", 'the request body is not JSON: send {"query": …, "variables": …}');
    }
    if (Array.isArray(params)) return refusal(400, "BAD_REQUEST", "batched requests are not supported: send one");
    if (typeof params !== "object" || params === null || typeof params.query !== "string")
      return refusal(400, "BAD_REQUEST", 'the request body must hold a "query" string');
    const variables =
      params.variables && typeof params.variables === "object" ? (params.variables as Record<string, unknown>) : {};
    const operationName = typeof params.operationName === "string" ? params.operationName : undefined;

    let document: DocumentNode;
    try {
      document = parse(params.query, { maxTokens: limits.maxTokens, noLocation: true });
    } catch (e) {
      const message = e instanceof GraphQLError ? e.message : String(e);
      const tokens = /token limit/i.test(message);
      return refusal(
        200,
        tokens ? "TOKEN_LIMIT" : "GRAPHQL_PARSE_FAILED",
        tokens ? `the document has more than ${limits.maxTokens} tokens` : message,
        tokens ? { limit: limits.maxTokens } : {},
      );
    }

    let cost: ReturnType<typeof analyzeOperation>;
    try {
      cost = analyzeOperation(await graphqlSchema(), document, { operationName, variables });
    } catch (e) {
      if (e instanceof CostError) return refusal(200, "GRAPHQL_VALIDATION_FAILED", e.message);
      throw e;
    }
    const over = (code: string, what: string, actual: number, limit: number) =>
      refusal(200, code, `${what}: ${fmt(actual)}, over the limit of ${fmt(limit)}`, { actual, limit });
    if (cost.depth > limits.maxDepth)
      return over("DEPTH_LIMIT", "the query nests fields too deep", cost.depth, limits.maxDepth);
    if (cost.aliases > limits.maxAliases)
      return over("ALIAS_LIMIT", "the query uses too many aliases", cost.aliases, limits.maxAliases);
    if (cost.rows > limits.maxRows)
      return refusal(
        200,
        "COST_LIMIT",
        `the query can return up to ${fmt(cost.rows)} rows (limits multiply along nested lists: up to ${fmt(cost.lists)} on one path), over the limit of ${fmt(limits.maxRows)}: lower the limits or paginate`,
        { rows: cost.rows, limit: limits.maxRows },
      );
    if (cost.introspectionNodes > limits.maxIntrospectionNodes)
      return over(
        "COST_LIMIT",
        "the introspection query can return too many objects",
        cost.introspectionNodes,
        limits.maxIntrospectionNodes,
      );

    const headers = new Headers({ "content-type": "application/json" });
    const accept = req.headers.get("accept");
    if (accept) headers.set("accept", accept);
    const key = createHash("sha256")
      .update(JSON.stringify([params.query, variables, operationName ?? null, accept ?? ""]))
      .digest("base64url");
    const checkpoint = await latestCheckpoint();
    let hit = true;
    const forward = JSON.stringify({ query: params.query, variables, operationName });
    const answer = cache.get(key, checkpoint, () => {
      hit = false;
      const run = () => execute(forward, headers);
      if (cost.rows <= limits.heavyRows) return run();
      return heavy.run(run).then((a) => a ?? busy());
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<Answer>((resolve) => {
      timer = setTimeout(
        () =>
          resolve(
            refusal(503, "TIMEOUT", `the query did not finish within the time limit of ${fmt(limits.timeLimitMs)} ms`, {
              limit: limits.timeLimitMs,
            }),
          ),
        Math.max(1, limits.timeLimitMs - (Date.now() - started)),
      );
    });
    try {
      const a = await Promise.race([answer, deadline]);
      return { ...a, cache: hit ? "hit" : "miss" };
    } finally {
      clearTimeout(timer);
    }
  }

  function tooLarge(size: number | undefined): Answer {
    return refusal(
      413,
      "BODY_TOO_LARGE",
      `the request body is ${size === undefined ? "larger than" : `${fmt(size)} bytes, over`} the limit of ${fmt(limits.maxBodyBytes)} bytes`,
      { limit: limits.maxBodyBytes },
    );
  }

  function busy(): Answer {
    return refusal(503, "BUSY", "too many expensive queries are waiting: retry in a moment, or ask for fewer rows", {
      limit: limits.heavyQueue,
    });
  }

  return app;
}

function fmt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : String(n);
}
