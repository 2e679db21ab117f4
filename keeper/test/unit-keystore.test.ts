/** V3 keystores: built here with node:crypto (scrypt or pbkdf2, aes-128-ctr, keccak MAC), then decrypted by the keeper. */
import { createCipheriv, pbkdf2Sync, randomBytes, scryptSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { concatBytes, keccak256 } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, describe, expect, it } from "vitest";
import { decryptKeystore, KeystoreError, loadKeystoreAccount } from "../src/chain/keystore.js";

const dir = mkdtempSync(join(tmpdir(), "flock-keystore-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PK = `0x${"4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"}` as const;

function keystore(pk: `0x${string}`, password: string, kdf: "scrypt" | "pbkdf2") {
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const dk =
    kdf === "scrypt"
      ? scryptSync(password, salt, 32, { N: 1024, r: 8, p: 1 })
      : pbkdf2Sync(password, salt, 1000, 32, "sha256");
  const cipher = createCipheriv("aes-128-ctr", dk.subarray(0, 16), iv);
  const ciphertext = Buffer.concat([cipher.update(Buffer.from(pk.slice(2), "hex")), cipher.final()]);
  const mac = keccak256(concatBytes([new Uint8Array(dk.subarray(16, 32)), new Uint8Array(ciphertext)])).slice(2);
  const kdfparams =
    kdf === "scrypt"
      ? { dklen: 32, n: 1024, r: 8, p: 1, salt: salt.toString("hex") }
      : { dklen: 32, c: 1000, prf: "hmac-sha256", salt: salt.toString("hex") };
  return {
    version: 3,
    id: "3198bc9c-6672-5ab3-d995-4942343ae5b6",
    address: privateKeyToAccount(pk).address.slice(2).toLowerCase(),
    crypto: {
      cipher: "aes-128-ctr",
      ciphertext: ciphertext.toString("hex"),
      cipherparams: { iv: iv.toString("hex") },
      kdf,
      kdfparams,
      mac,
    },
  };
}

describe("keystore", () => {
  it.each(["scrypt", "pbkdf2"] as const)("decrypts a %s keystore with the right password", (kdf) => {
    expect(decryptKeystore(keystore(PK, "correct horse", kdf), "correct horse")).toBe(PK);
  });

  it("rejects a wrong password with a KeystoreError (MAC mismatch), without the password in the message", () => {
    const ks = keystore(PK, "correct horse", "scrypt");
    expect(() => decryptKeystore(ks, "battery staple")).toThrow(KeystoreError);
    try {
      decryptKeystore(ks, "battery staple");
    } catch (e) {
      expect((e as Error).message).toMatch(/wrong keystore password/);
      expect((e as Error).message).not.toContain("battery");
    }
  });

  it("rejects what is not a V3 keystore, and unsupported ciphers", () => {
    expect(() => decryptKeystore({ version: 1 }, "x")).toThrow(KeystoreError);
    expect(() => decryptKeystore(null, "x")).toThrow(KeystoreError);
    const ks = keystore(PK, "p", "pbkdf2");
    expect(() => decryptKeystore({ ...ks, crypto: { ...ks.crypto, cipher: "aes-256-cbc" } }, "p")).toThrow(
      /unsupported cipher/,
    );
  });

  it("loads an account from a file; an unreadable file is a KeystoreError", async () => {
    const path = join(dir, "ks.json");
    writeFileSync(path, JSON.stringify(keystore(PK, "pw", "scrypt")));
    const account = await loadKeystoreAccount(path, "pw");
    expect(account.address).toBe(privateKeyToAccount(PK).address);
    await expect(loadKeystoreAccount(join(dir, "missing.json"), "pw")).rejects.toBeInstanceOf(KeystoreError);
    writeFileSync(join(dir, "bad.json"), "{not json");
    await expect(loadKeystoreAccount(join(dir, "bad.json"), "pw")).rejects.toBeInstanceOf(KeystoreError);
  });
});
