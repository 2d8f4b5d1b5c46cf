/**
 * The scanner's HTML report (`npm run scan -- <url> --html <file>`): one self-contained file a
 * site owner can open, archive or attach to a ticket. Inline CSS only, no script, screenshots as
 * data URIs. Everything in a report that came from the scanned site (cookie names, URLs, button
 * labels, colours) is hostile input: every value goes through `escapeHtml` (the `html` template
 * below escapes whatever it is given unless it is already markup), URLs become links only when
 * they are http(s), and a colour reaches a `style` attribute only when it is a plain colour.
 *
 * Accessible (axe: WCAG 2.2 AA and best practice): landmarks, captioned tables with scoped
 * headers, headings without skips, no ids but the sections' fixed ones, 4.5:1 text everywhere.
 */
import type {
  ScanButtonStyle,
  ScanConsentModeCall,
  ScanCookie,
  ScanEvidence,
  ScanFinding,
  ScanObservation,
  ScanProfileId,
  ScanReport,
  ScanSeverity,
  ScanState,
  ScanSuggestion,
} from "../worker/contract";
// A type only: index.ts imports this module's caller, and nothing of index.ts is needed at run time.
import type { ScanScreenshot } from "./index";
import { PROFILES } from "./profiles";
import { RULES } from "./rules";

/** Escapes text for HTML content and for double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Markup that is already safe (built by `html`), as opposed to text, which gets escaped. */
class Html {
  constructor(readonly markup: string) {}
}

type Part = Html | string | number | null | undefined | false | Part[];

function render(part: Part): string {
  if (part instanceof Html) return part.markup;
  if (Array.isArray(part)) return part.map(render).join("");
  if (part === null || part === undefined || part === false) return "";
  return escapeHtml(String(part));
}

/** A template that escapes every interpolated value except markup built by `html` itself. */
function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new Html(out);
}

