/**
 * `npm run sites -- console-grant|console-link`: who may use the console, and a way in without
 * Cloudflare Access.
 *
 *   console-grant <siteId> <email> owner|compliance|viewer   gives a person a role on a site
 *   console-link <email> [--origin <url>]          prints a one-time sign-in link
 *
 * Both write D1 through scripts/cli-store.ts, local by default,
 * the deployed database with --remote. A link's token is printed once and only its SHA-256 is
 * stored, as the Worker stores the links it makes (worker/console/store.ts); it works once,
 * within ten minutes. A link for an address with no role anywhere is refused: it would open an
 * empty console.
 */
import { createHash, randomBytes } from "node:crypto";
import { ConsoleEmail, ConsoleRole, SiteId } from "../worker/contract";
import { canonicalJson } from "../worker/lib/canonical-json";
import { CliError } from "./cli-error";
import { type StoreTarget, execute, siteExists, sqlText, where } from "./cli-store";

/** Where `npm start` serves the Worker: the default origin of a local link. */
export const LOCAL_ORIGIN = "http://127.0.0.1:8787";
/** How long a link works: the Worker's LINK_TTL_MS. */
const LINK_MINUTES = 10;

function email(raw: string): string {
  const parsed = ConsoleEmail.safeParse(raw);
  if (!parsed.success) throw new CliError(`"${raw}" is not an email address.`);
  return parsed.data;
}

/** Gives `rawEmail` the role `rawRole` on `siteId` (the site must exist in the same target). */
export async function grantRole(siteId: string, rawEmail: string, rawRole: string, target: StoreTarget): Promise<string> {
  if (!SiteId.safeParse(siteId).success) throw new CliError(`"${siteId}" is not a valid site id (1–48 of a-z, 0-9 and '-').`);
  const role = ConsoleRole.safeParse(rawRole);
  if (!role.success) throw new CliError(`A role is "owner", "compliance" or "viewer", not "${rawRole}".`);
  const address = email(rawEmail);
  if (!(await siteExists(siteId, target)))
    throw new CliError(`No site "${siteId}" in the ${where(target)} SITES namespace: push its config first. Nobody was given a role.`);
  const now = new Date().toISOString();
  // The audit row's fingerprints are the console's (worker/console/fingerprint.ts).
  const fp = (r: string) => createHash("sha256").update(canonicalJson({ siteId, email: address, role: r })).digest("hex");
  const before = (await execute(`SELECT role FROM console_members WHERE site_id = ${sqlText(siteId)} AND email = ${sqlText(address)}`, target)) as { role: string }[];
  if (before[0]?.role === role.data) return `${address} already has the ${role.data} role on site "${siteId}" (${where(target)} database).`;
  const beforeFp = before[0] ? sqlText(fp(before[0].role)) : "NULL";
  await execute(
    `INSERT INTO console_members (site_id, email, role, added_at, added_by) VALUES (${sqlText(siteId)}, ${sqlText(address)}, ${sqlText(role.data)}, ${sqlText(now)}, 'cli')
     ON CONFLICT (site_id, email) DO UPDATE SET role = excluded.role;
     INSERT INTO console_audit (site_id, actor, action, target, before_fp, after_fp, at)
       VALUES (${sqlText(siteId)}, 'cli', 'member.grant', ${sqlText(address)}, ${beforeFp}, ${sqlText(fp(role.data))}, ${sqlText(now)})`,
    target,
  );
  return `${address} now has the ${role.data} role on site "${siteId}" (${where(target)} database).`;
}

/** A new sign-in link for `rawEmail` on `origin`; returns the URL (printed once, never stored). */
export async function createConsoleLink(rawEmail: string, origin: string, target: StoreTarget): Promise<string> {
  const address = email(rawEmail);
  let base: URL;
  try {
    base = new URL(origin);
    if (!["http:", "https:"].includes(base.protocol)) throw new Error("scheme");
  } catch {
    throw new CliError(`--origin must be the Worker's http(s) origin, such as https://consent.example.com, not "${origin}".`);
  }
  const roles = await execute(`SELECT site_id FROM console_members WHERE email = ${sqlText(address)} LIMIT 1`, target);
  if (roles.length === 0)
    throw new CliError(`${address} has no role on any site in the ${where(target)} database. Give one first: npm run sites -- console-grant <siteId> ${address} owner`);
  const token = randomBytes(32).toString("base64url");
  const hash = createHash("sha256").update(token).digest("hex");
  const now = new Date();
  await execute(
    `INSERT INTO console_links (token_hash, email, created_at, expires_at) VALUES ('${hash}', ${sqlText(address)}, ${sqlText(now.toISOString())}, ${sqlText(new Date(now.getTime() + LINK_MINUTES * 60_000).toISOString())})`,
    target,
  );
  return `${base.origin}/console/sign-in?token=${token}`;
}

/** How long a link printed now works, for the CLI's message. */
export const LINK_VALID_FOR = `${LINK_MINUTES} minutes`;
