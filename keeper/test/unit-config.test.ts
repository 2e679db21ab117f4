/** The configuration reader: every bad value is a ConfigError naming the env var and the flag; secrets never shown. */
import { describe, expect, it } from "vitest";
import { ConfigError, readConfig, SETTINGS, type SettingName } from "../src/config.js";

const KEY = `0x${"ab".repeat(32)}`;

function problems(flags: Record<string, string>, env: Record<string, string> = {}): string[] {
  try {
    readConfig(flags, env, "/work");
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("readConfig", () => {
  it("has working defaults and makes paths absolute", () => {
    const c = readConfig({}, {}, "/work");
    expect(c.rpcUrl).toBe("http://127.0.0.1:8545");
    expect(c.ipfs).toBe("embedded");
    expect(c.dataDir).toBe("/work/.flock");
    expect(c.deployments).toBe("/work/deployments/31337.json");
    expect(c.pollMs).toBe(1000);
    expect(c.ipfsGateways).toEqual([]);
    expect(c.logRange).toBe(2000);
  });

  it("takes flags over environment over defaults; empty env values count as unset", () => {
    const c = readConfig(
      { pollMs: "300" },
      { FLOCK_POLL_MS: "700", FLOCK_RPC_URL: "", FLOCK_IPFS_GATEWAYS: "http://a:1, http://b:2" },
      "/w",
    );
    expect(c.pollMs).toBe(300);
    expect(c.rpcUrl).toBe("http://127.0.0.1:8545");
    expect(c.ipfsGateways).toEqual(["http://a:1", "http://b:2"]);
    expect(readConfig({}, { FLOCK_POLL_MS: "700" }, "/w").pollMs).toBe(700);
  });

  const bad: [SettingName, string][] = [
    ["rpcUrl", "ftp://example.org"],
    ["rpcUrl", "localhost:8545"],
    ["indexerUrl", "not a url"],
    ["ipfs", "ipfs://nope"],
    ["ipfsGateways", "http://ok:1,gopher://bad"],
    ["logLevel", "loud"],
    ["pollMs", "10"],
    ["pollMs", "abc"],
    ["txTimeoutMs", "5"],
    ["txTimeoutMs", "1.5"],
    ["logRange", "0"],
    ["logRange", "2k"],
  ];
  it.each(bad)("rejects %s = %j, naming the variable, the flag and the value", (name, value) => {
    const s = SETTINGS[name];
    for (const p of [problems({ [name]: value }), problems({}, { [s.env]: value })]) {
      expect(p).toHaveLength(1);
      expect(p[0]).toContain(s.env);
      expect(p[0]).toContain(s.flag);
      expect(p[0]).toContain(value.split(",").at(-1)!);
    }
  });

  it("rejects a malformed private key without ever echoing it", () => {
    const secret = `0x${"5e".repeat(31)}`; // 31 bytes
    const [p] = problems({}, { FLOCK_PRIVATE_KEY: secret });
    expect(p).toContain("FLOCK_PRIVATE_KEY");
    expect(p).toContain("--private-key");
    expect(p).not.toContain(secret);
    expect(p).not.toContain("5e5e");
    const [q] = problems({ privateKey: "hunter2hunter2" });
    expect(q).not.toContain("hunter2");
  });

  it("never echoes the keystore password, and requires one with a keystore", () => {
    const [p] = problems({ keystore: "/k.json" });
    expect(p).toContain("FLOCK_KEYSTORE_PASSWORD");
    expect(p).toContain("--keystore-password");
    const msgs = problems({ keystore: "/k.json", keystorePassword: "s3cr3t-pw", privateKey: "0xnothex" });
    expect(msgs.join("\n")).not.toContain("s3cr3t-pw");
    expect(msgs.join("\n")).not.toContain("0xnothex");
  });

  it("refuses both a private key and a keystore", () => {
    const [p] = problems({ privateKey: KEY, keystore: "/k.json", keystorePassword: "x" });
    expect(p).toMatch(/either a private key or a keystore/);
    expect(p).not.toContain(KEY);
  });

  it("reports every bad value at once, in one error message", () => {
    const p = problems({ rpcUrl: "nope", logLevel: "loud" }, { FLOCK_POLL_MS: "1" });
    expect(p).toHaveLength(3);
    try {
      readConfig({ rpcUrl: "nope", logLevel: "loud" }, {}, "/");
    } catch (e) {
      expect((e as Error).message).toMatch(/FLOCK_RPC_URL[\s\S]*FLOCK_LOG_LEVEL/);
    }
  });

  it("accepts a good key, an https Kubo URL and gateways", () => {
    const c = readConfig(
      { privateKey: KEY, ipfs: "https://kubo.example:5001", ipfsGateways: "http://127.0.0.1:8080" },
      {},
      "/",
    );
    expect(c.privateKey).toBe(KEY);
    expect(c.ipfs).toBe("https://kubo.example:5001");
    expect(c.ipfsGateways).toEqual(["http://127.0.0.1:8080"]);
  });
});