/** Trusted text with `code` spans in backticks (the rules' explanations), as markup. */
function withCode(text: string): Html {
  return new Html(escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>"));
}

/** An http(s) URL, or null: anything else (javascript:, data:) never becomes a link. */
function safeHref(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/** A link to an http(s) URL, or the text alone. */
function link(url: string, text: string = url): Html {
  const href = safeHref(url);
  return href ? html`<a href="${href}" rel="noreferrer">${text}</a>` : html`${text}`;
}

/** A plain colour (hex, rgb()/rgba()/hsl()/hsla() of numbers, or a keyword), safe in a `style` attribute. */
const PLAIN_COLOUR = /^(?:#[0-9a-f]{3,8}|(?:rgb|rgba|hsl|hsla)\([\d.,%\s/]+\)|[a-z]{3,30})$/i;

function colour(value: string): Html {
  const swatch = PLAIN_COLOUR.test(value.trim()) ? html`<span class="swatch" style="background-color: ${value.trim()}" aria-hidden="true"></span>` : "";
  return html`${swatch}<code>${value}</code>`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const SEVERITIES: { severity: ScanSeverity; label: string; heading: string; one: string; many: string }[] = [
  { severity: "error", label: "Error", heading: "Errors", one: "error", many: "errors" },
  { severity: "warning", label: "Warning", heading: "Warnings", one: "warning", many: "warnings" },
  { severity: "info", label: "Note", heading: "Notes", one: "note", many: "notes" },
];
const SEVERITY_LABEL = Object.fromEntries(SEVERITIES.map((s) => [s.severity, s.label])) as Record<ScanSeverity, string>;

const STATE_LABELS: Record<ScanState, string> = {
  before: "before a choice",
  reject: "after Reject all",
  "reject-reload": "after Reject all and a reload",
  "reject-next-page": "after Reject all, on another page",
  accept: "after Accept all",
  escape: "after Escape on the banner",
};

const profileLabel = (id: ScanProfileId) => PROFILES[id]?.label ?? id;
const stateLabel = (state: ScanState | null) => (state ? STATE_LABELS[state] : "any state");

function days(value: number | null): string {
  if (value === null) return "session";
  const rounded = Math.abs(value) < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  return rounded === 1 ? "1 day" : `${rounded} days`;
}

const party = (thirdParty: boolean) => (thirdParty ? "third party" : "first party");
const round1 = (n: number) => String(Math.round(n * 10) / 10);

/** A time as "2026-07-02 10:00:00 UTC" in a `<time>` element. */
function time(iso: string): Html {
  const d = new Date(iso);
  const text = Number.isNaN(d.getTime()) ? iso : d.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
  return html`<time datetime="${iso}">${text}</time>`;
}

/** A list of terms and values. */
function keyValues(rows: [term: string, value: Part][]): Html {
  return html`<dl class="kv">${rows.map(([term, value]) => html`<dt>${term}</dt><dd>${value}</dd>`)}</dl>`;
}

/** A table with a caption, column headers and rows (the first cell of each a row header). */
function table(caption: Part, headers: string[], rows: Part[][], className = ""): Html {
  return html`<table${className ? html` class="${className}"` : ""}>
<caption>${caption}</caption>
<thead><tr>${headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${rows.map((cells) => html`<tr>${cells.map((cell, i) => (i === 0 ? html`<th scope="row">${cell}</th>` : html`<td>${cell}</td>`))}</tr>`)}</tbody>
</table>`;
}

/**
 * A wide table in a box that scrolls sideways on a narrow screen (320 px) instead of the page: a
 * named region that takes focus, so keyboard users can scroll it too. `label` must be unique.
 */
function scrolling(content: Html, label: string): Html {
  return html`<div class="scroll" role="region" aria-label="${label}" tabindex="0">${content}</div>`;
}

function consentModeTable(calls: ScanConsentModeCall[], caption: string): Html {
  if (!calls.length) return html`<p>No Consent Mode commands.</p>`;
  const values = (c: ScanConsentModeCall) => {
    const entries = Object.entries(c.values ?? {});
    return entries.length ? entries.map(([type, value], i) => html`${i ? ", " : ""}<code>${type}</code>: ${value}`) : "—";
  };
  return table(caption, ["Command", "Target", "Values"], calls.map((c) => [c.command, c.target ?? "—", values(c)]), "compact");
}

function buttonsTable(accept: ScanButtonStyle, reject: ScanButtonStyle | null): Html {
  const rows: [string, (b: ScanButtonStyle) => Part][] = [
    ["Label", (b) => b.label || "(no text)"],
    ["Size", (b) => `${Math.round(b.width)}×${Math.round(b.height)} px`],
    ["Font size", (b) => `${round1(b.fontSize)} px`],
    ["Font weight", (b) => String(b.fontWeight)],
    ["Colour", (b) => colour(b.color)],
    ["Background", (b) => colour(b.background)],
    ["Label contrast", (b) => `${b.contrast.toFixed(2)}:1`],
  ];
  return table(
    reject ? "Accept and Reject buttons" : "Accept button (no Reject button found)",
    ["Property", "Accept", "Reject"],
    rows.map(([label, value]) => [label, value(accept), reject ? value(reject) : "—"]),
  );
}

function cookieValues(cookie: ScanCookie): Html {
  return keyValues([
    ["Cookie", html`<code>${cookie.name}</code>`],
    ["Domain", cookie.domain],
    ["Party", party(cookie.thirdParty)],
    ["Expires", cookie.expiresDays === null ? "session" : `in ${days(cookie.expiresDays)}`],
  ]);
}

/** A finding's evidence, by kind. */
function evidence(e: ScanEvidence): Html {
  switch (e.kind) {
    case "cookie":
      return cookieValues(e.cookie);
    case "storage":
      return keyValues([
        ["Area", e.item.area],
        ["Key", html`<code>${e.item.key}</code>`],
      ]);
    case "request":
      return keyValues([
        ["URL", html`<code>${e.request.url}</code>`],
        ["Host", e.request.host],
        ["Type", e.request.type],
        ["Party", party(e.request.thirdParty)],
      ]);
    case "consent-mode":
      return consentModeTable(e.calls, "Consent Mode commands, in order");
    case "buttons":
      return buttonsTable(e.accept, e.reject);
    case "control":
      return keyValues([
        ["Control", e.label],
        ["State", e.checked ? "on" : "off"],
      ]);
    case "record": {
      const entries = Object.entries(e.categories);
      if (!entries.length) return html`<p>The visitor's record holds no category.</p>`;
      return table("The visitor's record", ["Category", "Choice"], entries.map(([category, on]) => [html`<code>${category}</code>`, on ? "on" : "off"]), "compact");
    }
    case "declared":
      return keyValues([
        ["Name", html`<code>${e.name}</code>`],
        ["Type", e.type],
        ["Category", e.category ?? "none"],
        ["Duration", e.type === "host" ? "—" : days(e.durationDays)],
        ["Party", party(e.thirdParty)],
      ]);
    case "text":
      return html`<p>${e.text}</p>`;
  }
}

const EVIDENCE_LABEL: Record<ScanEvidence["kind"], string> = {
  cookie: "a cookie",
  storage: "a storage key",
  request: "a request",
  "consent-mode": "Consent Mode",
  buttons: "the buttons",
  control: "a control",
  record: "the record",
  declared: "the config entry",
  text: "what was seen",
};

function finding(f: ScanFinding): Html {
  const rule = RULES[f.rule];
  return html`<article class="finding finding-${f.severity}">
<h4><span class="badge badge-${f.severity}">${SEVERITY_LABEL[f.severity]}</span> ${rule?.title ?? f.rule}</h4>
<div class="finding-body">
<div>
<p class="message">${f.message}</p>
${keyValues([
  ["Rule", html`<code>${f.rule}</code>`],
  ["Profile", profileLabel(f.profile)],
  ["State", stateLabel(f.state)],
  ["Page", html`<code>${f.page}</code>`],
  ["Requirement", rule?.requirement ?? "—"],
])}
${rule ? html`<p class="explanation">${withCode(rule.explanation)}</p>` : ""}
</div>
<div class="evidence">
<h5>Evidence: ${EVIDENCE_LABEL[f.evidence.kind]}</h5>
${evidence(f.evidence)}
</div>
</div>
</article>`;
}

function header(report: ScanReport): Html {
  const seconds = (Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 1000;
  return html`<header>
<h1>Assent scan report</h1>
<p class="lead">Scan of ${link(report.url)}</p>
${keyValues([
  ["Site", report.site ? html`<code>${report.site}</code>` : "unknown"],
  ["Tool", report.tool],
  ["Started", time(report.startedAt)],
  ["Finished", time(report.finishedAt)],
  ["Duration", Number.isFinite(seconds) ? `${seconds.toFixed(1)} s` : "unknown"],
])}
<nav aria-label="Contents"><ul>
<li><a href="#summary">Summary</a></li>
<li><a href="#findings">Findings</a></li>
<li><a href="#suggestions">Suggested config entries</a></li>
<li><a href="#screenshots">Screenshots</a></li>
<li><a href="#observations">Observations</a></li>
</ul></nav>
</header>`;
}

function verdict(report: ScanReport): string {
  const { errors, warnings, infos } = report.summary;
  if (errors > 0) return `${plural(errors, "error")}: the site breaks at least one rule.`;
  const rest = [warnings ? plural(warnings, "warning") : "", infos ? plural(infos, "note") : ""].filter(Boolean);
  return `No rule broken${rest.length ? ` (${rest.join(" and ")} to look at)` : ""}.`;
}

function summary(report: ScanReport): Html {
  const { errors, warnings, infos, pages } = report.summary;
  const counts = { error: errors, warning: warnings, info: infos };
  const profileRows = report.profiles.map((p) => {
    const own = report.findings.filter((f) => f.profile === p.profile);
    const visited = [...new Set(p.observations.map((o) => o.page))];
    return [
      profileLabel(p.profile),
      p.regime ?? "unknown",
      p.jurisdiction ?? "unknown",
      p.gpc ? "yes" : "no",
      visited.length ? html`<ul class="plain">${visited.map((page) => html`<li><code>${page}</code></li>`)}</ul>` : "none",
      SEVERITIES.map((s) => plural(own.filter((f) => f.severity === s.severity).length, s.one, s.many)).join(", "),
    ] satisfies Part[];
  });
  return html`<section id="summary">
<h2>Summary</h2>
<p class="verdict ${errors > 0 ? "verdict-fail" : "verdict-pass"}"><strong>${verdict(report)}</strong></p>
<ul class="counts">${SEVERITIES.map((s) => html`<li><span class="badge badge-${s.severity}">${s.heading}</span> ${counts[s.severity]}</li>`)}</ul>
${scrolling(table("Profiles scanned", ["Profile", "Regime", "Jurisdiction", "GPC", "Pages visited", "Findings"], profileRows), "Profiles scanned")}
${
  pages.length
    ? html`<details><summary>All ${plural(pages.length, "page")} visited</summary><ul>${pages.map((page) => html`<li><code>${page}</code></li>`)}</ul></details>`
    : html`<p>No page was visited.</p>`
}
</section>`;
}

function findings(report: ScanReport): Html {
  return html`<section id="findings">
<h2>Findings</h2>
<p>An <strong>error</strong> breaks a requirement; a <strong>warning</strong> is a gap that makes the site's notice wrong; a <strong>note</strong> is worth a look.</p>
${SEVERITIES.map(({ severity, heading }) => {
  const own = report.findings.filter((f) => f.severity === severity);
  return html`<section class="severity-group">
<h3>${heading} (${own.length})</h3>
${own.length ? own.map(finding) : html`<p>None.</p>`}
</section>`;
})}
</section>`;
}

function vendorCell(s: ScanSuggestion): Part {
  if (!s.vendor) return "unknown";
  return html`${link(s.vendor.source, s.vendor.name)}`;
}

function suggestions(report: ScanReport): Html {
  const list = report.suggestions;
  if (!list.length)
    return html`<section id="suggestions">
<h2>Suggested config entries</h2>
<p>Nothing to propose: the config declares everything the scanner saw.</p>
</section>`;
  const rows = list.map((s) => [
    s.category,
    s.purpose,
    vendorCell(s),
    s.storage ? html`<code>${JSON.stringify(s.storage)}</code>` : html`host <code>${s.host ?? ""}</code>`,
    s.observed.length ? s.observed.map((name, i) => html`${i ? ", " : ""}<code>${name}</code>`) : "—",
  ]);
  const byCategory: Record<string, NonNullable<ScanSuggestion["storage"]>[]> = {};
  for (const s of list) if (s.storage) (byCategory[s.category] ??= []).push(s.storage);
  const hosts = list.filter((s) => s.host);
  return html`<section id="suggestions">
<h2>Suggested config entries</h2>
<p>For each cookie, storage key or host the scanner saw that no category of the config declares. Check each before you paste it: a vendor's entry comes from its documentation (the link), an unknown one from what the scanner observed.</p>
${scrolling(table("Proposed entries", ["Category", "Purpose", "Vendor", "Entry", "Observed"], rows), "Proposed entries")}
${
  Object.keys(byCategory).length
    ? html`<h3>Storage entries to paste</h3>
<p>By category: each list goes in that category's <code>storage</code> array of the site config.</p>
<pre>${JSON.stringify(byCategory, null, 2)}</pre>`
    : ""
}
${hosts.length ? html`<p>${plural(hosts.length, "host")} to list under a vendor's <code>hosts</code>: ${hosts.map((s, i) => html`${i ? ", " : ""}<code>${s.host ?? ""}</code>`)}.</p>` : ""}
</section>`;
}

/** The profiles in the report's order, then any others the screenshots name. */
function profileOrder(report: ScanReport, extra: ScanProfileId[]): ScanProfileId[] {
  return [...new Set([...report.profiles.map((p) => p.profile), ...extra])];
}

function screenshotsSection(report: ScanReport, screenshots: ScanScreenshot[]): Html {
  const shots = screenshots.filter((s) => s.png.length > 0);
  const groups = profileOrder(report, shots.map((s) => s.profile))
    .map((profile) => ({ profile, shots: shots.filter((s) => s.profile === profile) }))
    .filter((g) => g.shots.length);
  return html`<section id="screenshots">
<h2>Screenshots</h2>
${
  groups.length
    ? groups.map(
        (g) => html`<h3>${profileLabel(g.profile)}</h3>
<div class="shots">${g.shots.map(
          (s) => html`<figure>
<img src="data:image/png;base64,${s.png.toString("base64")}" alt="${`The page as the ${profileLabel(s.profile)} saw it ${stateLabel(s.state)}: ${s.page}`}">
<figcaption>${stateLabel(s.state)[0]!.toUpperCase() + stateLabel(s.state).slice(1)} · <code>${s.page}</code></figcaption>
</figure>`,
        )}</div>`,
      )
    : html`<p>No screenshots were taken.</p>`
}
</section>`;
}

function observation(o: ScanObservation): Html {
  const hosts = new Map<string, { count: number; types: Set<string> }>();
  for (const r of o.requests) {
    if (!r.thirdParty) continue;
    const h = hosts.get(r.host) ?? { count: 0, types: new Set<string>() };
    h.count++;
    h.types.add(r.type);
    hosts.set(r.host, h);
  }
  const where = `${stateLabel(o.state)}, ${o.page}`;
  return html`<details>
<summary>${stateLabel(o.state)[0]!.toUpperCase() + stateLabel(o.state).slice(1)} · <code>${o.page}</code> · ${plural(o.cookies.length, "cookie")}, ${plural(o.storage.length, "storage key")}, ${plural(hosts.size, "third-party host")}</summary>
${
  o.cookies.length
    ? table(
        `Cookies ${where}`,
        ["Name", "Domain", "Party", "Expires"],
        o.cookies.map((c) => [html`<code>${c.name}</code>`, c.domain, party(c.thirdParty), c.expiresDays === null ? "session" : `in ${days(c.expiresDays)}`]),
        "compact",
      )
    : html`<p>No cookies.</p>`
}
${o.storage.length ? table(`Storage keys ${where}`, ["Key", "Area"], o.storage.map((s) => [html`<code>${s.key}</code>`, s.area]), "compact") : html`<p>No storage keys.</p>`}
${
  hosts.size
    ? table(
        `Third-party hosts ${where}`,
        ["Host", "Requests", "Types"],
        [...hosts].map(([host, h]) => [host, String(h.count), [...h.types].join(", ")]),
        "compact",
      )
    : html`<p>No third-party hosts.</p>`
}
${o.consentMode.length ? consentModeTable(o.consentMode, `Consent Mode commands ${where}`) : ""}
</details>`;
}

function observations(report: ScanReport): Html {
  return html`<section id="observations">
<h2>Observations</h2>
<p>What the browser held and contacted in each state, per profile.</p>
${report.profiles.map(
  (p) => html`<h3>${profileLabel(p.profile)}</h3>
${p.observations.length ? p.observations.map(observation) : html`<p>No observations.</p>`}`,
)}
</section>`;
}

const CSS = `
:root { color-scheme: light; --text: #1b1b1b; --muted: #474747; --line: #c4c4c4; --soft: #f3f4f6; --link: #0b57d0; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 1rem; line-height: 1.5; color: var(--text); background: #fff; }
header, main, footer { max-width: 70rem; margin: 0 auto; padding: 1rem 1.5rem; }
header { border-bottom: 1px solid var(--line); }
footer { border-top: 1px solid var(--line); color: var(--muted); font-size: .875rem; }
h1 { font-size: 1.75rem; margin: .5rem 0; }
h2 { font-size: 1.4rem; margin: 2rem 0 .75rem; padding-bottom: .25rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
h4 { font-size: 1.05rem; margin: 0 0 .5rem; }
h5 { font-size: .95rem; margin: 0 0 .5rem; }
a { color: var(--link); text-decoration: underline; }
a:visited { color: #6b2fa3; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .875em; }
code { background: var(--soft); padding: 0 .2em; border-radius: 3px; overflow-wrap: anywhere; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 4px; padding: .75rem 1rem; white-space: pre-wrap; overflow-wrap: anywhere; }
pre code { background: none; padding: 0; }
.lead { font-size: 1.1rem; margin: 0 0 .5rem; overflow-wrap: anywhere; }
dl.kv { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .15rem 1rem; margin: .5rem 0; }
dl.kv dt { font-weight: 600; }
dl.kv dd { margin: 0; overflow-wrap: anywhere; }
nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 0 1.25rem; padding: 0; margin: .5rem 0 0; }
nav a { display: inline-block; padding: .25rem 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { text-align: left; vertical-align: top; border: 1px solid var(--line); padding: .35rem .5rem; overflow-wrap: break-word; }
td { overflow-wrap: anywhere; }
thead th { background: var(--soft); }
tbody th { font-weight: 600; }
table.compact { font-size: .9rem; }
ul.plain { list-style: none; margin: 0; padding: 0; }
.scroll { overflow-x: auto; }
.scroll table { min-width: 36rem; }
@media (max-width: 30rem) { header, main, footer { padding: .75rem; } article.finding { padding: .5rem; } .evidence { padding: .5rem; } th, td { padding: .25rem .35rem; } }
.badge { display: inline-block; padding: 0 .45em; border-radius: .25em; font-size: .85rem; font-weight: 700; line-height: 1.6; vertical-align: .1em; }
.badge-error { background: #b3261e; color: #fff; }
.badge-warning { background: #f6c343; color: #1b1b1b; }
.badge-info { background: #e2e3e5; color: #1b1b1b; }
.verdict { font-size: 1.15rem; padding: .6rem 1rem; border-radius: 4px; border: 1px solid; }
.verdict-pass { background: #e7f4ea; color: #0f5323; border-color: #7fbf8e; }
.verdict-fail { background: #fdecea; color: #8c1d18; border-color: #e59a94; }
ul.counts { list-style: none; display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; padding: 0; font-size: 1.1rem; }
article.finding { border: 1px solid var(--line); border-left-width: .4rem; border-radius: 4px; padding: .75rem 1rem; margin: 1rem 0; }
article.finding-error { border-left-color: #b3261e; }
article.finding-warning { border-left-color: #d9a21b; }
article.finding-info { border-left-color: #8a8d91; }
.finding-body { display: grid; gap: 1rem; }
@media (min-width: 60rem) { .finding-body { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); } }
.message { font-weight: 600; margin: 0 0 .5rem; overflow-wrap: anywhere; }
.explanation { color: var(--muted); margin: .5rem 0 0; }
.evidence { align-self: start; background: #fafafa; border: 1px solid #e1e1e1; border-radius: 4px; padding: .75rem; min-width: 0; }
.swatch { display: inline-block; width: 1em; height: 1em; border: 1px solid #555; border-radius: 2px; vertical-align: -.15em; margin-right: .35em; }
.shots { display: grid; grid-template-columns: repeat(auto-fill, minmax(18rem, 1fr)); gap: 1rem; }
figure { margin: 0; }
figure img { display: block; width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { font-size: .9rem; margin-top: .25rem; overflow-wrap: anywhere; }
details { border: 1px solid var(--line); border-radius: 4px; margin: .5rem 0; padding: 0 .75rem; }
details[open] { padding-bottom: .5rem; }
summary { cursor: pointer; padding: .4rem 0; overflow-wrap: anywhere; }
`;

/**
 * The self-contained HTML report: the scan's header, a summary with the verdict and the
 * profiles, the findings by severity with their evidence and the rule they break, the suggested
 * config entries (with one block of storage entries to paste), the screenshots of each state
 * (those with an empty PNG are skipped), and what each profile observed in each state.
 */
export function htmlReport(report: ScanReport, screenshots: ScanScreenshot[]): string {
  const { errors } = report.summary;
  let host = report.url;
  try {
    host = new URL(report.url).host;
  } catch {
    // Not a URL: the title shows it as it is.
  }
  const title = `Assent scan of ${host}: ${errors === 0 ? "no rule broken" : plural(errors, "error")}`;
  return `<!doctype html>\n${render(html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${new Html(CSS)}</style>
</head>
<body>
${header(report)}
<main>
${summary(report)}
${findings(report)}
${suggestions(report)}
${screenshotsSection(report, screenshots)}
${observations(report)}
</main>
<footer>
<p>Made by ${report.tool} (report format <code>${report.schema}</code>). This file is self-contained: no script, no request; the screenshots are inside it.</p>
</footer>
</body>
</html>`)}\n`;
}
