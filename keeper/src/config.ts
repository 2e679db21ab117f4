/**
 * The keeper's configuration: typed data read once, from flags and environment, validated with zod.
 * This is the only module that reads `process.env`. Every bad value is reported, all at once, one problem per value
 * with the variable or flag that carried it; nothing else runs (no transaction is sent) when the configuration is
 * invalid.
 */
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";

/** Every setting, with the environment variable and the flag that set it. */
export const SETTINGS = {
  rpcUrl: {
    env: "FLOCK_RPC_URL",
    flag: "--rpc-url",
    doc: "JSON-RPC endpoint of the chain",
    def: "http://127.0.0.1:8545",
  },
  privateKey: {
    env: "FLOCK_PRIVATE_KEY",
    flag: "--private-key",
    doc: "0x-prefixed 32-byte hex key of the account that signs",
  },
  keystore: {
    env: "FLOCK_KEYSTORE",
    flag: "--keystore",
    doc: "path of an Ethereum V3 keystore JSON (instead of a private key)",
  },
  keystorePassword: { env: "FLOCK_KEYSTORE_PASSWORD", flag: "--keystore-password", doc: "password of the keystore" },
  indexerUrl: {
    env: "FLOCK_INDEXER_URL",
    flag: "--indexer-url",
    doc: "base URL of the FLock indexer (GraphQL at /graphql)",
  },
  ipfs: {
    env: "FLOCK_IPFS",
    flag: "--ipfs",
    doc: "`embedded` (Helia in the data dir) or the http(s) URL of a Kubo RPC API",
    def: "embedded",
  },
  ipfsGateways: {
    env: "FLOCK_IPFS_GATEWAYS",
    flag: "--ipfs-gateways",
    doc: "comma-separated trustless gateways the embedded node fetches missing blocks from (verified)",
  },
  dataDir: {
    env: "FLOCK_DATA_DIR",
    flag: "--data-dir",
    doc: "where the bot keeps its IPFS blocks, journal and models",
    def: ".flock",
  },
  deployments: {
    env: "FLOCK_DEPLOYMENTS",
    flag: "--deployments",
    doc: "deployments JSON (chain id, addresses, start block)",
    def: "deployments/31337.json",
  },
  logLevel: {
    env: "FLOCK_LOG_LEVEL",
    flag: "--log-level",
    doc: "trace | debug | info | warn | error | silent",
    def: "info",
  },
  pollMs: {
    env: "FLOCK_POLL_MS",
    flag: "--poll-ms",
    doc: "how often watching bots poll the chain, in ms",
    def: "1000",
  },
  logRange: {
    env: "FLOCK_LOG_RANGE",
    flag: "--log-range",
    doc: "most blocks one eth_getLogs call may span (public RPCs cap it, commonly at 2,000-10,000)",
    def: "2000",
  },
  txTimeoutMs: {
    env: "FLOCK_TX_TIMEOUT_MS",
    flag: "--tx-timeout-ms",
    doc: "how long to wait for a receipt, in ms",
    def: "60000",
  },
} as const;

export type SettingName = keyof typeof SETTINGS;

const hexKey = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x followed by 64 hex digits");
const httpUrl = z.string().refine((u) => /^https?:\/\/\S+$/.test(u) && URL.canParse(u), "must be an http(s) URL");

const schema = z
  .object({
    rpcUrl: httpUrl,
    privateKey: hexKey.optional(),
    keystore: z.string().min(1).optional(),
    keystorePassword: z.string().optional(),
    indexerUrl: httpUrl.optional(),
    ipfs: z.union([z.literal("embedded"), httpUrl], {
      error: "must be `embedded` or an http(s) URL of a Kubo RPC API",
    }),
    ipfsGateways: z.array(httpUrl).default([]),
    dataDir: z.string().min(1),
    deployments: z.string().min(1),
    logLevel: z.enum(["trace", "debug", "info", "warn", "error", "silent"]),
    pollMs: z.coerce.number().int().min(50).max(600_000),
    logRange: z.coerce.number().int().min(1).max(1_000_000),
    txTimeoutMs: z.coerce.number().int().min(1_000).max(3_600_000),
  })
  .refine((c) => !(c.privateKey && c.keystore), {
    message: "give either a private key or a keystore, not both",
    path: ["privateKey"],
  })
  .refine((c) => !c.keystore || c.keystorePassword !== undefined, {
    message: "a keystore needs FLOCK_KEYSTORE_PASSWORD",
    path: ["keystorePassword"],
  });

export type Config = z.infer<typeof schema> & { cwd: string };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
  }
}

/** Flags as commander hands them over (camelCase keys, strings). */
export type Flags = Partial<Record<SettingName, string | undefined>>;

/** Reads flags over environment over defaults, validates, and returns the typed config (paths made absolute). */
export function readConfig(flags: Flags = {}, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const raw: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(SETTINGS) as [SettingName, (typeof SETTINGS)[SettingName]][]) {
    const value = flags[name] ?? nonEmpty(env[s.env]) ?? ("def" in s ? s.def : undefined);
    raw[name] = value;
  }
  raw.ipfsGateways =
    typeof raw.ipfsGateways === "string"
      ? raw.ipfsGateways
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const name = String(i.path[0] ?? "") as SettingName;
        const s = SETTINGS[name];
        const where = s ? `${s.env} / ${s.flag}` : name;
        const shown =
          s && name !== "privateKey" && name !== "keystorePassword" ? ` (got ${JSON.stringify(raw[name])})` : "";
        return `${where}: ${i.message}${shown}`;
      }),
    );
  }
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  return { ...parsed.data, dataDir: abs(parsed.data.dataDir), deployments: abs(parsed.data.deployments), cwd };
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === "" ? undefined : v;
}
