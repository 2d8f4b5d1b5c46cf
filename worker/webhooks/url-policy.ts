/**
 * Which webhook URLs Assent may POST to. A webhook URL is chosen by whoever holds a site's API
 * key, and the Worker then sends requests to it and reports how they went: without a policy that
 * is a server-side request forgery tool, aimed at loopback services, cloud metadata endpoints
 * (169.254.169.254, metadata.google.internal) or a private network.
 *
 * This module is pure (no DNS, no I/O): it judges the URL as written, after the WHATWG URL parser
 * has normalised it. That parser is relied on deliberately: it turns every IPv4 spelling
 * (`2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`) into dotted decimal and every IPv6 literal into
 * its compressed lowercase form (`[::ffff:127.0.0.1]` → `[::ffff:7f00:1]`), so the small parsers
 * below only have to read canonical forms — and still refuse anything else they cannot read.
 *
 * Rules:
 * - only `http:`/`https:`, never with credentials (`user:pass@`), and https for every host;
 * - no IP literal outside public unicast space (the ranges below, each with its reason);
 * - no name that only resolves inside a network: `localhost` and `*.localhost`, `*.internal`,
 *   `*.local`, `*.localdomain`, `*.home.arpa`, and single-label names (`intranet`);
 * - in local development (`devMode`), `localhost`, `127.0.0.1` and `[::1]`, written exactly so,
 *   are allowed over http or https on any port, so a receiver on the developer's machine works;
 *   other spellings of loopback (`2130706433`, `0x7f.1`, `localhost.`) and everything else follow
 *   the rules above.
 *
 * A public name can still resolve to a private address; that is beyond a pure check (and beyond
 * what a Worker can see), which is why delivery errors are reported in fixed words only.
 */

/** Why a URL is refused: a fixed, short vocabulary, safe to show (it never echoes the URL). */
export type UrlProblem =
  | "invalid URL"
  | "scheme not allowed"
  | "credentials in URL"
  | "https required"
  | "localhost name"
  | "internal name"
  | "single-label name"
  | "invalid address"
  | "unspecified address"
  | "loopback address"
  | "private address"
  | "shared (CGNAT) address"
  | "link-local address"
  | "unique local address"
  | "site-local address"
  | "multicast address"
  | "broadcast address"
  | "reserved address"
  | "IETF protocol address"
  | "benchmarking address"
  | "documentation address"
  | "NAT64 local-use address";

/** The hosts allowed in local development, over http or https (as `URL.hostname` spells them). */
const DEV_LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * True when the URL was written with its host exactly as the parser serialises it (`scheme://`,
 * the host character for character, then a port, path, query, fragment or the end), so the
 * local development exception covers `http://127.0.0.1:8787/` but not the same address spelt
 * `http://0x7f.1/` or `http://LOCALHOST./`. No userinfo is possible here: URLs with
 * credentials are refused before.
 */
function hostWrittenAsParsed(url: string, u: URL): boolean {
  const scheme = u.protocol.length; // "http:" or "https:"; only the scheme may differ in case
  if (url.slice(0, scheme).toLowerCase() !== u.protocol) return false;
  const authority = `//${u.hostname}`;
  if (url.slice(scheme, scheme + authority.length) !== authority) return false;
  const next = url.charAt(scheme + authority.length);
  return next === "" || next === ":" || next === "/" || next === "?" || next === "#";
}

/**
 * Name suffixes that only resolve inside a network (a name equal to one, or ending in `.` + it):
 * - `localhost`: the machine itself (RFC 6761 §6.3), whatever a resolver answers for it;
 * - `internal`: reserved for private use (ICANN, 2024); cloud metadata lives at
 *   `metadata.google.internal`, and AWS/GCP VPC names end in it;
 * - `local`: multicast DNS on the local link (RFC 6762);
 * - `localdomain`: the conventional local domain of many hosts' resolver configurations;
 * - `home.arpa`: home networks (RFC 8375).
 */
const INTERNAL_SUFFIXES = ["internal", "local", "localdomain", "home.arpa"] as const;

// ---------------------------------------------------------------------------------------------
// IPv4

