/**
 * The pricing of GraphQL operations (`src/api/cost.ts`) on a schema shaped like Ponder's: page types with `items`,
 * `limit` arguments, one-to-one relations and cycles (task → scores → task …).
 */
import { buildSchema, isInterfaceType, isObjectType, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { analyzeOperation, CostError, introspectionBounds } from "../src/api/cost.js";

const schema = buildSchema(`
  type PageInfo { hasNextPage: Boolean! }
  type task { id: String! status: String! scores(limit: Int, where: scoreFilter): scorePage! submissions(limit: Int): submissionPage! }
  type score { score: Int! task: task validatorRecord: taskValidator }
  type taskValidator { validator: String! scores: [Int] }
  type submission { trainer: String! rank: Int scores(limit: Int): scorePage! }
  type taskPage { items: [task!]! pageInfo: PageInfo! totalCount: Int! }
  type scorePage { items: [score!]! pageInfo: PageInfo! totalCount: Int! }
  type submissionPage { items: [submission!]! pageInfo: PageInfo! totalCount: Int! }
  input scoreFilter { score: Int score_gt: Int }
  type Query { task(id: String!): task tasks(limit: Int): taskPage! scores(limit: Int): scorePage! }
`);

const price = (query: string, variables?: Record<string, unknown>, operationName?: string) =>
  analyzeOperation(schema, parse(query), { variables, operationName });

describe("analyzeOperation", () => {
  it("counts the rows of a flat list by its limit, Ponder's default 50 without one", () => {
    expect(price("{ tasks(limit: 10) { items { id } } }").rows).toBe(10);
    expect(price("{ tasks { items { id } } }").rows).toBe(50);
    expect(price("{ tasks { items { id } totalCount } }").rows).toBe(51);
    expect(price('{ task(id: "1") { id } }').rows).toBe(1);
  });

  it("multiplies limits along nested lists and sums over the response", () => {
    const c = price(
      '{ task(id: "1") { submissions(limit: 256) { items { trainer scores(limit: 64) { items { score } } } } } }',
    );
    expect(c.rows).toBe(1 + 256 + 256 * 64);
    expect(c.lists).toBe(256 * 64);
    expect(c.depth).toBe(6); // task › submissions › items › scores › items › score
  });

  it("prices a relation cycle twelve levels deep at 100 per level as 100¹² rows", () => {
    let q = "score";
    for (let i = 0; i < 11; i++) q = `task { scores(limit: 100) { items { ${q} } } }`;
    const c = price(`{ scores(limit: 100) { items { ${q} } } }`);
    expect(c.lists).toBe(100 ** 12);
    expect(c.rows).toBeGreaterThan(100 ** 12);
  });

  it("reads limits from variables and their defaults", () => {
    const q = "query($n: Int = 7) { tasks(limit: $n) { items { id } } }";
    expect(price(q).rows).toBe(7);
    expect(price(q, { n: 300 }).rows).toBe(300);
    expect(price("query($n: Int) { tasks(limit: $n) { items { id } } }").rows).toBe(50);
  });

  it("expands fragments (on pages too) and prices a doubling fragment chain without expanding it", () => {
    const viaFragment = price(
      "{ tasks(limit: 20) { ...P } } fragment P on taskPage { items { ...T } } fragment T on task { scores(limit: 5) { items { score } } }",
    );
    expect(viaFragment.rows).toBe(20 + 20 * 5);
    // f0 spreads f1 twice, f1 spreads f2 twice … : 2^40 expansions, priced from 41 memoised walks
    const defs = Array.from(
      { length: 40 },
      (_, i) => `fragment f${i} on task { a${i}: scores(limit: 1) { items { score } } ...f${i + 1} ...f${i + 1} }`,
    );
    defs.push("fragment f40 on task { id }");
    const t0 = performance.now();
    const chain = price(`{ tasks(limit: 1) { items { ...f0 } } } ${defs.join(" ")}`);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(chain.rows).toBeGreaterThan(2 ** 39);
    expect(chain.aliases).toBeGreaterThan(2 ** 39);
  });

  it("counts aliases, fragments expanded", () => {
    expect(price("{ a: tasks { items { id } } b: tasks { items { x: id } } }").aliases).toBe(3);
    expect(price("{ a: tasks(limit: 1000) { items { id } } b: tasks(limit: 1000) { items { id } } }").rows).toBe(2000);
  });

  it("prices introspection lists by this schema's own sizes", () => {
    const b = introspectionBounds(schema);
    expect(b.types).toBe(Object.keys(schema.getTypeMap()).length);
    const widest = Math.max(
      ...Object.values(schema.getTypeMap()).map((t) =>
        isObjectType(t) || isInterfaceType(t) ? Object.keys(t.getFields()).length : 0,
      ),
    );
    expect(b.fields).toBe(widest);
    const flat = price("{ __schema { types { name } } }");
    expect(flat.rows).toBe(0);
    expect(flat.introspectionNodes).toBe(1 + b.types);
    const bomb = price("{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }");
    expect(bomb.introspectionNodes).toBeGreaterThan(b.types * b.fields ** 3);
  });

  it("refuses fragment cycles and documents that name no operation", () => {
    expect(() => price("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }")).toThrow(
      /fragment cycle: A → B → A/,
    );
    expect(() => price("query a { tasks { items { id } } } query b { tasks { items { id } } }")).toThrow(CostError);
    expect(price("query a { tasks { items { id } } } query b { tasks(limit: 3) { items { id } } }", {}, "b").rows).toBe(
      3,
    );
    expect(() => price("query a { tasks { items { id } } }", {}, "c")).toThrow(/no operation named "c"/);
  });
});
