import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkoutSessionObject, customerObject, stripeId, subscriptionObject, unixTime } from './stripe-events';

/**
 * A local HTTP server that answers the parts of Stripe's REST API Licensor calls, for tests on
 * machines that cannot reach Stripe: the `stripe` library is pointed at it through its host,
 * port and protocol options (STRIPE_API_BASE_URL). It reads form-encoded bodies as the library
 * sends them, answers JSON shaped like Stripe's (errors included), replays answers by
 * Idempotency-Key, and serves stand-in Checkout and Billing Portal pages. Test-only routes under
 * /_fake/ complete a Checkout the way a paying customer would.
 */

type StripeObject = Record<string, unknown> & { id: string };
export type RecordedRequest = { method: string; path: string; params: Record<string, unknown>; idempotencyKey: string | null };

export type StripeFake = {
  url: string;
  secretKey: string;
  requests: RecordedRequest[];
  customers: Map<string, StripeObject>;
  checkoutSessions: Map<string, StripeObject>;
  subscriptions: Map<string, StripeObject>;
  charges: Map<string, StripeObject>;
  meterEvents: Map<string, StripeObject>;
  /** Answers the next `count` requests whose path starts with `pathPrefix` with a 500 (Stripe's api_error). */
  failNext(pathPrefix: string, count: number): void;
  /** What a customer paying on the Checkout page causes: a customer, an active subscription, the session complete. */
  completeCheckout(sessionId: string): { session: StripeObject; subscription: StripeObject; customer: StripeObject };
  close(): Promise<void>;
};

/** `a[b][0][c]=v` form fields into nested objects and arrays, as Stripe reads them. */
export function parseStripeForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.split(/\[|\]\[|\]/).filter((part) => part !== '');
    let node: Record<string, unknown> | unknown[] = root;
    path.forEach((part, index) => {
      const last = index === path.length - 1;
      const container = node as Record<string, unknown>;
      if (last) {
        container[part] = value;
        return;
      }
      container[part] ??= /^\d+$/.test(path[index + 1]!) ? [] : {};
      node = container[part] as Record<string, unknown>;
    });
  }
  return root;
}

const stripeError = (status: number, type: string, message: string, extra: Record<string, unknown> = {}) => ({ status, body: { error: { type, message, ...extra } } });