/** Parses strict dotted-decimal IPv4 (`a.b.c.d`, no leading zeros) into a 32-bit number, or null. */
export function parseIPv4(text: string): number | null {
  let value = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e; // a final "." closes the last part
    if (c === 0x2e) {
      if (digits === 0 || part > 255) return null;
      value = value * 256 + part;
      parts++;
      part = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits === 1 && part === 0) return null; // a leading zero: octal in some parsers
      if (++digits > 3) return null;
      part = part * 10 + (c - 0x30);
    } else return null;
  }
  return parts === 4 ? value : null;
}

/** An IPv4 prefix: the address as a 32-bit number and how many leading bits are fixed. */
interface Range4 {
  base: number;
  bits: number;
  problem: UrlProblem;
}

function range4(cidr: string, problem: UrlProblem): Range4 {
  const slash = cidr.indexOf("/");
  const base = parseIPv4(cidr.slice(0, slash));
  if (base === null) throw new Error("bad range");
  return { base, bits: Number(cidr.slice(slash + 1)), problem };
}

/**
 * IPv4 space that is not public unicast (IANA special-purpose registry, RFC 6890 and successors).
 * Checked in order; the most specific entry comes first where ranges nest.
 */
const REFUSED_IPV4: readonly Range4[] = [
  // The limited broadcast address reaches every host on the sender's link (RFC 919).
  range4("255.255.255.255/32", "broadcast address"),
  // "This network": 0.0.0.0 means "any local interface" to many stacks, i.e. the host itself.
  range4("0.0.0.0/8", "unspecified address"),
  // Private networks (RFC 1918): the operator's, or the provider's, internal services.
  range4("10.0.0.0/8", "private address"),
  // Carrier-grade NAT shared space (RFC 6598): the provider's side of a NAT, not the Internet.
  range4("100.64.0.0/10", "shared (CGNAT) address"),
  // Loopback (RFC 1122): the sending machine itself, where admin ports listen.
  range4("127.0.0.0/8", "loopback address"),
  // Link-local (RFC 3927): cloud instance metadata (169.254.169.254) with its credentials.
  range4("169.254.0.0/16", "link-local address"),
  range4("172.16.0.0/12", "private address"),
  // IETF protocol assignments (RFC 6890), e.g. DS-Lite and NAT64 discovery; not destinations.
  range4("192.0.0.0/24", "IETF protocol address"),
  // Documentation TEST-NET-1/2/3 (RFC 5737): never routed, only a probe would use them.
  range4("192.0.2.0/24", "documentation address"),
  // The deprecated 6to4 relay anycast prefix (RFC 7526): a tunnel entry, not a receiver.
  range4("192.88.99.0/24", "reserved address"),
  range4("192.168.0.0/16", "private address"),
  // Benchmarking (RFC 2544): test networks inside a lab, never the Internet.
  range4("198.18.0.0/15", "benchmarking address"),
  range4("198.51.100.0/24", "documentation address"),
  range4("203.0.113.0/24", "documentation address"),
  // Multicast (RFC 5771): group traffic, usually confined to a local network.
  range4("224.0.0.0/4", "multicast address"),
  // Reserved for future use (RFC 1112): not routed.
  range4("240.0.0.0/4", "reserved address"),
];

