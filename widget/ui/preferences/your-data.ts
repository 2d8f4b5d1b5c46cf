/**
 * `<assent-your-data>`: "Your data" in the preference center, for a visitor the Worker knows
 * (a token exists): "Download my data" (the Worker's export as a JSON file) and "Delete my
 * data", with a confirmation step; focus moves to "Cancel" when it asks and back to "Delete my
 * data" when cancelled. Outcomes go to the dialog's live region (`assent-message`).
 *
 * @csspart data - The section.
 * @csspart download - "Download my data".
 * @csspart delete - "Delete my data".
 * @csspart confirm - The delete confirmation text.
 * @csspart confirm-delete - "Yes, delete".
 * @csspart cancel - "Cancel".
 * @csspart button - Every button.
 *
 * @fires assent-message - {AssentMessageEvent} A failure to announce.
 * @fires assent-data-deleted - {AssentDataDeletedEvent} The data was erased (here and on the Worker).
 *
 * @property controller - The widget's controller.
 * @property strings - The preference center's strings.
 */
import { LitElement, html } from "lit";
import type { Controller } from "../../core/controller";
import { AssentDataDeletedEvent, AssentMessageEvent } from "../events";
import type { UiStrings } from "../i18n/index";
import { themeStyles } from "../theme";
import { applyTheme } from "../theme";
import { dataStyles, sectionStyles } from "./preferences.styles";
import { deleteData, exportData } from "./your-data-requests";

export class AssentYourData extends LitElement {
  static override properties = {
    controller: { attribute: false },
    strings: { attribute: false },
    _confirming: { state: true },
  };

  static override styles = [themeStyles, sectionStyles, dataStyles];

  declare controller: Controller | undefined;
  declare strings: UiStrings | undefined;
  /** True while "Delete my data" asks for confirmation. */
  declare private _confirming: boolean;
  private busy = false;

  constructor() {
    super();
    this._confirming = false;
  }

  /** Back to the first step (the dialog closed). */
  reset(): void {
    this._confirming = false;
  }

  override willUpdate(): void {
    if (this.controller) applyTheme(this, this.controller);
  }

  override render() {
    const s = this.strings;
    if (!s) return html``;
    return html`
      <div part="data" class="data">
        <h3>${s.yourData}</h3>
        ${this._confirming
          ? html`<p part="confirm">${s.deleteConfirm}</p>
              <div class="actions">
                <button type="button" part="button confirm-delete" class="secondary" @click=${this.confirmDelete}>${s.deleteYes}</button>
                <button type="button" part="button cancel" class="secondary" @click=${this.cancelDelete}>${s.cancel}</button>
              </div>`
          : html`<div class="actions">
              <button type="button" part="button download" class="secondary" @click=${this.download}>${s.download}</button>
              <button type="button" part="button delete" class="secondary" @click=${this.askDelete}>${s.deleteData}</button>
            </div>`}
      </div>
    `;
  }

  private failed(what: string, err: unknown): void {
    console.warn(`assent: ${what} failed`, err);
    this.dispatchEvent(new AssentMessageEvent(this.strings?.failed ?? ""));
  }

  private async download(): Promise<void> {
    if (this.busy || !this.controller) return;
    this.busy = true;
    try {
      await exportData(this.controller);
    } catch (err) {
      this.failed("export", err);
    } finally {
      this.busy = false;
    }
  }

  private async askDelete(): Promise<void> {
    this._confirming = true;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>("[part~='cancel']")?.focus();
  }

  private async cancelDelete(): Promise<void> {
    this._confirming = false;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>("[part~='delete']")?.focus();
  }

  private async confirmDelete(): Promise<void> {
    const controller = this.controller;
    if (this.busy || !controller) return;
    this.busy = true;
    try {
      await deleteData(controller);
      this._confirming = false;
      this.dispatchEvent(new AssentDataDeletedEvent());
    } catch (err) {
      this.failed("deletion", err);
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "assent-your-data": AssentYourData;
  }
}
