/** What the demo reads back from the indexer, through GraphQL only. */

export interface LeaderboardRow {
  rank: number | null;
  trainer: string;
  index: number | null;
  modelCid: string | null;
  consensus: number | null;
  reward: string | null;
  spam: boolean;
  contested: boolean;
  slashed: string;
  claimed: boolean;
}

export interface ValidatorRow {
  validator: string;
  lockedStake: string;
  revealed: boolean;
  unavailable: boolean;
  evicted: boolean;
  distance: number | null;
  maxDistance: number | null;
  outcome: string | null;
  reward: string | null;
  slashed: string;
  scores: number[] | null;
}

export interface SlashRow {
  operator: string;
  reason: string | null;
  amount: string;
  toTreasury: string | null;
}

export interface TaskReport {
  task: {
    id: string;
    status: string;
    published: number;
    validators: number;
    revealed: number;
    rewardPool: string;
    trainerPot: string | null;
    validatorPot: string | null;
    protocolFee: string | null;
    keeperBounty: string;
    slashed: string;
  };
  leaderboard: LeaderboardRow[];
  validators: ValidatorRow[];
  slashes: SlashRow[];
  claims: { account: string; kind: string; amount: string }[];
}

export async function graphql<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(`GraphQL: ${body.errors.map((e) => e.message).join("; ")}`);
  if (!body.data) throw new Error(`GraphQL: no data (HTTP ${res.status})`);
  return body.data;
}

const TASK_QUERY = `
query Task($id: BigInt!) {
  task(id: $id) {
    id status published validators revealed rewardPool trainerPot validatorPot protocolFee keeperBounty slashed
  }
  submissions(where: { taskId: $id }, orderBy: "rank", orderDirection: "asc", limit: 1000) {
    items { rank trainer index modelCid consensus reward spam contested slashed claimed }
  }
  taskValidators(where: { taskId: $id }, orderBy: "validatorIndex", orderDirection: "asc", limit: 100) {
    items { validator lockedStake revealed unavailable evicted distance maxDistance outcome reward slashed scores }
  }
  slashs(where: { taskId: $id }, limit: 1000) { items { operator reason amount toTreasury } }
  claims(where: { taskId: $id }, limit: 1000) { items { account kind amount } }
}`;

export async function taskReport(graphqlUrl: string, taskId: bigint): Promise<TaskReport> {
  const d = await graphql<{
    task: TaskReport["task"] | null;
    submissions: { items: LeaderboardRow[] };
    taskValidators: { items: ValidatorRow[] };
    slashs: { items: SlashRow[] };
    claims: { items: TaskReport["claims"] };
  }>(graphqlUrl, TASK_QUERY, { id: taskId.toString() });
  if (!d.task) throw new Error(`the indexer has no task ${taskId}`);
  const ranked = d.submissions.items.filter((s) => s.rank !== null);
  const unranked = d.submissions.items.filter((s) => s.rank === null);
  return {
    task: d.task,
    leaderboard: [...ranked, ...unranked],
    validators: d.taskValidators.items,
    slashes: d.slashs.items,
    claims: d.claims.items,
  };
}
