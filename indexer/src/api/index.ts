/**
 * The HTTP API, on the same port as Ponder's `/health`, `/ready`, `/status` and `/metrics`:
 * - `POST /graphql`: Ponder's GraphQL behind the guard of `graphql.ts` (cost, depth, alias, token, size and time
 *   limits; a response cache keyed by the indexed checkpoint); `GET /graphql` is Ponder's GraphiQL page;
 * - `GET /leaderboard/:taskId`, `GET /accounts/:address`: the JSON routes;
 * - the Explorer (`explorer.ts`): `/assets/*`, and the page for every browser navigation the routes above do not take
 *   (`/`, `/tasks/1`, `/operators`, `/accounts/0x…` asked for HTML). It reads only the public endpoints above.
 */

import { db } from "ponder:api";
import schema from "ponder:schema";
import { Hono } from "hono";
import { readApiSettings } from "../settings.js";
import { accounts } from "./accounts.js";
import { explorerAssets, explorerNavigation } from "./explorer.js";
import { guardedGraphql } from "./graphql.js";
import { leaderboard } from "./leaderboard.js";
import { GRAPHQL_LIMITS } from "./limits.js";

const app = new Hono();

const { graphqlTimeLimitMs } = readApiSettings();
app.route(
  "/graphql",
  guardedGraphql({ db, schema }, { ...GRAPHQL_LIMITS, timeLimitMs: graphqlTimeLimitMs ?? GRAPHQL_LIMITS.timeLimitMs }),
);
app.route("/leaderboard", leaderboard);
app.use("/accounts/:address", explorerNavigation);
app.route("/accounts", accounts);
app.get("/assets/*", explorerAssets);
app.get("*", explorerNavigation);

export default app;
