-- Hardening (what a hostile user could do, closed):
--
-- 1. A signup never touches an existing subscription. What a signup asks for is a row of its
--    own, `signup_requests` (replacing confirm_tokens): the address typed, the browser that
--    asked, the wording, language and page. Only the click on its link — proof of control of
--    the mailbox — turns it into a subscription and links that browser to it
--    (`subscription_links`). `/me/*` and erasure see only linked subscriptions.
-- 2. `subscriptions` holds confirmed and unsubscribed addresses only (pending ones are
--    requests), and forgets the address at the unsubscribe: only the keyed hash stays.
-- 3. `confirmation_sends`: every confirmation message sent, by keyed hash, for the per-address
--    and per-site limits; erasure and unsubscribes do not reset it. Kept one day.
-- 4. `token_revocations`: visitor tokens an erasure, a logout or an identification revoked.
-- 5. `webhook_events` name the visitor and address they concern, so erasure can remove them.
-- 6. `kv_records`: the visitors whose record is kept in KV. A record is put in KV when it is
--    first read, and from then on every change writes it (worker/visitor-record.ts); a decision
--    of a visitor nobody reads costs no KV write.

CREATE TABLE signup_requests (
  token_hash    TEXT PRIMARY KEY,                 -- SHA-256 of the link's token (the token is only in the message)
  site_id       TEXT NOT NULL,
  list_id       TEXT NOT NULL,
  email_hash    TEXT NOT NULL,                    -- keyed hash of the normalized address
  email         TEXT,                             -- the address typed; NULL once used, voided or expired
  visitor_id    TEXT,                             -- the browser that asked; linked only when the mailbox confirms
  text_version  TEXT NOT NULL,                    -- the consent wording shown (R5.1)
  locale        TEXT NOT NULL,                    -- one of the site's locales
  source_url    TEXT NOT NULL,                    -- the page the signup was made on (R5.2)
  created_at    TEXT NOT NULL,
  expires_at    TEXT NOT NULL,
  used_at       TEXT                              -- confirmed with, or voided by an unsubscribe or erasure
);
CREATE INDEX signup_requests_by_address ON signup_requests (site_id, email_hash, list_id);
CREATE INDEX signup_requests_by_visitor ON signup_requests (site_id, visitor_id);
CREATE INDEX signup_requests_by_expiry ON signup_requests (expires_at);

-- Every live confirmation link becomes a request, with what its subscription held.
INSERT INTO signup_requests (token_hash, site_id, list_id, email_hash, email, visitor_id, text_version, locale,
                             source_url, created_at, expires_at, used_at)
SELECT t.token_hash, t.site_id, s.list_id, s.email_hash, CASE WHEN t.used_at IS NULL THEN s.email END, s.visitor_id,
       s.text_version, s.locale, COALESCE(s.source_url, ''), s.created_at, t.expires_at, t.used_at
FROM confirm_tokens t JOIN subscriptions s ON s.id = t.subscription_id;
DROP TABLE confirm_tokens;

CREATE TABLE subscription_links (
  site_id     TEXT NOT NULL,
  list_id     TEXT NOT NULL,
  email_hash  TEXT NOT NULL,
  visitor_id  TEXT NOT NULL,                      -- a browser whose signup the mailbox confirmed
  linked_at   TEXT NOT NULL,
  PRIMARY KEY (site_id, list_id, email_hash, visitor_id)
);
CREATE INDEX subscription_links_by_visitor ON subscription_links (site_id, visitor_id);

INSERT INTO subscription_links (site_id, list_id, email_hash, visitor_id, linked_at)
SELECT site_id, list_id, email_hash, visitor_id, COALESCE(confirmed_at, created_at)
FROM subscriptions WHERE visitor_id IS NOT NULL AND status IN ('confirmed', 'unsubscribed');

