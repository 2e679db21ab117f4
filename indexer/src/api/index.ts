/** The HTTP API: Ponder's GraphQL at `/graphql` and `/`, plus the custom JSON routes. */

import { db } from "ponder:api";
import schema from "ponder:schema";
import { Hono } from "hono";
import { graphql } from "ponder";
import { accounts } from "./accounts.js";
import { leaderboard } from "./leaderboard.js";

const app = new Hono();

app.use("/graphql", graphql({ db, schema }));
app.route("/leaderboard", leaderboard);
app.route("/accounts", accounts);
app.use("/", graphql({ db, schema }));

export default app;
