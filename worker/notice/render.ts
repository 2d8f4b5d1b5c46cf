/**
 * The notice (./model.ts) as HTML or Markdown. All text is escaped here, and only here: the
 * site owner's wording (names, descriptions, vendor texts, addresses) and URLs from the config
 * can never become markup in either format.
 *
 * HTML: one `<div class="assent-notice" lang dir>` holding a `<section id="assent-{id}">` per
 * section with an `<h2>`, so it can be pasted as is and styled with the page's own CSS. A link
 * that opens the preference center carries `data-assent="open-preferences"` (the widget opens
 * the preference center on a click, docs/embed.md); its `href` is the rights section, so it
 * still goes somewhere useful on a page without the widget.
 *
 * Markdown: the same content; each section starts with an `<a id="assent-{id}"></a>` anchor so
 * the fragment links work where the renderer keeps inline HTML, and tables are pipe tables.
 */
import { escapeHtml } from "../email/messages";
import { type Block, type Inline, type Notice, sectionAnchor } from "./model";

/** One run of inlines as HTML. */
function inlineHtml(content: Inline[]): string {
  return content
    .map((part) =>
      typeof part === "string"
        ? escapeHtml(part)
        : `<a href="${escapeHtml(part.href)}"${part.opensPreferences ? ' data-assent="open-preferences"' : ""}>${escapeHtml(part.text)}</a>`,
    )
    .join("");
}

function blockHtml(block: Block): string {
  switch (block.kind) {
    case "p":
      return `<p>${inlineHtml(block.content)}</p>`;
    case "h3":
      return `<h3 id="${escapeHtml(block.id)}">${escapeHtml(block.text)}</h3>`;
    case "list":
      return `<ul>\n${block.items.map((item) => `<li>${inlineHtml(item)}</li>`).join("\n")}\n</ul>`;
    case "table":
      return [
        `<table>`,
        `<caption>${escapeHtml(block.caption)}</caption>`,
        `<thead><tr>${block.head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join("")}</tr></thead>`,
        `<tbody>`,
        ...block.rows.map((row) => `<tr>${row.map((cell) => `<td>${inlineHtml(cell)}</td>`).join("")}</tr>`),
        `</tbody>`,
        `</table>`,
      ].join("\n");
  }
}

/** The notice as an HTML fragment to paste into a privacy policy page. */
export function noticeHtml(notice: Notice): string {
  const sections = notice.sections.map(
    (section) => `<section id="${sectionAnchor(section.id)}">\n<h2>${escapeHtml(section.title)}</h2>\n${section.blocks.map(blockHtml).join("\n")}\n</section>`,
  );
  return `<div class="assent-notice" lang="${escapeHtml(notice.locale)}" dir="${notice.dir}">\n<p>${inlineHtml(notice.intro)}</p>\n${sections.join("\n")}\n</div>\n`;
}

/**
 * Text for Markdown: `&`, `<` and `>` as entities (so no raw HTML gets through), Markdown's
 * punctuation backslash-escaped, and line breaks folded into spaces (a line break would end a
 * table row or start a new block).
 */
function mdText(text: string): string {
  return text
    .replace(/\s+/g, " ")
    .replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]!)
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`);
}

/** A URL for a Markdown link destination in angle brackets: no spaces, no angle brackets. */
const mdUrl = (url: string) => url.replace(/[\s<>]/g, (c) => encodeURIComponent(c));

function inlineMd(content: Inline[]): string {
  return content
    .map((part) =>
      typeof part === "string"
        ? mdText(part)
        : part.opensPreferences
          ? `<a href="${escapeHtml(part.href)}" data-assent="open-preferences">${escapeHtml(part.text)}</a>`
          : `[${mdText(part.text)}](<${mdUrl(part.href)}>)`,
    )
    .join("");
}

/** A paragraph's first characters that Markdown would read as a heading, quote, list or rule. */
const leadingMarker = (line: string) => line.replace(/^([#+=-])/, "\\$1").replace(/^(\d+)([.)])/, "$1\\$2");

function blockMd(block: Block): string {
  switch (block.kind) {
    case "p":
      return leadingMarker(inlineMd(block.content));
    case "h3":
      return `### ${mdText(block.text)}`;
    case "list":
      return block.items.map((item) => `- ${inlineMd(item)}`).join("\n");
    case "table":
      return [
        `**${mdText(block.caption)}**`,
        "",
        `| ${block.head.map(mdText).join(" | ")} |`,
        `|${block.head.map(() => " --- |").join("")}`,
        ...block.rows.map((row) => `| ${row.map(inlineMd).join(" | ")} |`),
      ].join("\n");
  }
}

/** The notice as Markdown. */
export function noticeMarkdown(notice: Notice): string {
  const sections = notice.sections.map((section) => [`<a id="${sectionAnchor(section.id)}"></a>`, `## ${mdText(section.title)}`, ...section.blocks.map(blockMd)].join("\n\n"));
  return `${[leadingMarker(inlineMd(notice.intro)), ...sections].join("\n\n")}\n`;
}
