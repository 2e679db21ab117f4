/**
 * Staking: the operators list (`/operators`, GraphQL) and an account's page (`/accounts/:address`: `GET
 * /accounts/:address` for its balance, pool, positions, unbondings, rewards, slashes and claims, and GraphQL for the
 * delegators of its pool).
 */
import { sharesToAssets } from "../../src/lib/shares.js";
import { getJson, gql } from "../lib/api.js";
import { h, link } from "../lib/dom.js";
import { bps, count, dateTime, flock, shortHash } from "../lib/format.js";
import type { PageContext, Section } from "../lib/types.js";
import {
  addressLink,
  amountCell,
  badge,
  card,
  cards,
  countdown,
  notice,
  numCell,
  panel,
  row,
  table,
} from "../lib/ui.js";

interface OperatorRow {
  address: string;
  role: string;
  commissionBps: number;
  bondedAssets: string;
  totalShares: string;
  selfShares: string;
  lockedAssets: string;
  unbondingAssets: string;
  totalRewards: string;
  totalSlashed: string;
  delegators: number;
}

const OPERATORS_QUERY = `query Operators($limit: Int!) {
  operators(orderBy: "bondedAssets", orderDirection: "desc", limit: $limit) {
    totalCount
    items { address role commissionBps bondedAssets totalShares selfShares lockedAssets unbondingAssets
            totalRewards totalSlashed delegators }
  }
}`;

const ROLES: Record<string, string> = { TrainingNode: "training node", Validator: "validator" };

function operatorsTable(ops: OperatorRow[]): HTMLElement {
  return table(
    ["Operator", "Role", "Bonded#", "Self stake#", "Delegators#", "Commission#", "Locked#", "Rewards#", "Slashed#"],
    ops.map((o) =>
      row(
        { "data-operator": o.address },
        addressLink(o.address),
        badge(ROLES[o.role] ?? o.role, `role-${o.role.toLowerCase()}`),
        amountCell(o.bondedAssets),
        amountCell(sharesToAssets(BigInt(o.selfShares), BigInt(o.bondedAssets), BigInt(o.totalShares))),
        numCell(count(o.delegators)),
        numCell(bps(o.commissionBps)),
        amountCell(o.lockedAssets),
        amountCell(o.totalRewards),
        amountCell(o.totalSlashed, { class: BigInt(o.totalSlashed) > 0n ? "num neg" : "num" }),
      ),
    ),
    { "data-testid": "operators" },
    "no operator yet",
  );
}

async function operatorsPage(ctx: PageContext) {
  const d = await gql<{ operators: { totalCount: number; items: OperatorRow[] } }>(
    OPERATORS_QUERY,
    { limit: 200 },
    ctx.signal,
  );
  return {
    title: "Operators",
    body: h(
      "div",
      null,
      h("h1", null, "Operators"),
      h(
        "p",
        { class: "lead" },
        `${count(d.operators.totalCount)} pools, largest first. An operator stakes for itself; anyone can delegate to its pool `,
        "and share its rewards (after its commission) and its slashes.",
      ),
      operatorsTable(d.operators.items),
    ),
  };
}

/** The body of `GET /accounts/:address` (amounts as decimal strings). */
interface AccountSummary {
  address: string;
  balance: string;
  minted: string;
  operator: null | {
    role: string;
    commissionBps: number;
    bondedAssets: string;
    totalShares: string;
    selfStake: string;
    delegatedStake: string;
    lockedAssets: string;
    unbondingAssets: string;
    unclaimedCommission: string;
    totalRewards: string;
    totalCommission: string;
    totalSlashed: string;
    delegators: number;
  };
  delegations: { operator: string; shares: string; assets: string | null; principal: string; deposited: string }[];
  unbondings: {
    entryId: string;
    operator: string;
    assets: string;
    readyAt: string;
    lockMark: number;
    locksReleased: boolean | null;
    withdrawn: boolean;
    withdrawnAssets: string | null;
  }[];
  pendingDeposits: { operator: string; assets: string; mark: number; activatable: boolean | null }[];
  rewards: {
    poolDeposits: { module: string; amount: string; commission: string; block: string }[];
    tasks: {
      taskId: string;
      role: string;
      rank?: number | null;
      outcome?: string | null;
      reward: string | null;
      claimed: boolean;
    }[];
  };
  slashes: {
    module: string;
    taskId: string | null;
    reason: string | null;
    amount: string;
    toTreasury: string | null;
    txHash: string;
  }[];
  claims: { taskId: string; kind: string; amount: string; unlocked: string; txHash: string }[];
}

