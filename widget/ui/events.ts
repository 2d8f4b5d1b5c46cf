/**
 * The typed events the UI's elements send each other (one class per event, as Web Awesome
 * does). They stay inside the widget: bubbling, but not composed out of the shadow root they
 * are sent in. The page's own events (`assent-ready`, `assent-change`) are the controller's.
 */

/** A section of the preference center has something to say in the dialog's live region. */
export class AssentMessageEvent extends Event {
  constructor(readonly message: string) {
    super("assent-message", { bubbles: true });
  }
}

/** "Your data": the visitor's data was erased here and on the Worker. */
export class AssentDataDeletedEvent extends Event {
  constructor() {
    super("assent-data-deleted", { bubbles: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    "assent-message": AssentMessageEvent;
    "assent-data-deleted": AssentDataDeletedEvent;
    "assent-banner-closed": Event;
  }
}
