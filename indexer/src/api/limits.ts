/** The public GraphQL endpoint's limits, set here explicitly (enforced by `graphql.ts`, priced by `cost.ts`). */

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
 * (11,100 rows); a 256-submission leaderboard with every validator's scores, ≈ 1,300. The standard introspection query
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
