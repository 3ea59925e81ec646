import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendStatusWebhook } from '../../src/whatsapp/inbound/inbound.test-helpers.js';
import type { TestNumber } from './listening-app.js';
import { signBody, toWireBody } from './whatsapp-fixtures.js';

/** One `POST /{phone_number_id}/messages` as the fake Graph received it. */
export interface GraphSend {
  body: { to?: string; biz_opaque_callback_data?: string; [field: string]: unknown };
  /** Set once Meta took the request: the wamid it gave it (whether or not the answer got out). */
  wamid: string | null;
  /** Still waiting for its answer (held). */
  held: boolean;
  response: ServerResponse;
}

export interface FakeGraph {
  /** The base to give the server as WHATSAPP_BASE_URL. */
  url: string;
  sends: GraphSend[];
  /** While true, sends are recorded and left unanswered; `accept` or `drop` decides each. */
  hold: boolean;
  /** Where the status webhooks go (the app's webhook URL; it changes with each restart). */
  webhookUrl: string | undefined;
  /** Meta took a held request: it has a wamid and a `sent` status to post, its answer never leaves. */
  accept(send: GraphSend): void;
  /** Meta never took a held request: the connection is dropped without an answer. */
  drop(send: GraphSend): void;
  /**
   * Posts every accepted send's `sent` status the app has not taken yet (a dead app takes none);
   * returns how many are still to deliver.
   */
  deliverStatuses(): Promise<number>;
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });

/**
 * A stand-in for Meta's Graph API on a local port for one number, answering `POST .../messages`
 * with Meta's exact shape (`{messaging_product, contacts: [{input, wa_id}], messages: [{id}]}`) and
 * posting each accepted send's `sent` status webhook (v24 shape, `biz_opaque_callback_data`
 * echoed, signed with the number's app secret), as Meta does; like Meta, it posts again until the
 * app answers 200.
 */
export async function startFakeGraph(number: TestNumber): Promise<FakeGraph> {
  let wamids = 0;
  const undelivered: GraphSend[] = [];

  async function postStatus(send: GraphSend): Promise<boolean> {
    if (!graph.webhookUrl || !send.wamid) return false;
    const body = toWireBody(
      sendStatusWebhook(number, {
        wamid: send.wamid,
        status: 'sent',
        messageId: send.body.biz_opaque_callback_data ?? '',
        recipient: send.body.to ?? '',
      }),
    );
    const res = await fetch(graph.webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signBody(body, number.app_secret),
      },
      body,
    }).catch(() => undefined);
    return res?.status === 200;
  }

  function take(send: GraphSend): void {
    send.wamid = `wamid.fake-${++wamids}-${Date.now()}`;
    undelivered.push(send);
  }

  const server = createServer((req, res) => {
    void (async () => {
      const text = await readBody(req);
      if (req.method !== 'POST' || !req.url?.endsWith(`/${number.phone_number_id}/messages`)) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'Unknown path', type: 'OAuthException', code: 100 } }));
        return;
      }
      const send: GraphSend = {
        body: JSON.parse(text) as GraphSend['body'],
        wamid: null,
        held: graph.hold,
        response: res,
      };
      graph.sends.push(send);
      if (send.held) return;
      take(send);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          messaging_product: 'whatsapp',
          contacts: [{ input: send.body.to, wa_id: send.body.to }],
          messages: [{ id: send.wamid }],
        }),
      );
      await graph.deliverStatuses();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const graph: FakeGraph = {
    url: `http://127.0.0.1:${port}`,
    sends: [],
    hold: false,
    webhookUrl: undefined,
    accept(send) {
      send.held = false;
      take(send);
    },
    drop(send) {
      send.held = false;
      send.response.socket?.destroy();
    },
    async deliverStatuses() {
      for (const send of undelivered.splice(0)) {
        if (!(await postStatus(send))) undelivered.push(send);
      }
      return undelivered.length;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return graph;
}
