/**
 * worker/notice: the privacy-notice section a site owner pastes into their policy (R9.11) and
 * the retention schedule it states (R9.10):
 *
 * - retention-schedule.ts: every kind of data Assent stores, its period and what deletes it
 *   (docs/retention.md is built from it)
 * - generate.ts: the notice of a site in one language, as a document model (model.ts)
 * - render.ts: that model as HTML or Markdown, every text escaped
 * - lint.ts: checks a notice's HTML against its site (sections, statements, links)
 * - route.ts: `GET /v1/sites/{siteId}/privacy-notice`
 * - i18n/: the notice's wording per language
 *
 * `npm run privacy-notice` (scripts/privacy-notice.ts) prints a notice from a config file.
 */
export { buildNotice, noticeLocales } from "./generate";
export { lintNotice, requiredSections } from "./lint";
export { noticeHtml, noticeMarkdown } from "./render";
export { privacyNoticeRoutes } from "./route";
export { retentionSchedule, retentionScheduleMarkdown } from "./retention-schedule";