CREATE TABLE subscriptions_v2 (
  id               TEXT PRIMARY KEY,              -- sub_<random>; the subscriber API's cursor
  site_id          TEXT NOT NULL,
  list_id          TEXT NOT NULL,
  email            TEXT,                          -- normalized address while confirmed; NULL after an unsubscribe
  email_hash       TEXT NOT NULL,
  status           TEXT NOT NULL,                 -- confirmed | unsubscribed
  text_version     TEXT NOT NULL,                 -- the wording of the confirmed request
  locale           TEXT NOT NULL,
  source_url       TEXT,
  created_at       TEXT NOT NULL,
  confirmed_at     TEXT,
  unsubscribed_at  TEXT,
  UNIQUE (site_id, list_id, email_hash)
);
INSERT INTO subscriptions_v2 (id, site_id, list_id, email, email_hash, status, text_version, locale, source_url,
                              created_at, confirmed_at, unsubscribed_at)
SELECT id, site_id, list_id, CASE WHEN status = 'confirmed' THEN email END, email_hash, status, text_version, locale,
       source_url, created_at, confirmed_at, unsubscribed_at
FROM subscriptions WHERE status IN ('confirmed', 'unsubscribed');
DROP TABLE subscriptions;
ALTER TABLE subscriptions_v2 RENAME TO subscriptions;
CREATE INDEX subscriptions_by_list ON subscriptions (site_id, list_id, status, id);
CREATE INDEX subscriptions_by_address ON subscriptions (site_id, email_hash);

CREATE TABLE confirmation_sends (
  token_hash  TEXT PRIMARY KEY,                   -- the request the message was for
  site_id     TEXT NOT NULL,
  list_id     TEXT NOT NULL,
  email_hash  TEXT NOT NULL,
  sent_at     TEXT NOT NULL
);
CREATE INDEX confirmation_sends_by_address ON confirmation_sends (site_id, email_hash, sent_at);
CREATE INDEX confirmation_sends_by_site ON confirmation_sends (site_id, sent_at);

CREATE TABLE token_revocations (
  site_id     TEXT NOT NULL,
  subject     TEXT NOT NULL,                      -- 'v:' + hash of a visitor id (all its tokens) or 't:' + a token id
  not_before  INTEGER NOT NULL,                   -- tokens issued (iat, seconds) before this are refused
  reason      TEXT NOT NULL,                      -- erased | identified | logout
  ref         TEXT,                               -- the erasure that made it (so one erasure wins a race)
  expires_at  TEXT NOT NULL,                      -- when every token it refuses has expired anyway
  PRIMARY KEY (site_id, subject)
);
CREATE INDEX token_revocations_by_expiry ON token_revocations (expires_at);

ALTER TABLE webhook_events ADD COLUMN visitor_id TEXT;
ALTER TABLE webhook_events ADD COLUMN email_hash TEXT;
UPDATE webhook_events SET visitor_id = json_extract(payload, '$.data.visitorId') WHERE type != 'webhook.test';
CREATE INDEX webhook_events_by_visitor ON webhook_events (site_id, visitor_id);
CREATE INDEX webhook_events_by_address ON webhook_events (site_id, email_hash);
-- Fair delivery: the cron takes each site's oldest due deliveries in turn.
CREATE INDEX webhook_deliveries_due_by_site ON webhook_deliveries (status, site_id, next_attempt_at);

CREATE TABLE kv_records (
  site_id     TEXT NOT NULL,
  visitor_id  TEXT NOT NULL,
  PRIMARY KEY (site_id, visitor_id)
);
-- Records written to KV before this table existed are kept in step from now on.
INSERT INTO kv_records (site_id, visitor_id)
SELECT DISTINCT site_id, visitor_id FROM ledger WHERE expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now');

-- The outbox's fan-out: an event inserted for a change gets one pending delivery per active
-- endpoint of its site that wants its type, inside the same statement (so the same
-- transaction), one statement fewer per change. `webhook.test` goes to one endpoint only and
-- is fanned out by hand.
CREATE TRIGGER webhook_events_fan_out AFTER INSERT ON webhook_events
WHEN NEW.type != 'webhook.test'
BEGIN
  INSERT INTO webhook_deliveries (event_id, endpoint_id, site_id, status, attempts, next_attempt_at)
  SELECT NEW.id, e.id, e.site_id, 'pending', 0, NEW.created_at
  FROM webhook_endpoints e
  WHERE e.site_id = NEW.site_id AND e.disabled_at IS NULL
    AND EXISTS (SELECT 1 FROM json_each(e.events) j WHERE j.value IN (NEW.type, '*'));
END;
