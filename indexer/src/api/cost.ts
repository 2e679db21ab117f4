/**
 * What a GraphQL request may cost, decided before it runs (pure: no I/O).
 *
 * Ponder's GraphQL resolves a list field with one SQL query per parent row, so a nested query's work grows with the
 * *product* of the list limits along each path: `scores(limit: 100) { items { task { scores(limit: 100) { … } } } }`
 * twelve levels deep asks for 100¹² rows in a document of one kilobyte. `analyzeOperation` walks the operation with the
 * schema's types and returns an upper bound of what the response can hold:
 *
 * - `rows`: database rows. A page field (`tasks`, `submissions`, …: a type with an `items` list) under `m` parent rows
 *   brings at most `m × limit` rows (`limit` defaults to Ponder's 50); a one-to-one relation (`task`, `validatorRecord`)
 *   and a singular root field (`task(id:)`) bring `m`; `totalCount` is one count query per parent.
 * - `introspectionNodes`: objects of an introspection answer, each list bounded by what this schema actually holds
 *   (`types` by its type count, `fields` by the widest type, …), so `__schema { types { fields { type { fields …` is
 *   priced like the rows it would produce.
 * - `depth` (fields nested), `aliases` (every alias, fragments expanded) and `lists` (the largest product of list limits
 *   along one path).
 *
 * Fragments are expanded with memoisation (a fragment's cost is linear in its parent's multiplier), so a chain of
 * fragments that each spread the next twice costs O(document) to price while the price itself is exponential; a
 * fragment cycle is reported as such. Fields the schema does not know are skipped (validation rejects them later).
 */
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLInterfaceType,
  type GraphQLNamedType,
  GraphQLObjectType,
  type GraphQLSchema,
  GraphQLUnionType,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";

/** Ponder's default and maximum `limit` of a page field (`ponder/src/graphql/index.ts`). */
export const PONDER_DEFAULT_LIMIT = 50;
export const PONDER_MAX_LIMIT = 1000;

export interface Cost {
  rows: number;
  introspectionNodes: number;
  depth: number;
  aliases: number;
  /** the largest product of list limits along one path */
  lists: number;
}

export class CostError extends Error {
  override name = "CostError";
}

const INTROSPECTION_TYPES = new Set(["__Schema", "__Type", "__Field", "__InputValue", "__EnumValue", "__Directive"]);

/** The largest length each introspection list can have in `schema`. */
export function introspectionBounds(schema: GraphQLSchema): Record<string, number> {
  const types = Object.values(schema.getTypeMap());
  let fields = 0;
  let inputFields = 0;
  let args = 0;
  let enumValues = 0;
  let interfaces = 0;
  let possibleTypes = 0;
  for (const t of types) {
    if (t instanceof GraphQLObjectType || t instanceof GraphQLInterfaceType) {
      const fs = Object.values(t.getFields());
      fields = Math.max(fields, fs.length);
      for (const f of fs) args = Math.max(args, f.args.length);
      interfaces = Math.max(interfaces, t.getInterfaces().length);
    }
    if (t instanceof GraphQLInterfaceType) possibleTypes = Math.max(possibleTypes, schema.getPossibleTypes(t).length);
    if (t instanceof GraphQLUnionType) possibleTypes = Math.max(possibleTypes, t.getTypes().length);
    if (t instanceof GraphQLInputObjectType) inputFields = Math.max(inputFields, Object.keys(t.getFields()).length);
    if (t instanceof GraphQLEnumType) enumValues = Math.max(enumValues, t.getValues().length);
  }
  const directives = schema.getDirectives();
  for (const d of directives) args = Math.max(args, d.args.length);
  return {
    types: types.length,
    fields,
    inputFields,
    args,
    enumValues,
    interfaces,
    possibleTypes,
    directives: directives.length,
  };
}

/** A page type: an object type with an `items` list field (Ponder's `<table>Page`). */
function isPageType(t: GraphQLNamedType | undefined): t is GraphQLObjectType {
  if (!isObjectType(t)) return false;
  const items = t.getFields().items;
  return items !== undefined && isListType(getNullableType(items.type));
}

interface Partial {
  rows: number;
  introspectionNodes: number;
  depth: number;
  aliases: number;
  lists: number;
}

const ZERO: Partial = { rows: 0, introspectionNodes: 0, depth: 0, aliases: 0, lists: 1 };

