/**
 * Webhook endpoints of the site owner's API, mounted at /v1/sites/{siteId}/admin/webhooks
 * (API key required, assembled in worker/app.ts):
 *
 * - `POST /`: add an endpoint `{ url, events?, description? }` → 201 with its signing secret.
 * - `GET /`: the site's endpoints (with their secrets).
 * - `GET /{id}` · `DELETE /{id}`: one endpoint; deleting cancels what it has not received.
 * - `GET /{id}/deliveries?status=&limit=&cursor=`: what was sent, when, and how it went.
 * - `POST /{id}/redeliver` `{ eventIds? }`: queue failed deliveries again.
 * - `POST /{id}/test`: queue a `webhook.test` event for this endpoint only.
 */
import { Hono } from "hono";
import {
  WebhookDeliveriesQuery,
  type WebhookDeliveriesResponse,
  type WebhookEndpoint,
  WebhookEndpointCreate,
  WebhookEndpointId,
  type WebhookEndpointList,
  WebhookRedeliverRequest,
  type WebhookRedeliverResponse,
} from "../contract";
import type { Env } from "../env";
import { ApiError, parseQuery } from "../lib/errors";
import { parseJsonBody } from "../lib/json-body";
import type { AdminEnv } from "../middleware/api-key-auth";
import { sizeGuard } from "../middleware/size-guard";
import { queuedWebhooks } from "./after-response";
import { endpointSecret } from "./deliver";
import { webhookTestEvent } from "./events";
import {
  type EndpointRow,
  MAX_ENDPOINTS_PER_SITE,
  createEndpoint,
  disableEndpoint,
  enqueueTestEvent,
  getEndpoint,
  listDeliveries,
  listEndpoints,
  requeueFailed,
} from "./store";
import { webhookUrlProblem } from "./url-policy";

async function present(env: Env, row: EndpointRow): Promise<WebhookEndpoint> {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events) as string[],
    description: row.description,
    createdAt: row.created_at,
    secret: await endpointSecret(env, row.site_id, row.id),
  };
}

/**
 * Endpoints must be https to a public host (worker/webhooks/url-policy.ts): events carry email
 * addresses and consent state, and the Worker must not become a way to reach loopback, cloud
 * metadata or private networks. Plain http is accepted only for loopback hosts in local
 * development (DEV_MODE), for `npm start` and tests. The detail names the rule that refused the
 * URL, never anything learnt about the host (the check is made without any lookup).
 */
function checkUrl(env: Env, url: string): void {
  const problem = webhookUrlProblem(url, env.DEV_MODE === "true");
  if (problem === null) return;
  throw new ApiError(422, "invalid_webhook_url", "The webhook URL is not allowed", {
    detail: `Refused: ${problem}. Use an https:// URL on a public host (plain http only to localhost in local development).`,
  });
}

const unknownEndpoint = () => new ApiError(404, "unknown_webhook", "No such webhook endpoint");

async function endpointOf(c: { env: Env; req: { param(name: "id"): string | undefined }; get(key: "site"): AdminEnv["Variables"]["site"] }): Promise<EndpointRow> {
  const id = c.req.param("id");
  if (!WebhookEndpointId.safeParse(id).success) throw unknownEndpoint();
  const row = await getEndpoint(c.env, c.get("site").config.id, id!);
  if (!row) throw unknownEndpoint();
  return row;
}

export const webhookAdminRoutes = new Hono<AdminEnv>()
  .post("/", sizeGuard, async (c) => {
    const request = await parseJsonBody(c.req.raw, WebhookEndpointCreate);
    checkUrl(c.env, request.url);
    const row = {
      id: `wh_${[...crypto.getRandomValues(new Uint8Array(12))].map((b) => b.toString(16).padStart(2, "0")).join("")}`,
      site_id: c.get("site").config.id,
      url: request.url,
      events: JSON.stringify([...new Set(request.events)]),
      description: request.description ?? null,
      created_at: new Date().toISOString(),
    };
    if (!(await createEndpoint(c.env, row)))
      throw new ApiError(409, "too_many_webhooks", "This site has the most webhook endpoints it can have", {
        detail: `A site can have ${MAX_ENDPOINTS_PER_SITE} endpoints; delete one first.`,
      });
    return c.json(await present(c.env, { ...row, disabled_at: null }), 201);
  })
  .get("/", async (c) => {
    const rows = await listEndpoints(c.env, c.get("site").config.id);
    const body: WebhookEndpointList = { endpoints: await Promise.all(rows.map((r) => present(c.env, r))) };
    return c.json(body);
  })
  .get("/:id", async (c) => c.json(await present(c.env, await endpointOf(c))))
  .delete("/:id", async (c) => {
    const row = await endpointOf(c);
    await disableEndpoint(c.env, row.site_id, row.id, new Date().toISOString());
    return c.body(null, 204);
  })
  .get("/:id/deliveries", async (c) => {
    const row = await endpointOf(c);
    const { status, limit, cursor } = parseQuery(
      WebhookDeliveriesQuery,
      c.req.query(),
      "status is pending, delivered, failed or cancelled; limit is 1–100; cursor comes from `next`.",
    );
    const rows = await listDeliveries(c.env, row.site_id, row.id, status ?? null, cursor ?? null, limit + 1);
    const page = rows.slice(0, limit);
    const body: WebhookDeliveriesResponse = {
      deliveries: page.map((d) => ({
        eventId: d.event_id,
        type: d.type,
        createdAt: d.created_at,
        status: d.status as WebhookDeliveriesResponse["deliveries"][number]["status"],
        attempts: d.attempts,
        nextAttemptAt: d.status === "pending" ? d.next_attempt_at : null,
        lastStatus: d.last_status,
        lastError: d.last_error,
        deliveredAt: d.delivered_at,
        event: JSON.parse(d.payload) as unknown,
      })),
      next: rows.length > limit ? page[page.length - 1]!.event_id : null,
    };
    return c.json(body);
  })
  .post("/:id/redeliver", sizeGuard, async (c) => {
    const row = await endpointOf(c);
    const request = await parseJsonBody(c.req.raw, WebhookRedeliverRequest);
    const requeued = await requeueFailed(c.env, row.site_id, row.id, request.eventIds ?? null, new Date().toISOString());
    queuedWebhooks(c, row.site_id, requeued);
    const body: WebhookRedeliverResponse = { requeued };
    return c.json(body);
  })
  .post("/:id/test", async (c) => {
    const row = await endpointOf(c);
    const event = webhookTestEvent(row.site_id, row.id, new Date().toISOString());
    await enqueueTestEvent(c.env, row.id, event);
    queuedWebhooks(c, row.site_id, 1);
    return c.json({ eventId: event.id }, 202);
  });
