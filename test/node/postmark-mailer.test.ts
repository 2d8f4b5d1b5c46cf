/**
 * The production mailer against a fake Postmark on loopback: the request it sends (R5.3, R5.4:
 * separate streams, List-* headers passed through), retries of 5xx and network failures with
 * backoff, and no retry of a 4xx (the message's own fault).
 */
// The mailer module names Workers binding types (Env) for its other adapter; types only.
/// <reference types="@cloudflare/workers-types" />
import { type IncomingHttpHeaders, type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type EmailMessage, MailError, PostmarkMailer } from "../../worker/email/mailer";

interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface FakeProvider {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

const servers: FakeProvider[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A fake provider answering each request with the next status of `statuses` (the last one repeats). */
async function fakeProvider(statuses: number[]): Promise<FakeProvider> {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const status = statuses[Math.min(requests.length - 1, statuses.length - 1)]!;
      res.writeHead(status, { "Content-Type": "application/json" });
      // Like Postmark, an error quotes the recipient ("Invalid 'To' address: …").
      const to = (() => {
        try {
          return (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { To?: string }).To ?? "";
        } catch {
          return "";
        }
      })();
      res.end(
        JSON.stringify(
          status < 300
            ? { ErrorCode: 0, Message: "OK", MessageID: crypto.randomUUID() }
            : { ErrorCode: status === 422 ? 300 : 0, Message: `fake ${status}: Invalid 'To' address: '${to}'.` },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const fake = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  servers.push(fake);
  return fake;
}

/** A port that was just free: nothing listens there (connection refused). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const TOKEN = "server-token-0123456789";

function message(over: Partial<EmailMessage> = {}): EmailMessage {
  return {
    siteId: "demo",
    from: "Penguin Softphone <news@penguin.example>",
    to: "reader@example.com",
    subject: "Please confirm your subscription to Penguin Softphone",
    text: "Confirm my subscription: https://assent.example/e/demo/confirm/abc",
    html: '<p><a href="https://assent.example/e/demo/confirm/abc">Confirm my subscription</a></p>',
    headers: { "Auto-Submitted": "auto-generated" },
    stream: "transactional",
    ...over,
  };
}

describe("PostmarkMailer: the request", () => {
  it("POST /email with the server token, JSON both ways, and every field of the message", async () => {
    const fake = await fakeProvider([200]);
    const mailer = new PostmarkMailer({ token: TOKEN, baseUrl: `${fake.url}/`, backoffMs: 5 });
    await mailer.send(message({ replyTo: "privacy@penguin.example" }));

    expect(fake.requests).toHaveLength(1);
    const [req] = fake.requests;
    expect(req!.method).toBe("POST");
    expect(req!.url).toBe("/email");
    expect(req!.headers["x-postmark-server-token"]).toBe(TOKEN);
    expect(req!.headers.accept).toBe("application/json");
    expect(req!.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(req!.body)).toEqual({
      From: "Penguin Softphone <news@penguin.example>",
      To: "reader@example.com",
      ReplyTo: "privacy@penguin.example",
      Subject: "Please confirm your subscription to Penguin Softphone",
      TextBody: "Confirm my subscription: https://assent.example/e/demo/confirm/abc",
      HtmlBody: '<p><a href="https://assent.example/e/demo/confirm/abc">Confirm my subscription</a></p>',
      Headers: [{ Name: "Auto-Submitted", Value: "auto-generated" }],
      MessageStream: "outbound",
    });
  });

  it("list mail goes to the broadcast stream with List-Unsubscribe and List-Unsubscribe-Post unchanged (R5.3, R5.4)", async () => {
    const fake = await fakeProvider([200]);
    const mailer = new PostmarkMailer({ token: TOKEN, baseUrl: fake.url, backoffMs: 5 });
    const listHeaders = {
      "List-Unsubscribe": "<https://assent.example/u/u1.k2.payload.sig>",
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      "List-Id": "marketing-email.demo.lists.assent.example",
    };
    await mailer.send(message({ from: "Penguin offers <offers@penguin.example>", headers: listHeaders, stream: "broadcast" }));

    const body = JSON.parse(fake.requests[0]!.body) as { MessageStream: string; Headers: { Name: string; Value: string }[]; From: string; ReplyTo?: string };
    expect(body.MessageStream).toBe("broadcast");
    expect(body.From).toBe("Penguin offers <offers@penguin.example>");
    expect(body).not.toHaveProperty("ReplyTo");
    expect(body.Headers).toEqual([
      { Name: "List-Unsubscribe", Value: "<https://assent.example/u/u1.k2.payload.sig>" },
      { Name: "List-Unsubscribe-Post", Value: "List-Unsubscribe=One-Click" },
      { Name: "List-Id", Value: "marketing-email.demo.lists.assent.example" },
    ]);
  });
});

describe("PostmarkMailer: failures", () => {
  it("a 500 then a 200 → retried once, and sent", async () => {
    const fake = await fakeProvider([500, 200]);
    const mailer = new PostmarkMailer({ token: TOKEN, baseUrl: fake.url, backoffMs: 5 });
    await expect(mailer.send(message())).resolves.toBeUndefined();
    expect(fake.requests).toHaveLength(2);
    // The retry is the same message, not a changed one.
    expect(fake.requests[1]!.body).toBe(fake.requests[0]!.body);
  });

  it("three 503s → MailError after three attempts, with backoff between them", async () => {
    const fake = await fakeProvider([503]);
    const mailer = new PostmarkMailer({ token: TOKEN, baseUrl: fake.url, backoffMs: 20 });
    const started = Date.now();
    const err = await mailer.send(message()).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(err).toBeInstanceOf(MailError);
    expect((err as MailError).status).toBe(503);
    expect((err as MailError).message).toMatch(/after 3 attempts: HTTP 503/);
    expect(fake.requests).toHaveLength(3);
    expect(elapsed).toBeGreaterThanOrEqual(20 + 40 - 5); // 20 ms, then 40 ms (timer slack)
  });

  it("a 422 → MailError at once: one request, no retry", async () => {
    const fake = await fakeProvider([422, 200]);
    const mailer = new PostmarkMailer({ token: TOKEN, baseUrl: fake.url, backoffMs: 5 });
    const err = await mailer.send(message()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailError);
    expect((err as MailError).status).toBe(422);
    expect((err as MailError).message).toBe("the email provider refused the message: HTTP 422, ErrorCode 300");
    expect(fake.requests).toHaveLength(1);
  });

  it("never carries the provider's error text, which quotes the address, into the error (and so the logs)", async () => {
    for (const statuses of [[422], [500, 502, 503]]) {
      const fake = await fakeProvider(statuses);
      const mailer = new PostmarkMailer({ token: TOKEN, baseUrl: fake.url, backoffMs: 1 });
      const err = (await mailer.send(message({ to: "private.person@example.com" })).catch((e: unknown) => e)) as MailError;
      expect(err).toBeInstanceOf(MailError);
      expect(err.message).not.toContain("private.person");
      expect(err.message).not.toContain("Invalid");
    }
  });

  it("a connection refused → retried, then MailError", async () => {
    const port = await closedPort();
    let calls = 0;
    const countingFetch: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    const mailer = new PostmarkMailer({ token: TOKEN, baseUrl: `http://127.0.0.1:${port}`, backoffMs: 5, fetch: countingFetch });
    const err = await mailer.send(message()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailError);
    expect((err as MailError).status).toBe(503);
    expect((err as MailError).message).toMatch(/after 3 attempts/);
    expect(calls).toBe(3);
  });

  it("attempts is configurable: attempts 1 → no retry even for a 5xx", async () => {
    const fake = await fakeProvider([502, 200]);
    const mailer = new PostmarkMailer({ token: TOKEN, baseUrl: fake.url, attempts: 1, backoffMs: 5 });
    await expect(mailer.send(message())).rejects.toBeInstanceOf(MailError);
    expect(fake.requests).toHaveLength(1);
  });
});