/** Why an IPv4 address (as a 32-bit number) is refused, or null when it is public unicast. */
export function ipv4Problem(address: number): UrlProblem | null {
  for (const r of REFUSED_IPV4) {
    const shift = 32 - r.bits;
    // Divisions rather than `>>>`, which would read a 32-bit shift as a shift by 0.
    if (Math.floor(address / 2 ** shift) === Math.floor(r.base / 2 ** shift)) return r.problem;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// IPv6

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** Reads one colon-separated side of an IPv6 address into 16-bit groups; null if malformed. */
function ipv6Groups(side: string, mayEndInIPv4: boolean): number[] | null {
  if (side === "") return [];
  const groups: number[] = [];
  const pieces = side.split(":");
  for (let p = 0; p < pieces.length; p++) {
    const piece = pieces[p]!;
    if (mayEndInIPv4 && p === pieces.length - 1 && piece.includes(".")) {
      const v4 = parseIPv4(piece);
      if (v4 === null) return null;
      groups.push(Math.floor(v4 / 0x10000), v4 % 0x10000);
      continue;
    }
    if (piece.length === 0 || piece.length > 4) return null;
    let value = 0;
    for (let i = 0; i < piece.length; i++) {
      const h = hexValue(piece.charCodeAt(i));
      if (h < 0) return null;
      value = value * 16 + h;
    }
    groups.push(value);
  }
  return groups;
}

/**
 * Parses an IPv6 address (with or without brackets; `::` compression and a trailing dotted IPv4
 * allowed; no zone id) into its eight 16-bit groups, or null.
 */
export function parseIPv6(text: string): number[] | null {
  let s = text;
  if (s.startsWith("[") && s.endsWith("]")) s = s.slice(1, -1);
  if (s === "") return null;
  const gap = s.indexOf("::");
  if (gap === -1) {
    const groups = ipv6Groups(s, true);
    return groups !== null && groups.length === 8 ? groups : null;
  }
  if (s.indexOf("::", gap + 1) !== -1) return null; // at most one "::" (also rejects ":::")
  const head = ipv6Groups(s.slice(0, gap), false);
  const tail = ipv6Groups(s.slice(gap + 2), true);
  if (head === null || tail === null || head.length + tail.length > 7) return null;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** The IPv4 address carried in the last 32 bits of an IPv6 address. */
function embeddedIPv4(g: readonly number[]): number {
  return g[6]! * 0x10000 + g[7]!;
}

/** True when groups 0 to `count - 1` are all zero. */
function zeroUpTo(g: readonly number[], count: number): boolean {
  for (let i = 0; i < count; i++) if (g[i] !== 0) return false;
  return true;
}

/**
 * Why an IPv6 address (eight 16-bit groups) is refused, or null when it is public unicast.
 * Addresses that carry an IPv4 address a stack may route to it are judged by that address.
 */
export function ipv6Problem(g: readonly number[]): UrlProblem | null {
  if (g.length !== 8) return "invalid address";
  // `::` is "any address", which connects to the host itself; `::1` is loopback (RFC 4291).
  if (zeroUpTo(g, 8)) return "unspecified address";
  if (zeroUpTo(g, 7) && g[7] === 1) return "loopback address";
  // IPv4-mapped `::ffff:0:0/96` (RFC 4291) and IPv4-compatible `::/96` (deprecated, still honoured
  // by some stacks): a dual-stack socket sends them to the IPv4 address they carry.
  if (zeroUpTo(g, 5) && g[5] === 0xffff) return ipv4Problem(embeddedIPv4(g));
  if (zeroUpTo(g, 6)) return ipv4Problem(embeddedIPv4(g));
  // IPv4-translated `::ffff:0:0:0/96` (SIIT, RFC 2765): translated to the IPv4 address it carries.
  if (zeroUpTo(g, 4) && g[4] === 0xffff && g[5] === 0) return ipv4Problem(embeddedIPv4(g));
  // NAT64 well-known prefix `64:ff9b::/96` (RFC 6052): the gateway connects to the IPv4 address.
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0)
    return ipv4Problem(embeddedIPv4(g));
  // NAT64 local-use prefix `64:ff9b:1::/48` (RFC 8215): a network's own translator, any layout.
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return "NAT64 local-use address";
  // 6to4 `2002::/16` (RFC 3056): relays forward to the IPv4 address in groups 1–2.
  if (g[0] === 0x2002) return ipv4Problem(g[1]! * 0x10000 + g[2]!);
  // Link-local `fe80::/10` (RFC 4291): the sender's own link, like 169.254/16.
  if ((g[0]! & 0xffc0) === 0xfe80) return "link-local address";
  // Site-local `fec0::/10` (deprecated by RFC 3879, still private wherever it is used).
  if ((g[0]! & 0xffc0) === 0xfec0) return "site-local address";
  // Unique local `fc00::/7` (RFC 4193): IPv6's private networks.
  if ((g[0]! & 0xfe00) === 0xfc00) return "unique local address";
  // Multicast `ff00::/8` (RFC 4291).
  if ((g[0]! & 0xff00) === 0xff00) return "multicast address";
  // IETF protocol assignments `2001::/23` (RFC 2928): Teredo tunnels (2001::/32), benchmarking
  // (2001:2::/48), ORCHID identifiers; none of them is a web server.
  if (g[0] === 0x2001 && g[1]! < 0x200) return "IETF protocol address";
  // Documentation `2001:db8::/32` (RFC 3849) and `3fff::/20` (RFC 9637): never routed.
  if (g[0] === 0x2001 && g[1] === 0x0db8) return "documentation address";
  if ((g[0]! & 0xfff0) === 0x3ff0) return "documentation address";
  // Only `2000::/3` is allocated as global unicast (RFC 4291 §2.4); the rest (discard-only
  // `100::/64`, SRv6 SIDs `5f00::/16`, unassigned space) is not a destination on the Internet.
  if ((g[0]! & 0xe000) !== 0x2000) return "reserved address";
  return null;
}

// ---------------------------------------------------------------------------------------------
// Names

/** True when `name` is `suffix` or ends with `.` + `suffix`. */
function inDomain(name: string, suffix: string): boolean {
  return name === suffix || (name.endsWith(suffix) && name.charCodeAt(name.length - suffix.length - 1) === 0x2e);
}

/** True when the last label of a name is a number (decimal or 0x hex), i.e. it is meant as IPv4. */
function endsInNumber(name: string): boolean {
  const label = name.slice(name.lastIndexOf(".") + 1);
  if (label === "") return false;
  let i = 0;
  let hex = false;
  if (label.length > 1 && label[0] === "0" && (label[1] === "x" || label[1] === "X")) {
    i = 2;
    hex = true;
  }
  for (; i < label.length; i++) {
    const c = label.charCodeAt(i);
    if (!(hex ? hexValue(c) >= 0 : c >= 0x30 && c <= 0x39)) return false;
  }
  return true;
}

/**
 * Why a host name (lowercase, as `URL.hostname` gives it; not an IP literal) is refused, or
 * null. Trailing dots (the DNS root, `localhost.`) are ignored.
 */
export function hostnameProblem(hostname: string): UrlProblem | null {
  let end = hostname.length;
  while (end > 0 && hostname.charCodeAt(end - 1) === 0x2e) end--;
  const name = hostname.slice(0, end).toLowerCase();
  if (name === "") return "invalid URL";
  // A numeric last label means an IPv4 address; the URL parser has turned every valid one into
  // dotted decimal, so one still spelled otherwise is malformed.
  if (endsInNumber(name)) return "invalid address";
  if (inDomain(name, "localhost")) return "localhost name";
  for (const suffix of INTERNAL_SUFFIXES) if (inDomain(name, suffix)) return "internal name";
  // A name without a dot is completed by the resolver's search domains: an intranet host.
  if (!name.includes(".")) return "single-label name";
  return null;
}

/** Why a URL host (as `URL.hostname` gives it: IPv6 in brackets) is refused, or null. */
export function hostProblem(hostname: string): UrlProblem | null {
  if (hostname.startsWith("[")) {
    const groups = parseIPv6(hostname);
    return groups === null ? "invalid address" : ipv6Problem(groups);
  }
  const v4 = parseIPv4(hostname);
  return v4 !== null ? ipv4Problem(v4) : hostnameProblem(hostname);
}

// ---------------------------------------------------------------------------------------------
// URLs

/** A policy verdict: the normalised URL to send to, or why it is refused. */
export type UrlVerdict = { ok: true; url: URL } | { ok: false; problem: UrlProblem };

/**
 * Judges a webhook URL. `devMode` is true only in local development (env `DEV_MODE` "true"); it
 * allows http and https to exactly `localhost`, `127.0.0.1` and `[::1]` (as written), any port. Callers that
 * send should send to the returned `url.href`, so what was judged is what is fetched.
 */
export function judgeWebhookUrl(url: string, devMode: boolean): UrlVerdict {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, problem: "invalid URL" };
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return { ok: false, problem: "scheme not allowed" };
  // Credentials in a URL end up in logs and can disguise the real host to a reader.
  if (u.username !== "" || u.password !== "") return { ok: false, problem: "credentials in URL" };
  if (devMode && DEV_LOOPBACK_HOSTS.has(u.hostname) && hostWrittenAsParsed(url, u)) return { ok: true, url: u };
  const problem = hostProblem(u.hostname);
  if (problem !== null) return { ok: false, problem };
  // Events carry email addresses and consent state: never in clear text over the Internet.
  if (u.protocol !== "https:") return { ok: false, problem: "https required" };
  return { ok: true, url: u };
}

/** Why a webhook URL is refused (see `judgeWebhookUrl`), or null when it is allowed. */
export function webhookUrlProblem(url: string, devMode: boolean): UrlProblem | null {
  const verdict = judgeWebhookUrl(url, devMode);
  return verdict.ok ? null : verdict.problem;
}