export interface AnalyzeOptions {
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/**
 * Prices the operation of `document` that would run (the named one, else the only one). Throws `CostError` for a
 * document that names no runnable operation or whose fragments form a cycle.
 */
export function analyzeOperation(schema: GraphQLSchema, document: DocumentNode, opts: AnalyzeOptions = {}): Cost {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const op = opts.operationName
    ? operations.find((o) => o.name?.value === opts.operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  if (!op) {
    throw new CostError(
      opts.operationName
        ? `no operation named "${opts.operationName}" in the document`
        : `the document holds ${operations.length} operations: name the one to run (operationName)`,
    );
  }
  const root =
    op.operation === "query"
      ? schema.getQueryType()
      : op.operation === "mutation"
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  if (!root) throw new CostError(`this schema has no ${op.operation} type`);

  const variables = opts.variables ?? {};
  const defaults = new Map<string, ValueNode>();
  for (const v of op.variableDefinitions ?? []) if (v.defaultValue) defaults.set(v.variable.name.value, v.defaultValue);
  const bounds = introspectionBounds(schema);

  const intArg = (field: FieldNode, name: string): number | undefined => {
    const arg = field.arguments?.find((a) => a.name.value === name);
    if (!arg) return undefined;
    let value: unknown;
    if (arg.value.kind === Kind.VARIABLE) {
      const v = arg.value.name.value;
      value = v in variables ? variables[v] : literal(defaults.get(v));
    } else value = literal(arg.value);
    return typeof value === "number" && Number.isFinite(value) ? value : undefined;
  };

  // memo: fragment name + pending page limit → its cost per unit multiplier
  const memo = new Map<string, Partial>();
  const stack: string[] = [];

  /** Cost of `set` evaluated on `type` at multiplier 1; `pageLimit` is the limit of the page field around `items`. */
  const walk = (set: SelectionSetNode, type: GraphQLNamedType | undefined, pageLimit: number | undefined): Partial => {
    const acc: Partial = { ...ZERO };
    const add = (p: Partial, times: number, depthOffset: number) => {
      acc.rows += p.rows * times;
      acc.introspectionNodes += p.introspectionNodes * times;
      acc.aliases += p.aliases;
      acc.depth = Math.max(acc.depth, p.depth + depthOffset);
      acc.lists = Math.max(acc.lists, p.lists * times);
    };
    for (const sel of set.selections) {
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const name = sel.name.value;
        const frag = fragments.get(name);
        if (!frag) continue; // validation reports it
        if (stack.includes(name)) throw new CostError(`fragment cycle: ${[...stack, name].join(" → ")}`);
        const key = `${name}|${pageLimit ?? ""}`;
        let cost = memo.get(key);
        if (!cost) {
          stack.push(name);
          cost = walk(frag.selectionSet, schema.getType(frag.typeCondition.name.value) ?? type, pageLimit);
          stack.pop();
          memo.set(key, cost);
        }
        add(cost, 1, 0);
        continue;
      }
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const t = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
        add(walk(sel.selectionSet, t ?? type, pageLimit), 1, 0);
        continue;
      }
      // a field
      if (sel.alias) acc.aliases += 1;
      const name = sel.name.value;
      if (name === "__typename") {
        acc.depth = Math.max(acc.depth, 1);
        continue;
      }
      const def =
        name === "__schema"
          ? { type: schema.getType("__Schema")! }
          : name === "__type"
            ? { type: schema.getType("__Type")! }
            : type instanceof GraphQLObjectType || type instanceof GraphQLInterfaceType
              ? type.getFields()[name]
              : undefined;
      if (!def) {
        acc.depth = Math.max(acc.depth, 1);
        continue;
      }
      const fieldType = getNamedType(def.type);
      if (!sel.selectionSet) {
        // a leaf; `totalCount` of a page is one count query
        if (name === "totalCount" && isPageType(type)) acc.rows += 1;
        acc.depth = Math.max(acc.depth, 1);
        continue;
      }
      const inIntrospection = INTROSPECTION_TYPES.has(fieldType.name);
      let times = 1;
      let childPageLimit: number | undefined;
      if (isPageType(fieldType)) {
        childPageLimit = Math.max(0, intArg(sel, "limit") ?? PONDER_DEFAULT_LIMIT);
      } else if (isListType(getNullableType(def.type))) {
        times = inIntrospection ? (bounds[name] ?? bounds.types) : (pageLimit ?? PONDER_MAX_LIMIT);
      }
      const child = walk(sel.selectionSet, fieldType, childPageLimit);
      if (isPageType(fieldType)) {
        // the page object itself is not a row; its `items` are (priced inside with `childPageLimit`)
        add(child, 1, 1);
      } else {
        if (inIntrospection) acc.introspectionNodes += times;
        else acc.rows += times;
        add(child, times, 1);
      }
    }
    return acc;
  };

  const total = walk(op.selectionSet, root, undefined);
  return {
    rows: total.rows,
    introspectionNodes: total.introspectionNodes,
    depth: total.depth,
    aliases: total.aliases,
    lists: total.lists,
  };
}

/** A literal's JS value (ints, floats, strings, booleans, null, lists, objects), or undefined. */
function literal(node: ValueNode | undefined): unknown {
  if (!node) return undefined;
  switch (node.kind) {
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.BOOLEAN:
      return node.value;
    case Kind.NULL:
      return null;
    default:
      return undefined;
  }
}
