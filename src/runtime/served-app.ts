// An Express app on 127.0.0.1, on a port the OS picks, that can always be closed: `server.close()`
// alone waits for idle keep-alive sockets (fetch keeps them open), so we also drop every socket.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';
import type { HttpRequest, ServedApp } from './context.js';
import { sendRequest } from './http-client.js';

export async function serveOnLoopback(app: RequestListener, demoSignal: AbortSignal): Promise<ServedApp> {
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  return {
    url,
    port,
    request: (request: HttpRequest) => sendRequest(url, request, demoSignal),
    close,
    server,
  };
}