export async function startStripeFake(options: { secretKey?: string } = {}): Promise<StripeFake> {
  const secretKey = options.secretKey ?? `sk_test_fake_${stripeId('key')}`;
  const requests: RecordedRequest[] = [];
  const customers = new Map<string, StripeObject>();
  const checkoutSessions = new Map<string, StripeObject>();
  const portalSessions = new Map<string, StripeObject>();
  const subscriptions = new Map<string, StripeObject>();
  const charges = new Map<string, StripeObject>();
  const meterEvents = new Map<string, StripeObject>();
  const idempotentAnswers = new Map<string, { status: number; body: unknown }>();
  const failures: { pathPrefix: string; remaining: number }[] = [];
  let baseUrl = '';

  function completeCheckout(sessionId: string) {
    const session = checkoutSessions.get(sessionId);
    if (!session) throw new Error(`No Checkout session ${sessionId}`);
    const lineItems = session.line_items as { price: string }[];
    const email = (session.customer_email as string | null) ?? `payer-${sessionId.slice(-6)}@example.test`;
    const customer: StripeObject = customers.get(session.customer as string) ?? customerObject({ email });
    customers.set(customer.id, customer);
    const metadata = ((session.subscription_data as { metadata?: Record<string, string> } | undefined)?.metadata ?? {}) as Record<string, string>;
    const subscription = subscriptionObject({ customer: customer.id, priceId: lineItems[0]!.price, metadata });
    subscriptions.set(subscription.id, subscription);
    const completed = {
      ...checkoutSessionObject({
        id: sessionId,
        customer: customer.id,
        email: customer.email as string,
        subscription: subscription.id,
        metadata: session.metadata as Record<string, string>,
        clientReferenceId: session.client_reference_id as string | null,
        created: session.created as number,
      }),
      url: null,
    };
    checkoutSessions.set(sessionId, completed);
    return { session: completed, subscription, customer };
  }

  function answer(method: string, path: string, params: Record<string, unknown>): { status: number; body: unknown } {
    const [, resource, id, action] = /^\/v1\/([a-z_]+(?:\/[a-z_]+)?)(?:\/([A-Za-z0-9_]+))?(?:\/([a-z_]+))?$/.exec(path) ?? [];
    const find = (store: Map<string, StripeObject>, label: string) => {
      const found = id ? store.get(id) : undefined;
      return found ? { status: 200, body: found } : stripeError(404, 'invalid_request_error', `No such ${label}: '${id}'`, { code: 'resource_missing', param: 'id' });
    };
    if (method === 'POST' && resource === 'customers' && !id) {
      const customer = customerObject({ email: params.email as string, name: (params.name as string) ?? null, metadata: params.metadata as Record<string, string> });
      customers.set(customer.id, customer);
      return { status: 200, body: customer };
    }
    if (method === 'GET' && resource === 'customers') return find(customers, 'customer');
    if (method === 'POST' && resource === 'checkout/sessions' && !id) {
      const lineItems = params.line_items as { price?: string }[] | undefined;
      if (params.mode !== 'subscription' && params.mode !== 'payment') return stripeError(400, 'invalid_request_error', 'Missing required param: mode.', { param: 'mode' });
      if (!lineItems?.[0]?.price) return stripeError(400, 'invalid_request_error', 'Missing required param: line_items[0][price].', { param: 'line_items' });
      if (params.customer && !customers.has(params.customer as string)) return stripeError(400, 'invalid_request_error', `No such customer: '${String(params.customer)}'`, { param: 'customer' });
      const sessionId = stripeId('cs');
      const session = {
        ...checkoutSessionObject({
          id: sessionId,
          customer: (params.customer as string) ?? null,
          email: (params.customer_email as string) ?? (params.customer ? (customers.get(params.customer as string)!.email as string) : ''),
          subscription: null,
          metadata: params.metadata as Record<string, string>,
          clientReferenceId: (params.client_reference_id as string) ?? null,
          paymentStatus: 'unpaid',
          url: `${baseUrl}/checkout/${sessionId}`,
        }),
        mode: params.mode,
        line_items: lineItems,
        subscription_data: params.subscription_data,
        success_url: params.success_url,
        cancel_url: params.cancel_url,
      };
      checkoutSessions.set(sessionId, session);
      return { status: 200, body: session };
    }
    if (method === 'GET' && resource === 'checkout/sessions') return find(checkoutSessions, 'checkout.session');
    if (method === 'POST' && resource === 'billing_portal/sessions' && !id) {
      if (!params.customer || !customers.has(params.customer as string)) return stripeError(400, 'invalid_request_error', `No such customer: '${String(params.customer)}'`, { param: 'customer' });
      const sessionId = stripeId('bps');
      const session = { id: sessionId, object: 'billing_portal.session', configuration: stripeId('bpc'), created: unixTime(), customer: params.customer, flow: null, livemode: false, locale: null, on_behalf_of: null, return_url: params.return_url ?? null, url: `${baseUrl}/billing-portal/${sessionId}` };
      portalSessions.set(sessionId, session);
      return { status: 200, body: session };
    }
    if (method === 'GET' && resource === 'subscriptions') return find(subscriptions, 'subscription');
    if (method === 'GET' && resource === 'charges') return find(charges, 'charge');
    if (method === 'POST' && resource === 'billing/meter_events' && !id && !action) {
      const payload = params.payload as { stripe_customer_id?: string; value?: string } | undefined;
      if (!params.event_name || !payload?.stripe_customer_id || !payload.value) return stripeError(400, 'invalid_request_error', 'Missing required param: event_name, payload[stripe_customer_id] or payload[value].');
      const identifier = (params.identifier as string) ?? stripeId('mev');
      if (meterEvents.has(identifier)) return stripeError(400, 'invalid_request_error', `An event already exists with identifier ${identifier}.`, { code: 'resource_already_exists' });
      const event = { id: identifier, object: 'billing.meter_event', created: unixTime(), event_name: params.event_name, identifier, livemode: false, payload, timestamp: Number(params.timestamp ?? unixTime()) };
      meterEvents.set(identifier, event);
      return { status: 200, body: event };
    }
    return stripeError(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}).`);
  }

  function html(response: ServerResponse, title: string, text: string) {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><html lang="en"><head><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>`);
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', baseUrl);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const method = request.method ?? 'GET';
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'Content-Type': 'application/json', 'Request-Id': stripeId('req') });
      response.end(JSON.stringify(body));
    };

    const page = /^\/(checkout|billing-portal)\/([A-Za-z0-9_]+)$/.exec(url.pathname);
    if (method === 'GET' && page) {
      const known = page[1] === 'checkout' ? checkoutSessions.has(page[2]!) : portalSessions.has(page[2]!);
      if (!known) return send(404, { error: 'unknown session' });
      return page[1] === 'checkout' ? html(response, 'Stripe Checkout (test fake)', `Checkout session ${page[2]}`) : html(response, 'Stripe Billing Portal (test fake)', `Portal session ${page[2]}`);
    }
    const completion = /^\/_fake\/checkout\/sessions\/([A-Za-z0-9_]+)\/complete$/.exec(url.pathname);
    if (method === 'POST' && completion) {
      try {
        return send(200, completeCheckout(completion[1]!));
      } catch (error) {
        return send(404, { error: error instanceof Error ? error.message : String(error) });
      }
    }

    if (request.headers.authorization !== `Bearer ${secretKey}`) {
      return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' } });
    }
    const params = method === 'GET' ? parseStripeForm(url.searchParams.toString()) : parseStripeForm(rawBody);
    const idempotencyKey = (request.headers['idempotency-key'] as string | undefined) ?? null;
    requests.push({ method, path: url.pathname, params, idempotencyKey });
    const failure = failures.find((entry) => entry.remaining > 0 && url.pathname.startsWith(entry.pathPrefix));
    if (failure) {
      failure.remaining -= 1;
      return send(500, { error: { type: 'api_error', message: 'Something went wrong on Stripe’s end (injected by the test fake).' } });
    }
    const replay = idempotencyKey ? idempotentAnswers.get(`${method} ${url.pathname} ${idempotencyKey}`) : undefined;
    if (replay) return send(replay.status, replay.body);
    const outcome = answer(method, url.pathname, params);
    if (idempotencyKey && outcome.status < 500) idempotentAnswers.set(`${method} ${url.pathname} ${idempotencyKey}`, outcome);
    return send(outcome.status, outcome.body);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ error: { type: 'api_error', message: error instanceof Error ? error.message : String(error) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    secretKey,
    requests,
    customers,
    checkoutSessions,
    subscriptions,
    charges,
    meterEvents,
    failNext: (pathPrefix, count) => failures.push({ pathPrefix, remaining: count }),
    completeCheckout,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
