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
 *    `retry-after`), so expensive requests never run side by side, and get at most half of the time: cheap ones keep
 *    their latency;
 * 5. Ponder's middleware runs it, unless `timeLimitMs` has already passed (then a 503 GraphQL error); past the limit
 *    while it runs, the client gets that error at once where the execution waits on the database (PostgreSQL) — Ponder
 *    cannot cancel a query in flight, so the work finishes in the background, bounded by its price, holding the heavy
 *    slot; on PGlite a statement runs in this very thread, and the price alone bounds it.
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
import { analyzeOperation, type Cost, CostError } from "./cost.js";
import { GRAPHQL_LIMITS, type GraphqlLimits } from "./limits.js";

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

/**
 * One slot for expensive requests, with a short queue, and a duty cycle: after a request that held the slot for `t`, the
 * slot stays closed for another `t` (at most 2 s), so expensive work gets at most half of the time and cheap requests,
 * which never wait here, keep most of it (PGlite runs one statement at a time, in this process).
 */
class Lane {
  private busy = false;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly queue: number) {}

  /** Runs `fn` in the lane; undefined when the queue is full. */
  async run<T>(fn: () => Promise<T>): Promise<T | undefined> {
    if (this.busy) {
      if (this.waiting.length >= this.queue) return undefined;
      await new Promise<void>((resolve) => this.waiting.push(resolve)); // the slot is handed over, still busy
    } else this.busy = true;
    const started = performance.now();
    try {
      return await fn();
    } finally {
      const rest = Math.min(2_000, performance.now() - started);
      setTimeout(() => {
        const next = this.waiting.shift();
        if (next) next();
        else this.busy = false;
      }, rest).unref();
    }
  }
}

/**
 * Reads a body stream up to `max` bytes; undefined when it is longer. A longer body is still read (and dropped) up to
 * `drain` bytes, so the client gets its 413 on an intact connection; beyond `drain` the stream is cut.
 */
async function readCapped(
  stream: ReadableStream<Uint8Array> | null,
  max: number,
  drain: number,
): Promise<string | undefined> {
  if (!stream) return "";
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > drain) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    if (size <= max) chunks.push(value);
  }
  return size > max ? undefined : Buffer.concat(chunks).toString("utf8");
}

/** Bodies up to this size are read to their end before a 413, so the client sees the answer. */
const DRAIN_BYTES = 8 << 20;

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
  // Asked now, not by the first request: cold, the introspection takes a few hundred ms, and every request that
  // arrives meanwhile would wait for it. If it fails here, the first request asks again.
  graphqlSchema().catch(() => undefined);

  const cache = new CheckpointCache<Answer>(512, {
    sizeOf: (a) => a.body.length,
    maxBytes: 64 << 20,
    keep: (a) => a.status === 200 && !a.body.startsWith('{"errors"'),
  });
  const heavy = new Lane(limits.heavyQueue);
  const verdicts = new Map<string, { cost: Cost } | { refusal: Answer }>();

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
    if (declared > DRAIN_BYTES) return tooLarge(declared);
    const body = await readCapped(req.body, limits.maxBodyBytes, DRAIN_BYTES);
    if (body === undefined && declared > limits.maxBodyBytes) return tooLarge(declared);
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

    const accept = req.headers.get("accept");
    const key = createHash("sha256")
      .update(JSON.stringify([params.query, variables, operationName ?? null, accept ?? ""]))
      .digest("base64url");
    // the verdict on a request depends on nothing but the request: judged once, remembered (a repeated request skips
    // parsing and pricing)
    let verdict = verdicts.get(key);
    if (verdict) {
      verdicts.delete(key);
      verdicts.set(key, verdict);
    } else {
      verdict = judge(params.query, variables, operationName, await graphqlSchema());
      verdicts.set(key, verdict);
      if (verdicts.size > 1024) verdicts.delete(verdicts.keys().next().value as string);
    }
    if ("refusal" in verdict) return verdict.refusal;
    const { cost } = verdict;

    const headers = new Headers({ "content-type": "application/json" });
    if (accept) headers.set("accept", accept);
    const checkpoint = await latestCheckpoint();
    let hit = true;
    const forward = JSON.stringify({ query: params.query, variables, operationName });
    const timeout = () =>
      refusal(503, "TIMEOUT", `the query did not finish within the time limit of ${fmt(limits.timeLimitMs)} ms`, {
        limit: limits.timeLimitMs,
      });
    const answer = cache.get(key, checkpoint, () => {
      hit = false;
      // past the limit before it starts (e.g. after waiting for the heavy lane): not run at all
      const run = async () => (Date.now() - started > limits.timeLimitMs ? timeout() : execute(forward, headers));
      if (cost.rows <= limits.heavyRows) return run();
      return heavy.run(run).then((a) => a ?? busy());
    });
    // past the limit while it runs: the client is answered; the work (priced, so bounded) finishes in the background.
    // This timer fires only when the execution yields to the event loop, i.e. waits for the database (PostgreSQL); on
    // PGlite a statement runs in this thread to its end, and the price is what bounds it.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<Answer>((resolve) => {
      timer = setTimeout(() => resolve(timeout()), Math.max(1, limits.timeLimitMs - (Date.now() - started)));
    });
    try {
      const a = await Promise.race([answer, deadline]);
      return { ...a, cache: hit ? "hit" : "miss" };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Parses and prices a request: its cost, or the refusal. */
  function judge(
    query: string,
    variables: Record<string, unknown>,
    operationName: string | undefined,
    schema: GraphQLSchema,
  ): { cost: Cost } | { refusal: Answer } {
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: limits.maxTokens, noLocation: true });
    } catch (e) {
      const message = e instanceof GraphQLError ? e.message : String(e);
      const tokens = /contains more (than|that) \d+ tokens/i.test(message); // graphql-js 16 writes "more that"
      return {
        refusal: refusal(
          200,
          tokens ? "TOKEN_LIMIT" : "GRAPHQL_PARSE_FAILED",
          tokens ? `the document has more than ${limits.maxTokens} tokens` : message,
          tokens ? { limit: limits.maxTokens } : {},
        ),
      };
    }
    let cost: Cost;
    try {
      cost = analyzeOperation(schema, document, { operationName, variables });
    } catch (e) {
      if (e instanceof CostError) return { refusal: refusal(200, "GRAPHQL_VALIDATION_FAILED", e.message) };
      throw e;
    }
    const over = (code: string, what: string, actual: number, limit: number) => ({
      refusal: refusal(200, code, `${what}: ${fmt(actual)}, over the limit of ${fmt(limit)}`, { actual, limit }),
    });
    if (cost.depth > limits.maxDepth)
      return over("DEPTH_LIMIT", "the query nests fields too deep", cost.depth, limits.maxDepth);
    if (cost.aliases > limits.maxAliases)
      return over("ALIAS_LIMIT", "the query uses too many aliases", cost.aliases, limits.maxAliases);
    if (cost.rows > limits.maxRows)
      return {
        refusal: refusal(
          200,
          "COST_LIMIT",
          `the query can return up to ${fmt(cost.rows)} rows (limits multiply along nested lists: up to ${fmt(cost.lists)} on one path), over the limit of ${fmt(limits.maxRows)}: lower the limits or paginate`,
          { rows: cost.rows, limit: limits.maxRows },
        ),
      };
    if (cost.introspectionNodes > limits.maxIntrospectionNodes)
      return over(
        "COST_LIMIT",
        "the introspection query can return too many objects",
        cost.introspectionNodes,
        limits.maxIntrospectionNodes,
      );
    return { cost };
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
