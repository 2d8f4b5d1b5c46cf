/**
 * The privacy notice as a small document model: sections of paragraphs, lists and tables whose
 * text is plain (never markup) and whose links are data. ./generate.ts builds it from a site
 * config; ./render.ts turns it into HTML or Markdown, escaping every piece of text in one place,
 * so no site owner's wording can become markup in either format.
 */

/** The sections a notice can have, by stable id (the HTML has `<section id="assent-{id}">`). */
export const SECTION_IDS = ["purposes", "communications", "retention", "rights", "gpc", "california", "minors", "children", "contact"] as const;
/** A section's stable id. */
export type SectionId = (typeof SECTION_IDS)[number];

/** The HTML id of a section: prefixed, so it does not collide with the ids of the owner's page. */
export const sectionAnchor = (id: SectionId) => `assent-${id}`;

/** A link. `opensPreferences`: on a page with the widget it opens the preference center. */
export interface Link {
  text: string;
  href: string;
  opensPreferences?: boolean;
}

/** A run of plain text, or a link. */
export type Inline = string | Link;

/** A block of a section: a paragraph, a purpose's heading, a list or a table. */
export type Block =
  | { kind: "p"; content: Inline[] }
  | { kind: "h3"; id: string; text: string }
  | { kind: "list"; items: Inline[][] }
  /** A table: `rows` of cells, each cell a run of inlines. */
  | { kind: "table"; caption: string; head: string[]; rows: Inline[][][] };

/** One section of the notice, by its stable id. */
export interface NoticeSection {
  id: SectionId;
  title: string;
  blocks: Block[];
}

/** A whole notice in one language. */
export interface Notice {
  siteId: string;
  locale: string;
  dir: "ltr" | "rtl";
  intro: Inline[];
  sections: NoticeSection[];
}

/** A paragraph of inlines. */
export const p = (...content: Inline[]): Block => ({ kind: "p", content });
/** A link. */
export const link = (text: string, href: string, opensPreferences = false): Link => (opensPreferences ? { text, href, opensPreferences } : { text, href });