interface DelegatorRow {
  account: string;
  shares: string;
  principal: string;
}

async function accountPage(ctx: PageContext) {
  const raw = ctx.params.address ?? "";
  if (!/^0x[0-9a-fA-F]{40}$/.test(raw))
    return { title: "Account", body: notice(`"${raw}" is not an address`, "error") };
  const address = raw.toLowerCase();
  const [a, pool] = await Promise.all([
    getJson<AccountSummary>(`/accounts/${address}`, ctx.signal),
    gql<{ delegations: { totalCount: number; items: DelegatorRow[] } }>(
      `query Delegators($op: String!) { delegations(where: { operator: $op }, orderBy: "shares", orderDirection: "desc", limit: 100) {
         totalCount items { account shares principal } } }`,
      { op: address },
      ctx.signal,
    ),
  ]);
  if (!a)
    return {
      title: "Account",
      body: h("div", null, h("h1", { class: "addr-title" }, address), notice("This account is not indexed (yet).")),
    };
  const o = a.operator;
  const staked = a.delegations.reduce((sum, d) => sum + BigInt(d.assets ?? "0"), 0n);
  const earned = a.rewards.tasks.reduce((sum, t) => sum + BigInt(t.reward ?? "0"), 0n);
  const slashed = a.slashes.reduce((sum, x) => sum + BigInt(x.amount), 0n);
  const now = ctx.chainNow();
  return {
    title: `Account ${address.slice(0, 10)}…`,
    body: h(
      "div",
      { "data-testid": "account", "data-account": address },
      h(
        "h1",
        { class: "addr-title" },
        address,
        o ? badge(ROLES[o.role] ?? o.role, `role-${o.role.toLowerCase()}`) : null,
      ),
      cards(
        card("balance", `${flock(a.balance)} FLOCK`, { "data-testid": "balance", "data-wei": a.balance }),
        card("staked (all positions)", `${flock(staked)} FLOCK`),
        card("task rewards", `${flock(earned)} FLOCK`),
        card("slashed", `${flock(slashed)} FLOCK`),
      ),
      o
        ? panel(
            "Operator pool",
            null,
            cards(
              card("bonded", `${flock(o.bondedAssets)} FLOCK`),
              card("self stake", `${flock(o.selfStake)} FLOCK`),
              card("delegated", `${flock(o.delegatedStake)} FLOCK`),
              card("locked in tasks", `${flock(o.lockedAssets)} FLOCK`),
              card("unbonding", `${flock(o.unbondingAssets)} FLOCK`),
              card("commission", `${bps(o.commissionBps)} (unclaimed ${flock(o.unclaimedCommission)})`),
              card("rewards paid in", `${flock(o.totalRewards)} FLOCK`),
              card("slashed", `${flock(o.totalSlashed)} FLOCK`),
            ),
            h("h3", null, `Delegators (${count(pool.delegations.totalCount)} positions, the operator's own included)`),
            table(
              ["Account", "Value#", "Principal#"],
              pool.delegations.items.map((d) =>
                row(
                  { "data-delegator": d.account },
                  addressLink(d.account),
                  amountCell(sharesToAssets(BigInt(d.shares), BigInt(o.bondedAssets), BigInt(o.totalShares))),
                  amountCell(d.principal),
                ),
              ),
              { "data-testid": "delegators" },
            ),
          )
        : null,
      panel(
        "Positions",
        null,
        table(
          ["Pool", "Value#", "Principal#", "Deposited#"],
          a.delegations.map((d) =>
            row(
              { "data-pool": d.operator },
              addressLink(d.operator, d.operator === address ? "own pool" : undefined),
              amountCell(d.assets),
              amountCell(d.principal),
              amountCell(d.deposited),
            ),
          ),
          { "data-testid": "positions" },
          "no position",
        ),
      ),
      ...(a.pendingDeposits.length === 0
        ? []
        : [
            panel(
              "Pending deposits",
              null,
              table(
                ["Pool", "Assets#", "State"],
                a.pendingDeposits.map((p) =>
                  row(
                    { "data-pending": p.operator },
                    addressLink(p.operator),
                    amountCell(p.assets),
                    p.activatable
                      ? "activatable: every lock it waited for is released"
                      : `waits for the pool's locks up to #${p.mark} (no shares, no reward, no slash until then)`,
                  ),
                ),
                { "data-testid": "pending-deposits" },
                "no pending deposit",
              ),
            ),
          ]),
      panel(
        "Unbonding",
        null,
        table(
          ["Entry#", "Pool", "Assets#", "Ready", "State"],
          a.unbondings.map((u) =>
            row(
              { "data-entry": u.entryId },
              numCell(u.entryId),
              addressLink(u.operator),
              amountCell(u.withdrawn ? u.withdrawnAssets : u.assets),
              h("span", { title: dateTime(u.readyAt) }, dateTime(u.readyAt)),
              u.withdrawn
                ? "withdrawn"
                : Number(u.readyAt) > now
                  ? h("span", null, "ready in ", countdown(Number(u.readyAt)))
                  : u.locksReleased === false
                    ? h(
                        "span",
                        { title: "requested under a task lock: withdrawable once the pool releases it" },
                        `waits for the pool's lock #${u.lockMark}`,
                      )
                    : "ready to withdraw",
            ),
          ),
          { "data-testid": "unbondings" },
          "no unbonding entry",
        ),
      ),
      panel(
        "Task rewards",
        null,
        table(
          ["Task", "Role", "Result", "Reward#", "Claimed"],
          a.rewards.tasks.map((t) =>
            row(
              { "data-task": t.taskId },
              link(`/tasks/${t.taskId}`, `#${t.taskId}`),
              ROLES[t.role] ?? t.role,
              t.role === "TrainingNode"
                ? t.rank === null || t.rank === undefined
                  ? "unranked"
                  : `rank ${t.rank + 1}`
                : (t.outcome ?? "–"),
              amountCell(t.reward),
              t.claimed ? "yes" : "no",
            ),
          ),
          {},
          "no task reward",
        ),
      ),
      panel(
        "Slashes",
        null,
        table(
          ["Task", "Reason", "Amount#", "To treasury#", "Transaction"],
          a.slashes.map((x) =>
            row(
              null,
              x.taskId ? link(`/tasks/${x.taskId}`, `#${x.taskId}`) : "–",
              x.reason ?? "–",
              amountCell(x.amount),
              amountCell(x.toTreasury),
              h("code", { title: x.txHash }, shortHash(x.txHash)),
            ),
          ),
          { "data-testid": "account-slashes" },
          "never slashed",
        ),
      ),
      panel(
        "Claims",
        null,
        table(
          ["Task", "Kind", "Amount#", "Stake unlocked#", "Transaction"],
          a.claims.map((c) =>
            row(
              null,
              link(`/tasks/${c.taskId}`, `#${c.taskId}`),
              c.kind,
              amountCell(c.amount),
              amountCell(c.unlocked),
              h("code", { title: c.txHash }, shortHash(c.txHash)),
            ),
          ),
          {},
          "no claim",
        ),
      ),
    ),
  };
}

const staking: Section = {
  id: "staking",
  title: "Staking",
  nav: [{ label: "Operators", path: "/operators" }],
  routes: [
    { path: "/operators", render: operatorsPage },
    { path: "/accounts/:address", render: accountPage },
  ],
  async overview(ctx) {
    const d = await gql<{ operators: { totalCount: number; items: OperatorRow[] } }>(
      OPERATORS_QUERY,
      { limit: 5 },
      ctx.signal,
    );
    return panel("Largest pools", null, operatorsTable(d.operators.items), link("/operators", "All operators →"));
  },
};

export default staking;
