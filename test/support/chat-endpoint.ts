// A real HTTP server on loopback playing a chat webhook: records every POST body.
import { createServer, type Server } from 'node:http';

export interface ChatEndpoint {
  url: string;
  received: Array<{ at: number; body: unknown }>;
  close(): Promise<void>;
}

export async function startChatEndpoint(): Promise<ChatEndpoint> {
  const received: ChatEndpoint['received'] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      try {
        received.push({ at: Date.now(), body: JSON.parse(text) });
      } catch {
        received.push({ at: Date.now(), body: text });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/hook/secret-token`,
    received,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
